#!/usr/bin/env bash
# Cluster API's own controllers for tests, beside the kube-apiserver that
# scripts/kube-cluster.sh started in DIR: the core manager, the kubeadm
# bootstrap and the kubeadm control-plane managers, with their admission
# webhooks, on free loopback ports.
#
#   scripts/cluster-api.sh start DIR   # prints DIR/cluster-api on stdout
#   scripts/cluster-api.sh stop DIR    # stops the managers by their PIDs
#
# The managers, CRDs and webhook configurations come from
# $BESKAR7_CLUSTER_API (a folder laid out like ../shared/cluster-api beside
# the repository, the default). When it is missing, `start` exits 3 and says
# what is missing on stderr (one line, which callers hand to the tests as the
# reason they skip). DIR/cluster-api keeps the binaries (clusterctl too), the
# webhook serving certificate, each manager's PID, ports and log.
#
# Every CRD (Cluster API's and deploy/crds) is applied before the managers
# start: a manager reads a provider CRD's contract label once.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MISSING=3
MANAGERS=(cluster-api-manager kubeadm-bootstrap-manager kubeadm-control-plane-manager)

source "$ROOT/scripts/lib/processes.sh"

usage() {
  log "usage: $0 start DIR | stop DIR   (DIR: where scripts/kube-cluster.sh started the API server)"
  exit 2
}

# The CRD folder and webhook file of a manager.
crds_of() {
  case "$1" in
    cluster-api-manager) echo core ;;
    kubeadm-bootstrap-manager) echo kubeadm-bootstrap ;;
    kubeadm-control-plane-manager) echo kubeadm-control-plane ;;
  esac
}

source_dir() {
  local dir="${BESKAR7_CLUSTER_API:-$(cd "$ROOT/.." && pwd)/shared/cluster-api}" f
  for f in "${MANAGERS[@]}" clusterctl; do
    if [ ! -f "$dir/$f.xz" ] && [ ! -f "$dir/$f" ]; then
      log "Cluster API is missing: no $dir/$f.xz (set BESKAR7_CLUSTER_API to a folder like ../shared/cluster-api)"
      exit "$MISSING"
    fi
  done
  echo "$dir"
}

