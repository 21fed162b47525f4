#!/usr/bin/env bash
# Regenerates rollout-core's committed expr cases: builds the oracle (antonmedv/expr v1.15.5, the
# version Argo Rollouts 1.9 evaluates conditions with) into the e2e cache, generates the seeded
# cases (ConditionCases), and records the real expr's outcome of each.
#   tools/expr-oracle/regenerate.sh [seed] [count]
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-20261205}
count=${2:-6000}
bin=$(tools/expr-oracle/build.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -B -ntp -q -pl rollout-core test-compile
mvn -B -ntp -q -pl rollout-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath"
cp=$(cat "$work/classpath")
java -cp "rollout-core/target/test-classes:rollout-core/target/classes:$cp" \
  io.rollout4j.expr.ConditionCases "$seed" "$count" "$work/cases.jsonl"
"$bin" < "$work/cases.jsonl" > "$work/outcomes.jsonl"
out=rollout-core/src/test/resources/io/rollout4j/expr/expr-oracle.jsonl
mkdir -p "$(dirname "$out")"
# One line per case: the case and the oracle's outcome.
paste -d '\t' "$work/cases.jsonl" "$work/outcomes.jsonl" |
  python3 -c '
import json, sys
for line in sys.stdin:
    case, outcome = line.rstrip("\n").split("\t")
    c, o = json.loads(case), json.loads(outcome)
    assert c["id"] == o["id"]
    c["outcome"] = o["outcome"]
    print(json.dumps(c, ensure_ascii=False, separators=(",", ":")))
' > "$out"
echo "$out: $(wc -l < "$out") cases (seed $seed)"
