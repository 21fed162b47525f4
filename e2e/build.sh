#!/usr/bin/env bash
# Builds the e2e tier's control plane from the Go module proxy with the ordinary `go` client:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (k8s.io/kubernetes), etcd
# (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok). Everything goes to a cache folder
# outside the repository ($ROLLOUT4J_E2E_CACHE, default ~/.cache/rollout4j-e2e) and is reused
# while the pinned versions match; nothing built here is ever committed. Also Argo Rollouts (the
# differential tier's oracle) and our own tools (tools/pod-template-hash, the hash oracle).
#
# Usage: e2e/build.sh            build what is missing, print the bin folder as the last line
set -euo pipefail

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
KWOK_VERSION=0.8.0
# Argo Rollouts, the oracle of the differential tier: the newest 1.9.x the proxy serves. Its go.mod
# asks for Go 1.26.10, newer than the machine's, so its build (only) takes the approved toolchain
# from the module proxy.
ARGO_VERSION=1.9.3
ARGO_TOOLCHAIN=go1.27.3

CACHE=${ROLLOUT4J_E2E_CACHE:-$HOME/.cache/rollout4j-e2e}
BIN=$CACHE/bin
SRC=$CACHE/src
mkdir -p "$BIN" "$SRC"
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

log() { printf '%s build: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

stamp_ok() { [ -f "$BIN/.$1.version" ] && [ "$(cat "$BIN/.$1.version")" = "$2" ]; }

build_kubernetes() {
  local minor=${K8S_VERSION#1.}; minor=${minor%%.*}
  local staging="0.${K8S_VERSION#1.}"
  if stamp_ok kubernetes "$K8S_VERSION" && [ -x "$BIN/kube-apiserver" ]; then
    return
  fi
  log "kubernetes v$K8S_VERSION (cold: a large download and a long compile)"
  local dir=$SRC/kubernetes-$K8S_VERSION
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init local/rollout4j-e2e/kubernetes >/dev/null 2>&1
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them with replace
  # directives a consumer ignores; a wrapper module replaces each by its published version.
  local mod
  mod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
    sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
  go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
  for m in $(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$mod" | sort -u); do
    go mod edit -replace="$m=$m@v$staging"
  done
  cat > tools.go <<EOF
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
  go mod tidy -e >/dev/null 2>&1 || true
  local v=k8s.io/component-base/version
  # The version variables are not cosmetic: clients parse /version (Argo's controller exits on
  # an empty major).
  local ldflags="-s -w -X $v.gitVersion=v$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
  ldflags+=" -X $v.gitTreeState=clean -X $v.gitCommit=module-v$K8S_VERSION"
  ldflags+=" -X $v.buildDate=1970-01-01T00:00:00Z"
  go build -p 2 -trimpath -ldflags "$ldflags" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  "$BIN/kube-apiserver" --version >&2
  echo "$K8S_VERSION" > "$BIN/.kubernetes.version"
}

build_etcd() {
  if stamp_ok etcd "$ETCD_VERSION" && [ -x "$BIN/etcd" ]; then
    return
  fi
  log "etcd v$ETCD_VERSION"
  local dir=$SRC/etcd-$ETCD_VERSION
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init local/rollout4j-e2e/etcd >/dev/null 2>&1
  # etcd's server module replaces its siblings with relative paths, so it cannot be installed
  # directly; as a dependency those replaces are ignored and the published siblings are used.
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" "go.etcd.io/etcd/etcdctl/v3@v$ETCD_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcdctl" go.etcd.io/etcd/etcdctl/v3
  "$BIN/etcd" --version >&2
  echo "$ETCD_VERSION" > "$BIN/.etcd.version"
}

build_kwok() {
  if stamp_ok kwok "$KWOK_VERSION" && [ -x "$BIN/kwok" ]; then
    return
  fi
  log "kwok v$KWOK_VERSION"
  GOBIN=$BIN go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  echo "$KWOK_VERSION" > "$BIN/.kwok.version"
}

build_argo() {
  if stamp_ok argo "$ARGO_VERSION" && [ -x "$BIN/rollouts-controller" ] &&
    [ -x "$BIN/kubectl-argo-rollouts" ]; then
    return
  fi
  log "argo-rollouts v$ARGO_VERSION (controller and kubectl plugin)"
  local dir=$SRC/argo-rollouts-$ARGO_VERSION
  (
    export GOTOOLCHAIN=$ARGO_TOOLCHAIN
    # Its replace directives rule out `go install`: build in a writable copy of the module.
    if [ ! -f "$dir/go.mod" ]; then
      local from
      from=$(go mod download -json "github.com/argoproj/argo-rollouts@v$ARGO_VERSION" |
        sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
      rm -rf "$dir" && cp -r "$from" "$dir" && chmod -R u+w "$dir"
    fi
    cd "$dir"
    # The same Kubernetes as the cluster: k8s.io/kubernetes and its staging modules re-pinned from
    # v1.34.1 to the cluster's patch release (its modules are already in the module cache).
    local staging="0.${K8S_VERSION#1.}"
    go mod edit -replace="k8s.io/kubernetes=k8s.io/kubernetes@v$K8S_VERSION" \
      -require="k8s.io/kubernetes@v$K8S_VERSION"
    for m in $(sed -n 's/^[[:space:]]*\(k8s\.io\/[a-z-]*\) => k8s\.io\/[a-z-]* v0\.34\.[0-9]*$/\1/p;
        s/^replace \(k8s\.io\/[a-z-]*\) => k8s\.io\/[a-z-]* v0\.34\.[0-9]*$/\1/p' go.mod); do
      go mod edit -replace="$m=$m@v$staging"
    done
    # Its metrics and health endpoints listen on every interface; ours may only use loopback.
    sed -i 's|listenAddr[[:space:]]*= "0\.0\.0\.0:%d"|listenAddr = "127.0.0.1:%d"|' \
      controller/controller.go
    grep -q 'listenAddr = "127.0.0.1:%d"' controller/controller.go
    go mod tidy >/dev/null
    local v=github.com/argoproj/argo-rollouts/utils/version
    local ldflags="-s -w -X $v.version=$ARGO_VERSION -X $v.gitTag=v$ARGO_VERSION"
    ldflags+=" -X $v.gitCommit=module-v$ARGO_VERSION -X $v.gitTreeState=clean"
    go build -p 2 -trimpath -ldflags "$ldflags" -o "$BIN/" \
      ./cmd/rollouts-controller ./cmd/kubectl-argo-rollouts
  )
  "$BIN/kubectl-argo-rollouts" version --short >&2 || true
  echo "$ARGO_VERSION" > "$BIN/.argo.version"
}

# Our own test tools (tools/*, each its own go.mod): rebuilt every time, Go's build cache makes
# that a second when nothing changed.
build_tools() {
  local tools
  tools=$(cd "$(dirname "$0")/../tools" && pwd)
  (cd "$tools/pod-template-hash" && go build -trimpath -o "$BIN/pod-template-hash" .)
}

started=$(date +%s)
build_tools
build_etcd
build_kwok
build_kubernetes
build_argo
log "done in $(( $(date +%s) - started )) s"
echo "$BIN"
