#!/usr/bin/env bash
# The differential tier: plays scenarios (e2e/scenarios/<name>/scenario.yaml) on Rollout4j's
# controller and on the real Argo Rollouts controller side by side, on the e2e cluster, and prints
# every difference between the two; exits non-zero on a difference a scenario does not expect.
# Reports: e2e/suite/target/differential/<scenario>.txt.
#
# Usage: e2e/differential.sh [scenario...]     (no argument: every scenario, and the migration)
# The pseudo-scenario `migration` runs MigrationE2ETest (rollouts handed over from Argo to
# Rollout4j) and PodTemplateHashE2ETest (our pod-template hash against Go's and Argo's).
# Uses the running cluster when KUBECONFIG points at it, else brings one up and down again.
set -euo pipefail
cd "$(dirname "$0")/.."

ROLLOUT4J_E2E_BIN=$(e2e/build.sh | tail -1)
export ROLLOUT4J_E2E_BIN
running=$(e2e/cluster.sh status 2>/dev/null || true)
if [ -z "${KUBECONFIG:-}" ] || ! grep -q '^kube-apiserver: running' <<<"$running"; then
  trap 'e2e/cluster.sh down || true' EXIT
  up=$(e2e/cluster.sh up | tail -1)
  export KUBECONFIG=${up#KUBECONFIG=}
fi
if [ -z "${ROLLOUT4J_SKIP_INSTALL:-}" ]; then
  mvn -B -ntp -q install -DskipTests
fi
scenarios=()
tests=DifferentialE2ETest
[ $# -eq 0 ] && tests=DifferentialE2ETest,MigrationE2ETest,PodTemplateHashE2ETest
for arg in "$@"; do
  if [ "$arg" = migration ]; then tests=DifferentialE2ETest,MigrationE2ETest,PodTemplateHashE2ETest; else scenarios+=("$arg"); fi
done
if [ $# -gt 0 ] && [ ${#scenarios[@]} -eq 0 ]; then tests=MigrationE2ETest,PodTemplateHashE2ETest; fi
summary=e2e/suite/target/differential/summary.txt
rm -f "$summary"
status=0
mvn -B -ntp -Pe2e -pl e2e/suite verify -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
  -Drollout4j.scenarios="$(IFS=,; echo "${scenarios[*]:-}")" || status=$?
if [ "$tests" = MigrationE2ETest,PodTemplateHashE2ETest ]; then
  [ $status -eq 0 ] && echo "migration: passed" || echo "migration: failed"
  exit $status
fi
if [ -f "$summary" ]; then
  cat "$summary"
else
  echo "differential: no summary (the runner did not get to the end; see the Maven output)"
  status=1
fi
exit $status
