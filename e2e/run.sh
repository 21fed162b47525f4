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
# Conditions against the real expr of Argo 1.9 (tools/expr-oracle): a fresh random sample, its
# seed printed so that a difference can be replayed with -Drollout4j.exprOracle.seed.
oracle=$(tools/expr-oracle/build.sh)
seed=${ROLLOUT4J_EXPR_SEED:-$(date +%s%N)}
log=$(mktemp)
status=0
mvn -B -ntp -pl rollout-core test -Dtest='ExprOracleTest#aFreshSampleAgreesWithTheRealExpr' \
  -Drollout4j.exprOracle="$oracle" -Drollout4j.exprOracle.seed="$seed" -Djacoco.skip=true \
  > "$log" 2>&1 || status=$?
grep -E '^expr oracle|^[a-z-]+-[0-9]+: ' "$log" || true
if [ "$status" -ne 0 ]; then
  tail -40 "$log"
  exit "$status"
fi
# Then side by side with the real Argo Rollouts controller (it installs Argo's CRDs over ours, so
# it runs last): every scenario, the hand-over from Argo and the pod-template hash checks.
ROLLOUT4J_SKIP_INSTALL=1 e2e/differential.sh
echo "e2e: done in $(( $(date +%s) - started )) s"
