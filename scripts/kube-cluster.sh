#!/usr/bin/env bash
# A real Kubernetes control plane for tests: Debian's etcd and kube-apiserver
# on free loopback ports, with generated certificates and a token user, and
# kube-controller-manager's namespace controller (namespace deletion) where
# its binary is there.
#
#   scripts/kube-cluster.sh start DIR   # prints DIR/kubeconfig on stdout
#   scripts/kube-cluster.sh stop DIR    # stops both processes by their PIDs
#
# kube-apiserver comes from $BESKAR7_KUBE_APISERVER (a binary, or .xz) or else
# ../shared/kubernetes/kube-apiserver.xz beside the repository. When there is
# none, `start` exits 3 and says what is missing on stderr (one line, which
# callers hand to the tests as the reason they skip). kube-controller-manager
# comes from $BESKAR7_KUBE_CONTROLLER_MANAGER or ../shared/kubernetes/
# kube-controller-manager.xz; without one the control plane starts without it
# (namespaces then stay Terminating, and the tests that need it skip). DIR
# keeps the PIDs (etcd.pid, kube-apiserver.pid, kube-controller-manager.pid),
# the ports, logs and the kubeconfig; tests that pause or stop a process, or
# need the controller manager, find the PIDs next to the kubeconfig.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MISSING=3

source "$ROOT/scripts/lib/processes.sh"

usage() {
  log "usage: $0 start DIR | stop DIR"
  exit 2
}

ensure_etcd() {
  command -v etcd >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "==> installing etcd from Debian's etcd-server package"
    # The package's own service (if the machine starts services) listens on
    # 2379; ours uses other ports, so both can run.
    # Other jobs on the machine may be installing too: wait for dpkg's lock.
    local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -qq)
    export DEBIAN_FRONTEND=noninteractive
    "${apt[@]}" install etcd-server >/dev/null 2>&1 ||
      { "${apt[@]}" update && "${apt[@]}" install etcd-server >/dev/null; } || true
  fi
  if ! command -v etcd >/dev/null 2>&1; then
    log "etcd is missing: install Debian's etcd-server package (needs root and apt-get)"
    exit "$MISSING"
  fi
}

unpack_apiserver() {
  local dir="$1" source="${BESKAR7_KUBE_APISERVER:-}"
  if [ -z "$source" ]; then
    source="$(cd "$ROOT/.." && pwd)/shared/kubernetes/kube-apiserver.xz"
  fi
  if [ ! -f "$source" ]; then
    log "kube-apiserver is missing: no $source (set BESKAR7_KUBE_APISERVER to a kube-apiserver binary or .xz)"
    exit "$MISSING"
  fi
  case "$source" in
    *.xz) xz -dc "$source" >"$dir/kube-apiserver" ;;
    *) cp "$source" "$dir/kube-apiserver" ;;
  esac
  chmod +x "$dir/kube-apiserver"
}

# Only the namespace controller: the garbage collector would delete the
# objects tests give made-up owners.
start_controller_manager() {
  local dir="$1" source="${BESKAR7_KUBE_CONTROLLER_MANAGER:-}"
  if [ -z "$source" ]; then
    source="$(cd "$ROOT/.." && pwd)/shared/kubernetes/kube-controller-manager.xz"
  fi
  if [ ! -f "$source" ]; then
    log "==> no kube-controller-manager ($source): deleted namespaces will stay Terminating"
    return 0
  fi
  case "$source" in
    *.xz) xz -dc "$source" >"$dir/kube-controller-manager" ;;
    *) cp "$source" "$dir/kube-controller-manager" ;;
  esac
  chmod +x "$dir/kube-controller-manager"
  "$dir/kube-controller-manager" --kubeconfig="$dir/kubeconfig" \
    --root-ca-file="$dir/apiserver.crt" --controllers=namespace-controller \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port="$(free_port)" \
    >"$dir/kube-controller-manager.log" 2>&1 &
  echo $! >"$dir/kube-controller-manager.pid"
}

make_credentials() {
  local dir="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -keyout "$dir/apiserver.key" -out "$dir/apiserver.crt" \
    -subj /CN=kube-apiserver \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1" 2>/dev/null
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  openssl rand -hex 24 >"$dir/token"
  chmod 600 "$dir/token" "$dir/apiserver.key" "$dir/sa.key"
  echo "$(cat "$dir/token"),admin,admin-uid,system:masters" >"$dir/tokens.csv"
}

