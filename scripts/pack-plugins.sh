#!/usr/bin/env bash
# Builds the six published packages and packs them into tarballs inside a
# Backstage app, for installing them before (or without) a release on a
# registry: see "Installing into your own Backstage app" in README.md.
#
#   ./scripts/pack-plugins.sh <your app's root directory>
#
# Writes <app>/beskar7-packages/<scope>-<name>-<version>.tgz (the names npm
# pack gives) and prints the `resolutions` entries for the app's package.json.
# The tarballs are what `npm publish` would upload: `yarn pack` runs each
# package's prepack (dist entry points, compiled config schema) and turns
# `workspace:^` ranges into the versions of this clone.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1/package.json" ]; then
  echo "usage: $0 <your Backstage app's root directory (with its package.json)>" >&2
  exit 2
fi
APP="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."
source scripts/env.sh

# Dependencies first: each package's tarball names the others' versions.
PACKAGES=(beskar7-common beskar7-node beskar7-backend catalog-backend-module-beskar7 scaffolder-backend-module-beskar7 beskar7)
OUT="$APP/beskar7-packages"
mkdir -p "$OUT"

echo "==> install this clone's dependencies (from its lockfile)" >&2
yarn install --immutable >&2
echo "==> type-check and build the packages" >&2
yarn tsc >&2
yarn backstage-cli repo build >&2

echo "==> pack them into $OUT" >&2
resolutions=()
for pkg in "${PACKAGES[@]}"; do
  name="$(node -p "require('./plugins/$pkg/package.json').name")"
  version="$(node -p "require('./plugins/$pkg/package.json').version")"
  file="$(echo "${name#@}" | tr / -)-$version.tgz"
  (cd "plugins/$pkg" && yarn pack --out "$OUT/$file" >&2)
  resolutions+=("  \"$name\": \"file:./beskar7-packages/$file\"")
done

echo "==> add these to \"resolutions\" in $APP/package.json:" >&2
echo '"resolutions": {'
printf '%s\n' "${resolutions[@]}" | sed '$!s/$/,/'
echo '}'
