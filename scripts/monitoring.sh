#!/usr/bin/env bash
# The monitoring rules, checked by Debian's promtool: the rule groups of
# deploy/monitoring/prometheusrule.yaml (its spec) must load, every alert and
# recording rule must have a unit test in deploy/monitoring/tests, and the
# tests must pass. Then the alert drill (short form; --long for the long one):
# a real Prometheus scrapes a running backend while faults are caused.
#
#   bash scripts/monitoring.sh            # rules, unit tests, short alert drill
#   bash scripts/monitoring.sh --long     # the same with the long alert drill
#   bash scripts/monitoring.sh --rules    # rules and unit tests only
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/ensure-prometheus.sh

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rules="$work/beskar7.rules.yaml"
node --require @backstage/cli/config/nodeTransform.cjs \
  packages/drills/src/drills/monitoring/writeRules.ts "$rules"
promtool check rules "$rules"

# A rule nobody tests is a rule nobody has seen work.
untested=0
for name in $(grep -oE '^ *- (alert|record): *[^ ]+' deploy/monitoring/prometheusrule.yaml | awk '{print $3}'); do
  if ! grep -qF -- "$name" deploy/monitoring/tests/*.test.yaml; then
    echo "no promtool test names $name" >&2
    untested=1
  fi
done
[ "$untested" = 0 ]

cp deploy/monitoring/tests/*.test.yaml "$work/"
promtool test rules "$work"/*.test.yaml

if [ "${1:-}" = "--rules" ]; then exit 0; fi

bash scripts/ensure-postgres.sh
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
FORM=()
if [ "${1:-}" = "--long" ]; then FORM=(--long); fi
yarn drill:alerts "${FORM[@]}"