start_etcd() {
  local dir="$1" client peer
  for _ in 1 2 3 4 5; do
    client="$(free_port)"
    peer="$(free_port)"
    rm -rf "$dir/etcd"
    etcd --name beskar7-test --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$client" \
      --advertise-client-urls "http://127.0.0.1:$client" \
      --listen-peer-urls "http://127.0.0.1:$peer" \
      --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "beskar7-test=http://127.0.0.1:$peer" \
      >"$dir/etcd.log" 2>&1 &
    echo $! >"$dir/etcd.pid"
    for _ in $(seq 1 100); do
      alive "$dir/etcd.pid" || break
      if curl -sf "http://127.0.0.1:$client/health" 2>/dev/null | grep -q '"health":"true"'; then
        echo "$client" >"$dir/etcd.port"
        return 0
      fi
      sleep 0.1
    done
    stop_pid "$dir/etcd.pid" # lost its ports to someone else: try others
  done
  log "etcd did not start; see $dir/etcd.log"
  exit 1
}

start_apiserver() {
  local dir="$1" etcd_port port
  etcd_port="$(cat "$dir/etcd.port")"
  for _ in 1 2 3; do
    port="$(free_port)"
    "$dir/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
      --tls-cert-file="$dir/apiserver.crt" --tls-private-key-file="$dir/apiserver.key" \
      --service-account-key-file="$dir/sa.pub" --service-account-signing-key-file="$dir/sa.key" \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --token-auth-file="$dir/tokens.csv" --authorization-mode=RBAC \
      --service-cluster-ip-range=10.0.0.0/24 --cert-dir="$dir/certs" \
      >"$dir/kube-apiserver.log" 2>&1 &
    echo $! >"$dir/kube-apiserver.pid"
    # About 20 s on a quiet 2-core machine; allow for a busy one.
    for _ in $(seq 1 240); do
      alive "$dir/kube-apiserver.pid" || break
      if [ "$(curl -s --cacert "$dir/apiserver.crt" -H "Authorization: Bearer $(cat "$dir/token")" \
        "https://127.0.0.1:$port/readyz" 2>/dev/null)" = ok ]; then
        echo "$port" >"$dir/kube-apiserver.port"
        return 0
      fi
      sleep 0.5
    done
    if alive "$dir/kube-apiserver.pid"; then
      stop_pid "$dir/kube-apiserver.pid"
      log "kube-apiserver did not become ready in 120 s; see $dir/kube-apiserver.log"
      exit 1
    fi
    stop_pid "$dir/kube-apiserver.pid" # lost its port: try another
  done
  log "kube-apiserver did not start; see $dir/kube-apiserver.log"
  exit 1
}

write_kubeconfig() {
  local dir="$1" port ca
  port="$(cat "$dir/kube-apiserver.port")"
  ca="$(base64 -w0 <"$dir/apiserver.crt")"
  cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: beskar7-test
    cluster:
      server: https://127.0.0.1:$port
      certificate-authority-data: $ca
users:
  - name: admin
    user:
      token: $(cat "$dir/token")
contexts:
  - name: beskar7-test
    context: { cluster: beskar7-test, user: admin }
current-context: beskar7-test
EOF
  chmod 600 "$dir/kubeconfig"
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if alive "$dir/kube-apiserver.pid" && [ -f "$dir/kubeconfig" ]; then
    echo "$dir/kubeconfig"
    return 0
  fi
  command -v curl >/dev/null 2>&1 || { log "curl is missing"; exit "$MISSING"; }
  command -v openssl >/dev/null 2>&1 || { log "openssl is missing"; exit "$MISSING"; }
  unpack_apiserver "$dir"
  ensure_etcd
  make_credentials "$dir"
  # Whatever fails from here on leaves nothing running.
  STARTING="$dir"
  trap 'stop "$STARTING"' EXIT
  start_etcd "$dir"
  start_apiserver "$dir"
  write_kubeconfig "$dir"
  start_controller_manager "$dir"
  trap - EXIT
  log "==> kube-apiserver ready at https://127.0.0.1:$(cat "$dir/kube-apiserver.port") (etcd on $(cat "$dir/etcd.port")); KUBECONFIG=$dir/kubeconfig"
  echo "$dir/kubeconfig"
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  stop_pid "$dir/kube-controller-manager.pid"
  stop_pid "$dir/kube-apiserver.pid"
  stop_pid "$dir/etcd.pid"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
