# Sourced by the other scripts: puts Node >= 22 and Yarn 4 (through corepack) on PATH.
# A machine that already has Node 22+ and corepack pays nothing here; an older
# machine gets Node 22 from the npm registry into .tools/ (git-ignored).

BESKAR7_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$BESKAR7_ROOT/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$TOOLS/node_modules/.bin/node" ] || [ ! -x "$TOOLS/node_modules/.bin/corepack" ]; then
    echo "==> Node $(node -v 2>/dev/null || echo none) is older than 22: installing node@22 into .tools/" >&2
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --loglevel=error node@22 corepack@0.34
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
  # node-gyp must build native addons (better-sqlite3) against this Node's headers,
  # not whatever nodedir the machine's npmrc names.
  for headers in "$TOOLS"/node_modules/node/node_modules/node-*/; do
    if [ -d "$headers/include/node" ]; then export npm_config_nodedir="${headers%/}"; fi
  done
fi

if [ -z "${COREPACK_NPM_REGISTRY:-}" ]; then
  COREPACK_NPM_REGISTRY="$(npm config get registry 2>/dev/null | sed 's#/$##')"
  export COREPACK_NPM_REGISTRY
fi
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

if ! command -v yarn >/dev/null 2>&1 || ! yarn --version 2>/dev/null | grep -q '^4\.'; then
  mkdir -p "$TOOLS/bin"
  corepack enable --install-directory "$TOOLS/bin" yarn
  export PATH="$TOOLS/bin:$PATH"
fi
