#!/usr/bin/env bash
# Runs every benchmark and prints one table: JMH (decide, the seed condition, corpus parsing),
# the fleet simulation (1,000 and 10,000 seed rollouts through the full canary, each in a fresh
# JVM) and the API economy of one seed canary on the fabric8 mock server.
# Usage: benchmarks/run.sh [fleet sizes...]   (default: 1000 10000). About 6-10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="$(cd .. && pwd)/shared"
if [ ! -d "$SHARED/conformance" ]; then
  echo "expected the shared conformance corpus at $SHARED" >&2
  exit 1
fi
mvn -B -ntp -q install -DskipTests
mvn -B -ntp -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/benchmarks.classpath"
java -Xmx1g -Drollout4j.shared.dir="$SHARED" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/benchmarks.classpath)" \
  io.rollout4j.benchmarks.BenchmarkSuite "$@" 2>&1 | grep -v '^SLF4J' | tee benchmarks/target/benchmarks.log | grep -E '^\||^fleet ' || true
echo
echo "API economy (fabric8 mock server, ApiEconomyTest):"
mvn -B -ntp -q -pl rollout-k8s-fabric8 test -Dtest=ApiEconomyTest -Djacoco.skip=true \
  -Drollout4j.shared.dir="$SHARED" > benchmarks/target/api-economy.log 2>&1 || { tail -40 benchmarks/target/api-economy.log; exit 1; }
cat rollout-k8s-fabric8/target/api-economy.txt
