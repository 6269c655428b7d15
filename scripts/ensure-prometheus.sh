#!/usr/bin/env bash
# Makes Debian's Prometheus (the server and promtool) available for the
# monitoring tests, installing the `prometheus` package where it is missing.
# The package starts a service on :9090; the tests run their own Prometheus
# on free ports, so that service is stopped and kept off.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Prometheus is missing: install Debian's prometheus package (prometheus and promtool)" >&2
  exit 1
fi

echo "==> installing Prometheus from Debian's packages" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null

# The package's own service is not the tests' Prometheus.
if [ -x /etc/init.d/prometheus ]; then
  /etc/init.d/prometheus stop >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
