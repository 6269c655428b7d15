#!/usr/bin/env bash
# Backup and restore drill (docs/backup-recovery.md): fills a scratch
# database through the plugin's own code, dumps it with pg_dump, drops it,
# restores the dump into a new database and checks that every beskar7 table
# holds the same rows and that no host is claimed twice. Prints the dump size
# and the dump and restore times; exits non-zero on any difference. Its
# databases are dropped at the end, whatever happens.
#
#   BESKAR7_DRILL_POSTGRES  server to use (default postgresql://postgres@127.0.0.1:5432)
#   BESKAR7_DRILL_HOSTS, BESKAR7_DRILL_MACHINES  data size (default 600 / 500)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SERVER="${BESKAR7_DRILL_POSTGRES:-postgresql://postgres@127.0.0.1:5432}"
HOSTS="${BESKAR7_DRILL_HOSTS:-600}"
MACHINES="${BESKAR7_DRILL_MACHINES:-500}"

# pg_dump and pg_restore come with PostgreSQL's client package.
if ! command -v pg_dump >/dev/null 2>&1 || ! command -v pg_restore >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing postgresql-client from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
  else
    echo "pg_dump is not installed and cannot be installed here (need root and apt-get)" >&2
    exit 1
  fi
fi

suffix="$(date +%s)_$$"
SOURCE_DB="beskar7_drill_source_${suffix}"
RESTORED_DB="beskar7_drill_restored_${suffix}"
WORK="$(mktemp -d)"
DUMP="$WORK/beskar7.dump"

url_of() { printf '%s/%s' "${SERVER%/}" "$1"; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$(url_of postgres)" "$@"; }

cleanup() {
  for db in "$SOURCE_DB" "$RESTORED_DB"; do
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
run_data() {
  node --require @backstage/cli/config/nodeTransform.cjs \
    packages/drills/src/drills/backupData.ts "$@"
}

echo "==> filling $SOURCE_DB ($HOSTS hosts, $MACHINES machines)"
psql_admin -c "CREATE DATABASE \"$SOURCE_DB\""
run_data fill "$(url_of "$SOURCE_DB")" --hosts "$HOSTS" --machines "$MACHINES" >"$WORK/before.json"

echo "==> pg_dump (custom format)"
start=$(now_ms)
pg_dump --format=custom --no-owner --no-privileges --file="$DUMP" "$(url_of "$SOURCE_DB")"
dump_ms=$(($(now_ms) - start))
dump_bytes=$(stat -c %s "$DUMP")

echo "==> dropping $SOURCE_DB, restoring into $RESTORED_DB"
psql_admin -c "DROP DATABASE \"$SOURCE_DB\" WITH (FORCE)"
psql_admin -c "CREATE DATABASE \"$RESTORED_DB\""
start=$(now_ms)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$(url_of "$RESTORED_DB")" "$DUMP"
restore_ms=$(($(now_ms) - start))

echo "==> verifying the restored database"
status=0
verdict="$(run_data verify "$(url_of "$RESTORED_DB")" "$WORK/before.json")" || status=$?
echo "$verdict"

printf '{"dumpBytes":%s,"dumpMs":%s,"restoreMs":%s,"hosts":%s,"machines":%s,"verified":%s}\n' \
  "$dump_bytes" "$dump_ms" "$restore_ms" "$HOSTS" "$MACHINES" "$([ "$status" = 0 ] && echo true || echo false)"
exit "$status"
