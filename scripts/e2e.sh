#!/usr/bin/env bash
# Browser tests: builds the frontend, serves it from the backend on :7007
# (SQLite, the embedded default) and drives it with the machine's Chromium.
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

log="$(mktemp)"
yarn workspace backend start >"$log" 2>&1 &
backend_pid=$!
trap 'kill -- -$backend_pid 2>/dev/null || kill $backend_pid 2>/dev/null || true; wait $backend_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if curl -fs http://localhost:7007/api/beskar7/health >/dev/null; then break; fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    cat "$log" >&2
    echo "the backend exited before it answered" >&2
    exit 1
  fi
  sleep 1
done

CI=true yarn test:e2e
