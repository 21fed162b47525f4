#!/usr/bin/env bash
# Performance side by side with Argo Rollouts at fleet scale, on the real control plane.
#
#   e2e/perf.sh [N...]          (default: 250 500 1000 2000)
#
# For each N and each controller (Rollout4j's, then Argo Rollouts' built by e2e/build.sh), on a
# fresh cluster of its own (e2e/cluster.sh up ... down, so each controller is alone with the same
# objects): N canaries (2 replicas on kwok Pods, three setWeight steps with 5 s pauses, background
# analysis with the web provider against a local stub, Istio subset routing) in ceil(N/250)
# namespaces are created and brought to Healthy, all updated at once, then left idle
# (ROLLOUT4J_PERF_IDLE seconds, default 300). Both controllers run with --qps 40 --burst 80
# --rollout-threads 10; each wait (fleet Healthy, settled) gives up after 30 + N/10 minutes (Argo
# took 15 minutes to update 500). The runner is FleetPerfE2ETest; results accumulate in
# e2e/suite/target/perf/results.tsv, and the table is printed at the end, with as its last line
# the ratio of Rollout4j to Argo for the largest N. Not a timed test: a report.
#
# ROLLOUT4J_PERF_CONTROLLERS="rollout4j" measures one side only; JAVA_OPTS reaches Rollout4j's
# controller (bin/rollout4j-controller), e.g. -XX:NativeMemoryTracking=summary for the report.
# ROLLOUT4J_PERF_APPEND=1 keeps the rows of earlier runs in results.tsv, so the two sides of a
# long run (Argo's update of 2,000 canaries takes over an hour) can be measured one at a time.
#
# It restarts the e2e cluster for every run: do not run it while the e2e tier runs.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(250 500 1000 2000)
idle=${ROLLOUT4J_PERF_IDLE:-300}
ROLLOUT4J_E2E_BIN=$(e2e/build.sh | tail -1)
export ROLLOUT4J_E2E_BIN
if [ -z "${ROLLOUT4J_SKIP_INSTALL:-}" ]; then
  mvn -B -ntp -q install -DskipTests
  mvn -B -ntp -q -Pe2e -pl e2e/suite test-compile
fi
results=e2e/suite/target/perf/results.tsv
mkdir -p "$(dirname "$results")"
[ -n "${ROLLOUT4J_PERF_APPEND:-}" ] || : > "$results"
if e2e/cluster.sh status 2>/dev/null | grep -q '^kube-apiserver: running'; then
  e2e/cluster.sh down > /dev/null
fi
trap 'e2e/cluster.sh down > /dev/null 2>&1 || true' EXIT

for n in "${sizes[@]}"; do
  for controller in ${ROLLOUT4J_PERF_CONTROLLERS:-rollout4j argo}; do
    echo "perf: N=$n, $controller" >&2
    # Room for every pod of the fleet mid-update (stable, canary and older ones), with margin.
    up=$(ROLLOUT4J_E2E_NODE_PODS=$(( n * 6 + 1000 )) e2e/cluster.sh up | tail -1)
    export KUBECONFIG=${up#KUBECONFIG=}
    log=e2e/suite/target/perf/run-$n-$controller.log
    if ! mvn -B -ntp -Pe2e -pl e2e/suite surefire:test -Dtest=FleetPerfE2ETest \
        -Drollout4j.perf.n="$n" -Drollout4j.perf.controller="$controller" \
        -Drollout4j.perf.idleSeconds="$idle" -Drollout4j.perf.deadlineMinutes=$(( 30 + n / 10 )) \
        > "$log" 2>&1; then
      echo "perf: N=$n on $controller failed; see $log" >&2
      tail -30 "$log" >&2
      exit 1
    fi
    e2e/cluster.sh down > /dev/null
  done
done

date=$(date -u +%Y-%m-%d)
echo "Fleet performance, $date, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); idle ${idle} s; qps 40, burst 80, 10 rollout threads"
awk -F'\t' '
  BEGIN {
    printf "%-9s %6s %-10s %9s %9s %9s %9s %9s %8s %9s %9s %9s %10s  %s\n",
      "controller", "N", "version", "create→H", "update→H", "rss peak", "rss idle", "heap",
      "cpu s", "cpu s/min", "req setup", "req update", "req/min", "update requests by verb"
  }
  {
    printf "%-9s %6d %-10s %8.1fs %8.1fs %7.1fMB %7.1fMB %7.1fMB %8.1f %9.2f %9d %9d %10.1f  %s\n",
      $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
    printf "%-9s %6s per rollout: rss idle %.1f KB, heap %.1f KB, cpu %.1f ms, update requests %.1f; %d objects of the watched kinds, heap %.1f KB each\n",
      "", "", $7 * 1024 / $2, $8 * 1024 / $2, $9 * 1000 / $2, $12 / $2, $16, $8 * 1024 / $16
  }' "$results"
largest=$(cut -f2 "$results" | sort -n | tail -1)
awk -F'\t' -v n="$largest" '
  $2 == n { rss[$1] = $7; cpu[$1] = $9; req[$1] = $11 + $12; t[$1] = $5 }
  END {
    if (rss["argo"] > 0 && cpu["argo"] > 0 && req["argo"] > 0 && t["argo"] > 0 && rss["rollout4j"] > 0)
      printf "ratio rollout4j/argo (N=%d): rss %.2f, cpu %.2f, requests %.2f, time-to-healthy %.2f\n",
        n, rss["rollout4j"] / rss["argo"], cpu["rollout4j"] / cpu["argo"],
        req["rollout4j"] / req["argo"], t["rollout4j"] / t["argo"]
  }' "$results"
