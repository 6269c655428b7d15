#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the database tests.
# Starts the machine's cluster when it is installed but stopped; installs it
# from Debian's packages when it is missing and we may.
set -euo pipefail

PGHOST_ADDR="${BESKAR7_PG_HOST:-127.0.0.1}"
PGPORT_NUM="${BESKAR7_PG_PORT:-5432}"

ready() { pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" 2>/dev/null; }

if ready; then exit 0; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing PostgreSQL from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is not installed and cannot be installed here (need root and apt-get)" >&2
    exit 1
  fi
fi

version="$(ls /etc/postgresql | sort -V | tail -n 1)"
echo "==> starting PostgreSQL $version" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  if ready; then exit 0; fi
  sleep 1
done
echo "PostgreSQL did not become ready on $PGHOST_ADDR:$PGPORT_NUM" >&2
exit 1
