module rollout4j.io/tools/expr-oracle

go 1.22

require github.com/antonmedv/expr v1.15.5
