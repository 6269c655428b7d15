#!/usr/bin/env bash
# Browser tests: builds the frontend, serves it from the backend on :7007
# (SQLite, the embedded default) and drives it with the machine's Chromium;
# then starts the dev frontend on :3000 against the same backend and checks
# that the Beskar7 pages log no warning (React's and React Aria's warnings
# exist in development builds only).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if [ -z "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Chromium from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's chromium or set PLAYWRIGHT_CHROMIUM_EXECUTABLE" >&2
    exit 1
  fi
fi

yarn workspace app build

# With the API server and Cluster API controllers that scripts/test.sh
# started, the backend reads and creates clusters there (clusters.test.ts);
# without them that test skips, saying why.
if [ -n "${BESKAR7_TEST_KUBECONFIG:-}" ] && [ -n "${BESKAR7_TEST_CLUSTER_API:-}" ]; then
  export APP_CONFIG_beskar7_kubernetes_enabled=true
  export APP_CONFIG_beskar7_kubernetes_kubeconfig="$BESKAR7_TEST_KUBECONFIG"
  # The simulated fleet's hosts are in namespace `simulator`.
  export APP_CONFIG_beskar7_kubernetes_crossNamespaceClaims=true
  export BESKAR7_E2E_KUBERNETES=1
fi

log="$(mktemp)"
set -m # each server in a process group of its own, to stop it whole
yarn workspace backend start >"$log" 2>&1 &
backend_pid=$!
dev_pid=
stop() {
  for pid in $dev_pid $backend_pid; do
    kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop EXIT

for _ in $(seq 1 120); do
  if curl -fs http://localhost:7007/api/beskar7/health >/dev/null; then break; fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    cat "$log" >&2
    echo "the backend exited before it answered" >&2
    exit 1
  fi
  sleep 1
done
# A plugin that fails to start leaves `backstage-cli package start` running.
if ! curl -fs http://localhost:7007/api/beskar7/health >/dev/null; then
  cat "$log" >&2
  echo "the backend did not answer within 120 s" >&2
  exit 1
fi

CI=true yarn test:e2e

dev_log="$(mktemp)"
yarn workspace app start >"$dev_log" 2>&1 &
dev_pid=$!
for _ in $(seq 1 300); do
  if curl -fs http://localhost:3000 >/dev/null; then break; fi
  if ! kill -0 "$dev_pid" 2>/dev/null; then
    cat "$dev_log" >&2
    echo "the dev frontend exited before it answered" >&2
    exit 1
  fi
  sleep 1
done
BESKAR7_DEV_URL=http://localhost:3000 CI=true yarn test:e2e devConsole
