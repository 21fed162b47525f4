#!/usr/bin/env bash
# Builds tools/expr-oracle into the e2e cache (outside the repository) and prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${ROLLOUT4J_E2E_CACHE:-$HOME/.cache/rollout4j-e2e}/bin
mkdir -p "$bin"
(cd "$here" && go build -trimpath -o "$bin/expr-oracle" .) >&2
echo "$bin/expr-oracle"
