#!/usr/bin/env bash
# Installs what is missing and starts the portal (frontend :3000, backend :7007)
# on the embedded default: SQLite and a simulated fleet of BMCs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

yarn install --immutable
exec yarn start "$@"
