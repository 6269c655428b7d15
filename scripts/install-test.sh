#!/usr/bin/env bash
# Install test: what a platform team with its own Backstage app does.
#  1. build and pack every published package (backstage-cli package prepack
#     through `yarn pack`, then postpack), and check what each tarball ships;
#  2. serve the tarballs from a local npm registry for the @beskar7 scope, as
#     npmjs.com would once they are published;
#  3. create a brand-new app with @backstage/create-app from the registry;
#  4. run the install lines of the plugins' READMEs in it, verbatim, and apply
#     their backend.add(...) and app-config.yaml blocks (scripts/install-test/
#     readme-steps.mjs), nothing else;
#  5. start the app's backend on the embedded default (SQLite, simulated fleet)
#     on a free port, serving the built frontend, and check health, hosts, a
#     machine reaching Provisioned, the catalog entities and the page in Chromium.
# Keeps its app with BESKAR7_INSTALL_TEST_KEEP=1 (the folder is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ROOT="$PWD"
started=$SECONDS

# The app's own Backstage release line; pinned so that CI does not change
# under us when a new one is out (override to try another).
CREATE_APP_VERSION="${BESKAR7_CREATE_APP_VERSION:-0.9.2}"
PACKAGES=(beskar7-common beskar7-node beskar7-backend catalog-backend-module-beskar7 scaffolder-backend-module-beskar7 beskar7)
READMES=(plugins/beskar7-backend/README.md plugins/catalog-backend-module-beskar7/README.md plugins/scaffolder-backend-module-beskar7/README.md plugins/beskar7/README.md)

