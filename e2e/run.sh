#!/usr/bin/env bash
# The e2e tier: brings the real control plane up (e2e/cluster.sh, built from the Go module proxy on
# first use), runs the e2e suite (Maven module e2e/suite, profile e2e) and the differential tier
# against it, and brings the cluster down again, also when the suite fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

cleanup() { e2e/cluster.sh down || true; }
trap cleanup EXIT

up=$(e2e/cluster.sh up | tail -1)
export KUBECONFIG=${up#KUBECONFIG=}
ROLLOUT4J_E2E_BIN=$(e2e/build.sh | tail -1)
export ROLLOUT4J_E2E_BIN
echo "e2e: cluster up after $(( $(date +%s) - started )) s"

# The suite uses the library's modules from the local repository, the launcher's class path and
# the controller's OCI image (built without a daemon; ImageE2ETest runs its entrypoint).
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q -Pimage package -DskipTests -pl rollout-controller
mvn -B -ntp -Pe2e -pl e2e/suite verify
# Then side by side with the real Argo Rollouts controller (it installs Argo's CRDs over ours, so
# it runs last): every scenario, the hand-over from Argo and the pod-template hash checks.
ROLLOUT4J_SKIP_INSTALL=1 e2e/differential.sh
echo "e2e: done in $(( $(date +%s) - started )) s"
