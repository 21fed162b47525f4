#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for the e2e tier: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (one fake node whose Pods become Ready, and
# whose Jobs' Pods complete), with Istio's and Gateway API's CRDs and Rollout4j's CRDs and RBAC installed.
#
#   e2e/cluster.sh up       build what is missing (e2e/build.sh), start, print KUBECONFIG=<path> last
#   e2e/cluster.sh down     stop exactly the processes `up` started (by PID) and remove their data
#   e2e/cluster.sh status   what runs
#   e2e/cluster.sh restart kube-apiserver   (or another component) with the same arguments
#
# Every listener is on 127.0.0.1. Pod and Service IPs the cluster hands out are bookkeeping only:
# there is no kubelet, proxy or network behind them, and nothing here sends traffic to them.
# Certificates are made at `up` in the run folder and removed at `down`; none is committed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${ROLLOUT4J_E2E_CACHE:-$HOME/.cache/rollout4j-e2e}
RUN=${ROLLOUT4J_E2E_RUN:-$CACHE/run}
ETCD_PORT=${ROLLOUT4J_E2E_ETCD_PORT:-23790}
API_PORT=${ROLLOUT4J_E2E_API_PORT:-26443}
KWOK_VERSION=0.8.0
ISTIO_API_VERSION=1.31.4
GATEWAY_API_VERSION=1.6.3
KUBECONFIG_FILE=$RUN/admin.kubeconfig
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"
NODE_PODS=${ROLLOUT4J_E2E_NODE_PODS:-5000}   # the fake node's pod capacity (e2e/perf.sh raises it)