WORK="$(mktemp -d -t beskar7-install-test-XXXXXX)"
registry_pid=
backend_pid=
cleanup() {
  status=$?
  [ -n "$backend_pid" ] && { kill -- "-$backend_pid" 2>/dev/null || kill "$backend_pid" 2>/dev/null || true; wait "$backend_pid" 2>/dev/null || true; }
  [ -n "$registry_pid" ] && { kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; }
  if [ "${BESKAR7_INSTALL_TEST_KEEP:-}" = 1 ] || [ "$status" != 0 ]; then
    echo "install test files kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
step() { printf '\n--> %s (%ds)\n' "$*" "$((SECONDS - started))"; }

if [ -z "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's chromium or set PLAYWRIGHT_CHROMIUM_EXECUTABLE" >&2
    exit 1
  fi
fi

step "build the published packages"
yarn tsc
yarn backstage-cli repo build

step "pack them"
mkdir -p "$WORK/tarballs"
for pkg in "${PACKAGES[@]}"; do
  before="$(cat "plugins/$pkg/package.json")"
  (cd "plugins/$pkg" && yarn pack --out "$WORK/tarballs/%s-%v.tgz" >/dev/null)
  if [ "$(cat "plugins/$pkg/package.json")" != "$before" ]; then
    echo "postpack did not restore plugins/$pkg/package.json" >&2
    exit 1
  fi
done
node scripts/install-test/check-tarballs.mjs "$WORK/tarballs"

step "serve them from a local registry"
node scripts/install-test/registry.mjs "$WORK/tarballs" "$WORK/registry-url" &
registry_pid=$!
for _ in $(seq 1 50); do [ -s "$WORK/registry-url" ] && break; sleep 0.2; done
REGISTRY="$(cat "$WORK/registry-url")"

step "create a new app with @backstage/create-app@$CREATE_APP_VERSION"
# create-app checks `yarn --version`: inside a folder that names Yarn 4,
# corepack answers without looking for its latest release.
echo '{ "private": true, "packageManager": "yarn@4.13.0" }' >"$WORK/package.json"
(cd "$WORK" && BACKSTAGE_APP_NAME=beskar7-install-test \
  npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path app)
APP="$WORK/app"
# create-app seeds the app's yarn.lock from its Backstage release ("fetching
# yarn.lock seed") on a host this machine cannot reach; without a seed every
# package gets its newest version in range, and releases mix (a newer
# signals-backend than backend-defaults 0.18 serves fails the backend's
# start-up). This repository is on the same release: its lockfile is the seed.
if ! cmp -s backstage.json "$APP/backstage.json"; then
  echo "the new app is on another Backstage release than this repository:" >&2
  cat backstage.json "$APP/backstage.json" >&2
  exit 1
fi
cp yarn.lock "$APP/yarn.lock"

step "point the app at the local registry for @beskar7"
(
  cd "$APP"
  # The partial registry mirror (../shared/ENVIRONMENT.md): the same pins as
  # this repository's root package.json.
  node -e '
    const fs = require("fs");
    const ours = require(process.argv[1]).resolutions;
    const app = JSON.parse(fs.readFileSync("package.json", "utf8"));
    for (const name of ["@swc/core", "rollup", "unrs-resolver", "@yarnpkg/core/got"]) {
      app.resolutions[name] = ours[name];
    }
    fs.writeFileSync("package.json", JSON.stringify(app, null, 2) + "\n");
  ' "$ROOT/package.json"
  yarn config set npmScopes.beskar7.npmRegistryServer "$REGISTRY" >/dev/null
  yarn config set --json unsafeHttpWhitelist '["localhost", "127.0.0.1"]' >/dev/null
  # The tarballs are minutes old: the READMEs' note on npmMinimalAgeGate.
  yarn config set --json npmPreapprovedPackages '["@backstage/*", "@beskar7/*"]' >/dev/null
  # Yarn's global cache keys packages by name and version: drop tarballs of
  # earlier runs so that this run installs the ones it just packed.
  rm -f "$(yarn config get cacheFolder)"/@beskar7-*
)

step "the READMEs' install lines"
export YARN_ENABLE_IMMUTABLE_INSTALLS=false
node scripts/install-test/readme-steps.mjs commands "${READMES[@]}" >"$WORK/commands"
while read -r line; do
  echo "\$ $line"
  (cd "$APP" && bash -c "$line" >"$WORK/yarn-add.log" 2>&1) || {
    tail -40 "$WORK/yarn-add.log" >&2
    exit 1
  }
done <"$WORK/commands"
node scripts/install-test/readme-steps.mjs apply "$APP" "${READMES[@]}"

step "type-check and config-check the app"
(cd "$APP" && yarn tsc)
(cd "$APP" && yarn backstage-cli config:check --strict --config app-config.yaml)

step "build the app's frontend"
(cd "$APP" && yarn workspace app build >"$WORK/app-build.log" 2>&1) || {
  tail -40 "$WORK/app-build.log" >&2
  exit 1
}

step "start the app's backend on a free port"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://localhost:$PORT"
cat >"$WORK/app-config.install-test.yaml" <<EOF
app:
  baseUrl: $BASE
backend:
  baseUrl: $BASE
  listen:
    port: $PORT
    host: 127.0.0.1
  cors:
    origin: $BASE
EOF
(cd "$APP" && exec setsid yarn workspace backend start \
  --config ../../app-config.yaml --config "$WORK/app-config.install-test.yaml") \
  >"$WORK/backend.log" 2>&1 &
backend_pid=$!
for _ in $(seq 1 180); do
  if curl -fs "$BASE/api/beskar7/health" >/dev/null; then break; fi
  if ! kill -0 "$backend_pid" 2>/dev/null; then
    tail -60 "$WORK/backend.log" >&2
    echo "the app's backend exited before it answered" >&2
    exit 1
  fi
  sleep 1
done

step "check the installed plugins"
node scripts/install-test/check.mjs "$BASE" "$WORK" || {
  tail -60 "$WORK/backend.log" >&2
  exit 1
}
if grep -q "Backend startup failed" "$WORK/backend.log"; then
  grep -A3 "Backend startup failed" "$WORK/backend.log" >&2
  exit 1
fi

step "install test passed in $((SECONDS - started)) s"
