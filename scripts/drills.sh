#!/usr/bin/env bash
# Fault drills: each one breaks part of a running fleet on purpose (replicas,
# the database, ...), lets it finish its work, then checks the invariants and
# prints its figures; a broken invariant exits non-zero. Short form by default
# (part of scripts/test.sh), long form with --long.
#
#   bash scripts/drills.sh          # short
#   bash scripts/drills.sh --long   # long
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

FORM=()
if [ "${1:-}" = "--long" ]; then FORM=(--long); fi

bash scripts/ensure-postgres.sh
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

drill() { printf '\n--> drill: %s\n' "$1"; shift; "$@"; }

# One line per drill: drill "<name>" yarn <root script> "${FORM[@]}"
drill "replica kill" yarn drill:replicas "${FORM[@]}"
drill "database restart" yarn drill:database "${FORM[@]}"
drill "BMC chaos" yarn drill:bmc-chaos "${FORM[@]}"
drill "scale run" yarn drill:scale "${FORM[@]}"
# Against the real kube-apiserver of scripts/test.sh (BESKAR7_TEST_KUBECONFIG); says why when skipped.
drill "Kubernetes Lease and idle load" yarn drill:kubernetes "${FORM[@]}"