log() { printf '%s cluster: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
trap 'log "failed: line $LINENO: $BASH_COMMAND"' ERR

alive() { # alive NAME: the process `up` started for NAME still runs
  local pid_file=$RUN/$1.pid
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start() { # start NAME COMMAND...: in its own session, output to logs/NAME.log, PID kept
  local name=$1
  shift
  printf '%s\0' "$@" > "$RUN/$name.args"
  setsid "$@" >> "$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}

stop_one() { # stop_one NAME: SIGTERM the process `up` started for NAME, SIGKILL after 5 s
  local pid
  if alive "$1"; then
    pid=$(cat "$RUN/$1.pid")
    kill "$pid" 2> /dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -f "$RUN/$1.pid"
}

restart() { # restart NAME: stop it and start it again with the same arguments
  local name=$1
  BIN=$CACHE/bin
  if [ ! -f "$RUN/$name.args" ]; then
    log "$name was not started by up"
    return 1
  fi
  local -a args
  mapfile -d '' args < "$RUN/$name.args"
  stop_one "$name"
  start "$name" "${args[@]}"
  if [ "$name" = kube-apiserver ]; then
    wait_for kube-apiserver 90 "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" get --raw=/readyz
  fi
  log "$name restarted (pid $(cat "$RUN/$name.pid"))"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what=$1 seconds=$2
  shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" > /dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "$what not ready after ${seconds}s; last log lines:"
      tail -20 "$RUN/logs/$what.log" >&2 || true
      return 1
    fi
    sleep 0.3
  done
}

certificates() {
  local pki=$RUN/pki
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=rollout4j-e2e-ca" \
      -keyout ca.key -out ca.crt 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2> /dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' > san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile san.ext -out apiserver.crt 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=rollout4j-e2e-admin" \
      -keyout admin.key -out admin.csr 2> /dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -out admin.crt 2> /dev/null
    openssl genrsa -out sa.key 2048 2> /dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2> /dev/null
  )
}

kubeconfig() {
  local k="$BIN/kubectl --kubeconfig=$KUBECONFIG_FILE"
  $k config set-cluster e2e --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$RUN/pki/ca.crt" --embed-certs=true > /dev/null
  $k config set-credentials e2e-admin --client-certificate="$RUN/pki/admin.crt" \
    --client-key="$RUN/pki/admin.key" --embed-certs=true > /dev/null
  $k config set-context e2e --cluster=e2e --user=e2e-admin --namespace=default > /dev/null
  $k config use-context e2e > /dev/null
}

kwok_stages() { # the "fast" stages from kwok's module: nodes Ready, pods Ready, Jobs' pods done
  local dir
  dir=$(cd "$CACHE/src" && go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  local stages=$dir/kustomize/stage
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    # A Pod labelled e2e-never-ready stays Pending: how a scenario shows a revision that never
    # becomes available (a progress deadline), as a bad image would on a real node.
    if [ "$f" = pod/fast/pod-ready.yaml ]; then
      sed 's|^    matchExpressions:$|    matchExpressions:\n    - key: '"'"'.metadata.labels["e2e-never-ready"]'"'"'\n      operator: DoesNotExist|' \
        "$stages/$f"
    elif [ "$f" = pod/fast/pod-complete.yaml ]; then
      # A Job's Pod labelled e2e-job-fails fails instead (the stage below).
      sed 's|^    matchExpressions:$|    matchExpressions:\n    - key: '"'"'.metadata.labels["e2e-job-fails"]'"'"'\n      operator: DoesNotExist|' \
        "$stages/$f"
    else
      cat "$stages/$f"
    fi
    echo '---'
  done > "$RUN/kwok-stages.yaml"
  cat >> "$RUN/kwok-stages.yaml" <<'STAGE'
# A running Pod of a Job, labelled e2e-job-fails, exits 1: how a smoke test that finds a bad canary
# looks to the Job controller.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: e2e-job-pod-fails
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values: ['Running']
    - key: '.metadata.labels["e2e-job-fails"]'
      operator: 'Exists'
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values: ['Job']
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 1
            finishedAt: {{ $now | Quote }}
            reason: Error
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Failed
STAGE
}

istio_crds() {
  local dir
  dir=$(cd "$CACHE/src" && go mod download -json "istio.io/api@v$ISTIO_API_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  # Too large for client-side apply's last-applied annotation: server-side apply.
  "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" apply --server-side --force-conflicts \
    -f "$dir/kubernetes/customresourcedefinitions.gen.yaml" > /dev/null
}

gateway_api_crds() {
  local dir file
  dir=$(cd "$CACHE/src" && go mod download -json "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  # The standard channel's route kinds (the Gateway API port reads and writes these four).
  for file in httproutes grpcroutes tcproutes tlsroutes; do
    "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" apply --server-side --force-conflicts \
      -f "$dir/config/crd/standard/gateway.networking.k8s.io_$file.yaml" > /dev/null
  done
}

up() {
  local started
  started=$(date +%s)
  BIN=$("$HERE/build.sh" | tail -1)
  if alive kube-apiserver; then
    log "already up"
    echo "KUBECONFIG=$KUBECONFIG_FILE"
    return
  fi
  down_quietly
  mkdir -p "$RUN/logs" "$RUN/etcd"
  certificates

  start etcd "$BIN/etcd" --name e2e --data-dir "$RUN/etcd" --unsafe-no-fsync \
    --auto-compaction-retention=1 \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "e2e=http://127.0.0.1:$((ETCD_PORT + 1))" \
    --listen-metrics-urls "http://127.0.0.1:$((ETCD_PORT + 2))"
  wait_for etcd 30 "$BIN/etcdctl" --endpoints "http://127.0.0.1:$ETCD_PORT" endpoint health

  mkdir -p "$RUN/audit"
  cp "$HERE/audit-policy.yaml" "$RUN/audit-policy.yaml"
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$RUN/pki/apiserver.crt" --tls-private-key-file "$RUN/pki/apiserver.key" \
    --client-ca-file "$RUN/pki/ca.crt" --cert-dir "$RUN/pki" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-signing-key-file "$RUN/pki/sa.key" \
    --service-account-key-file "$RUN/pki/sa.pub" \
    --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=true \
    --authorization-mode RBAC --disable-admission-plugins ServiceAccount \
    --enable-priority-and-fairness=false --max-requests-inflight 0 \
    --max-mutating-requests-inflight 0 \
    --audit-policy-file "$RUN/audit-policy.yaml" --audit-log-path "$RUN/audit/audit.log" \
    --audit-log-format json --audit-log-maxsize 500
  kubeconfig
  wait_for kube-apiserver 90 "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" get --raw=/readyz

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port "$((API_PORT + 1))" --controllers '*' \
    --root-ca-file "$RUN/pki/ca.crt" --service-account-private-key-file "$RUN/pki/sa.key" \
    --use-service-account-credentials=false --kube-api-qps 200 --kube-api-burst 400
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$KUBECONFIG_FILE" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$((API_PORT + 2))" \
    --kube-api-qps 200 --kube-api-burst 400
  kwok_stages
  start kwok "$BIN/kwok" --kubeconfig "$KUBECONFIG_FILE" --config "$RUN/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 127.0.0.1

  local k="$BIN/kubectl --kubeconfig=$KUBECONFIG_FILE"
  $k apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
status:
  allocatable: {cpu: "64", memory: 256Gi, pods: "$NODE_PODS"}
  capacity: {cpu: "64", memory: 256Gi, pods: "$NODE_PODS"}
EOF
  wait_for kwok 60 $k wait --for=condition=Ready node/kwok-node-0 --timeout=1s
  istio_crds
  gateway_api_crds
  $k apply --server-side -f "$REPO/rollout-k8s-fabric8/src/main/resources/io/rollout4j/k8s/crds.yaml" > /dev/null
  $k apply --server-side -f "$REPO/rollout-k8s-fabric8/src/main/resources/io/rollout4j/k8s/rbac.yaml" > /dev/null
  wait_for kube-apiserver 60 $k get serviceaccount default -n default
  log "up in $(( $(date +%s) - started )) s: $COMPONENTS on 127.0.0.1 (API :$API_PORT)"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
}

down_quietly() {
  local name
  for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_one "$name"
  done
  rm -rf "$RUN"
}

down() {
  down_quietly
  log "down"
}

status() {
  local any=0 name
  for name in $COMPONENTS; do
    if alive "$name"; then
      echo "$name: running (pid $(cat "$RUN/$name.pid"))"
      any=1
    else
      echo "$name: stopped"
    fi
  done
  if [ "$any" = 1 ]; then
    echo "KUBECONFIG=$KUBECONFIG_FILE"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart) restart "${2:?usage: $0 restart kube-apiserver|etcd|kube-controller-manager|kube-scheduler|kwok}" ;;
  *)
    echo "usage: $0 up|down|status|restart NAME" >&2
    exit 2
    ;;
esac
