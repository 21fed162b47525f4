/**
 * The condition language of Argo Rollouts' {@code successCondition} and {@code failureCondition}:
 * expr-lang syntax and semantics as Argo uses them, evaluated over the JSON-like {@code result} a
 * metric provider returns.
 *
 * <p>Safe by construction: a hand-written parser and tree walker with no reflection and no host
 * method calls, limits on expression length, syntax-tree size, nesting depth, evaluation steps and
 * the size of collections an expression may build, and linear-time regular expressions (RE2J).
 * Every failure is an {@link io.rollout4j.expr.ExprException} with the column it concerns.
 */
@NullMarked
package io.rollout4j.expr;

import org.jspecify.annotations.NullMarked;
