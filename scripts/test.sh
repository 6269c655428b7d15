#!/usr/bin/env bash
# The whole test suite, as CI runs it: install from the lockfile, type-check,
# lint, check formatting and the API reports, run every package's tests (the
# backend's database tests on SQLite and PostgreSQL), build the backend, run
# the browser tests and install the packed plugins into a new app.
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

step "OpenAPI: the generated router types match the spec"
node plugins/beskar7-backend/scripts/generate-openapi-router.js --check

step "OpenAPI: the generated client and response types match the spec"
node plugins/beskar7-backend/scripts/generate-openapi-client.js --check

step "API reports"
yarn build:api-reports --ci

step "Kubernetes control plane (etcd and kube-apiserver on free ports)"
# The Kubernetes suites run against it (BESKAR7_TEST_KUBECONFIG); when its
# binary is missing they skip, saying what is missing.
KUBE_DIR="$(mktemp -d)"
stop_kube() {
  bash scripts/cluster-api.sh stop "$KUBE_DIR" || true
  bash scripts/kube-cluster.sh stop "$KUBE_DIR" || true
  rm -rf "$KUBE_DIR"
}
trap stop_kube EXIT
kube_rc=0
kubeconfig="$(bash scripts/kube-cluster.sh start "$KUBE_DIR" 2>"$KUBE_DIR/start.log")" || kube_rc=$?
cat "$KUBE_DIR/start.log" >&2
if [ "$kube_rc" = 0 ]; then
  export BESKAR7_TEST_KUBECONFIG="$kubeconfig"
elif [ "$kube_rc" = 3 ]; then
  BESKAR7_TEST_KUBE_MISSING="$(tail -n 1 "$KUBE_DIR/start.log")"
  export BESKAR7_TEST_KUBE_MISSING
else
  exit "$kube_rc"
fi

step "Cluster API's controllers (core, kubeadm bootstrap, kubeadm control plane) beside it"
# Started once for the whole run; the Cluster API suites use them through
# BESKAR7_TEST_CLUSTER_API and skip, saying what is missing, without them.
if [ "$kube_rc" = 0 ]; then
  capi_rc=0
  capi_dir="$(bash scripts/cluster-api.sh start "$KUBE_DIR" 2>"$KUBE_DIR/capi-start.log")" || capi_rc=$?
  cat "$KUBE_DIR/capi-start.log" >&2
  if [ "$capi_rc" = 0 ]; then
    export BESKAR7_TEST_CLUSTER_API="$capi_dir"
  elif [ "$capi_rc" = 3 ]; then
    BESKAR7_TEST_CLUSTER_API_MISSING="$(tail -n 1 "$KUBE_DIR/capi-start.log")"
    export BESKAR7_TEST_CLUSTER_API_MISSING
  else
    exit "$capi_rc"
  fi
else
  export BESKAR7_TEST_CLUSTER_API_MISSING="no kube-apiserver to run Cluster API beside: $BESKAR7_TEST_KUBE_MISSING"
fi

step "Tests"
# CI=true: run once (no watch) and make a missing PostgreSQL fail the run.
CI=true yarn test --verbose

step "Monitoring: promtool rules and unit tests, alert drill with a real Prometheus"
bash scripts/monitoring.sh

step "Backup and restore drill"
bash scripts/backup-restore-drill.sh

step "Fault drills"
bash scripts/drills.sh

step "Build backend"
yarn build:backend

step "Browser tests"
bash scripts/e2e.sh

step "Install test (a new app from @backstage/create-app, the READMEs' lines)"
bash scripts/install-test.sh

step "All checks passed"