unpack() {
  local from="$1" to="$2" name pids=()
  mkdir -p "$to"
  for name in "${MANAGERS[@]}" clusterctl; do
    [ -x "$to/$name" ] && continue
    if [ -f "$from/$name.xz" ]; then
      (xz -dc "$from/$name.xz" >"$to/$name.tmp" && chmod +x "$to/$name.tmp" && mv "$to/$name.tmp" "$to/$name") &
      pids+=($!)
    else
      cp "$from/$name" "$to/$name" && chmod +x "$to/$name"
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# curl against the API server with the kubeconfig's credentials.
kube() {
  local path="$1"
  shift
  curl -sS --fail-with-body --cacert "$KUBE_DIR/apiserver.crt" \
    -H "Authorization: Bearer $(cat "$KUBE_DIR/token")" \
    "$@" "https://127.0.0.1:$(cat "$KUBE_DIR/kube-apiserver.port")$path"
}

# Server-side apply of one object (YAML or JSON) read from stdin.
apply() {
  local collection="$1" name="$2"
  kube "$collection/$name?fieldManager=beskar7-test-cluster-api&force=true" \
    -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary @- >/dev/null
}

apply_crds() {
  local file name names=() pids=() pid
  # In parallel: the API server takes a while over each of Cluster API's.
  for file in "$CAPI_SOURCE"/crds/*/*.yaml "$ROOT"/deploy/crds/*.yaml; do
    name="$(sed -n 's/^  name: //p' "$file" | head -n 1)"
    apply /apis/apiextensions.k8s.io/v1/customresourcedefinitions "$name" <"$file" &
    pids+=($!)
    names+=("$name")
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  for name in "${names[@]}"; do
    for _ in $(seq 1 300); do
      kube "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name" |
        tr -d ' \n' | grep -q '"type":"Established","status":"True"' && continue 2
      sleep 0.1
    done
    log "CRD $name was not established"
    exit 1
  done
}

make_serving_cert() {
  local dir="$1"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" \
    -subj /CN=cluster-api-webhooks -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
  chmod 600 "$dir/tls.key"
}

apply_webhooks() {
  local manager="$1" port="$2" kind line name
  node "$ROOT/scripts/lib/webhook-configurations.mjs" \
    "$CAPI_SOURCE/webhooks/$(crds_of "$manager").yaml" "$port" "$RUN/certs/tls.crt" \
    "$(crds_of "$manager")" |
    while IFS= read -r line; do
      kind="$(printf '%s' "$line" | node -pe 'JSON.parse(require("fs").readFileSync(0)).kind')"
      name="$(printf '%s' "$line" | node -pe 'JSON.parse(require("fs").readFileSync(0)).metadata.name')"
      case "$kind" in
        MutatingWebhookConfiguration) kind=mutatingwebhookconfigurations ;;
        ValidatingWebhookConfiguration) kind=validatingwebhookconfigurations ;;
      esac
      printf '%s' "$line" | apply "/apis/admissionregistration.k8s.io/v1/$kind" "$name"
    done
}

start_manager() {
  local manager="$1" webhook health diagnostics
  for _ in 1 2 3; do
    webhook="$(free_port)"
    health="$(free_port)"
    diagnostics="$(free_port)"
    apply_webhooks "$manager" "$webhook"
    local gates=()
    # ClusterClass-based clusters (the topology controller) work too.
    [ "$manager" = kubeadm-bootstrap-manager ] || gates=(--feature-gates=ClusterTopology=true)
    "$RUN/$manager" --kubeconfig "$KUBE_DIR/kubeconfig" --leader-elect=false \
      --webhook-port "$webhook" --webhook-cert-dir "$RUN/certs" \
      --health-addr "127.0.0.1:$health" \
      --diagnostics-address "127.0.0.1:$diagnostics" --insecure-diagnostics \
      "${gates[@]}" >"$RUN/$manager.log" 2>&1 &
    echo $! >"$RUN/$manager.pid"
    echo "$webhook" >"$RUN/$manager.webhook-port"
    echo "$health" >"$RUN/$manager.health-port"
    echo "$diagnostics" >"$RUN/$manager.diagnostics-port"
    # About 5 s each on a quiet 2-core machine; allow for a busy one.
    for _ in $(seq 1 480); do
      alive "$RUN/$manager.pid" || break
      if [ "$(curl -s "http://127.0.0.1:$health/readyz" 2>/dev/null)" = ok ]; then
        return 0
      fi
      sleep 0.25
    done
    if alive "$RUN/$manager.pid"; then
      stop_pid "$RUN/$manager.pid"
      log "$manager did not become ready in 120 s; see $RUN/$manager.log"
      exit 1
    fi
    # Lost a port to someone else: try others (the log says which).
    grep -q 'address already in use' "$RUN/$manager.log" || break
  done
  log "$manager did not start; see $RUN/$manager.log"
  exit 1
}

start() {
  KUBE_DIR="$(cd "$1" && pwd)"
  RUN="$KUBE_DIR/cluster-api"
  if ! alive "$KUBE_DIR/kube-apiserver.pid"; then
    log "no kube-apiserver running in $KUBE_DIR: run scripts/kube-cluster.sh start $KUBE_DIR first"
    exit 1
  fi
  if alive "$RUN/cluster-api-manager.pid"; then
    echo "$RUN"
    return 0
  fi
  command -v xz >/dev/null 2>&1 || { log "xz is missing"; exit "$MISSING"; }
  command -v node >/dev/null 2>&1 || source "$ROOT/scripts/env.sh"
  CAPI_SOURCE="$(source_dir)"
  local began=$SECONDS unpacked applied manager
  unpack "$CAPI_SOURCE" "$RUN"
  unpacked=$SECONDS
  make_serving_cert "$RUN/certs"
  STARTING="$1"
  trap 'stop "$STARTING"' EXIT
  apply_crds
  applied=$SECONDS
  for manager in "${MANAGERS[@]}"; do start_manager "$manager"; done
  trap - EXIT
  log "==> Cluster API's core, kubeadm bootstrap and kubeadm control-plane managers ready (unpacked in $((unpacked - began)) s, CRDs applied in $((applied - unpacked)) s, managers up in $((SECONDS - applied)) s); logs in $RUN"
  echo "$RUN"
}

stop() {
  KUBE_DIR="$1"
  local run="$KUBE_DIR/cluster-api" manager kind
  [ -d "$run" ] || return 0
  for manager in "${MANAGERS[@]}"; do stop_pid "$run/$manager.pid"; done
  # Webhooks nobody answers would refuse every Cluster API object written
  # after this; the API server may be gone already.
  alive "$KUBE_DIR/kube-apiserver.pid" || return 0
  for manager in "${MANAGERS[@]}"; do
    for kind in mutating validating; do
      kube "/apis/admissionregistration.k8s.io/v1/${kind}webhookconfigurations/$(crds_of "$manager")-$kind-webhook-configuration" \
        -X DELETE >/dev/null 2>&1 || true
    done
  done
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
