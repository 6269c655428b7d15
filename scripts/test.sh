#!/usr/bin/env bash
# The whole test suite, as CI runs it: install from the lockfile, type-check,
# lint, check formatting, run every package's tests (the backend's database
# tests on SQLite and PostgreSQL), and build the backend.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { printf '\n==> %s\n' "$*"; }

step "PostgreSQL"
bash scripts/ensure-postgres.sh
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

# Captures from real BMCs, beside the repository where this project provides
# them: when present, their test suite must run.
if [ -d ../shared/redfish-mockups ] && [ -z "${BESKAR7_REDFISH_MOCKUPS:-}" ]; then
  BESKAR7_REDFISH_MOCKUPS="$(cd ../shared/redfish-mockups && pwd)"
  export BESKAR7_REDFISH_MOCKUPS
fi

step "Install (immutable lockfile)"
yarn install --immutable

step "Type-check"
yarn tsc

step "Lint"
yarn lint:all

step "Formatting"
yarn prettier:check

step "Tests"
# CI=true: run once (no watch) and make a missing PostgreSQL fail the run.
CI=true yarn test --verbose

step "Backup and restore drill"
bash scripts/backup-restore-drill.sh

step "Fault drills"
bash scripts/drills.sh

step "Build backend"
yarn build:backend

step "Browser tests"
bash scripts/e2e.sh

step "All checks passed"
