/**
 * The blue-green strategy as pure functions: how big the new ReplicaSet is while it is the preview,
 * how many pods a restart may take down, and how a Service is pointed at a revision through its
 * {@code rollouts-pod-template-hash} selector. Nothing here performs I/O or reads a clock.
 */
@NullMarked
package io.rollout4j.strategy.bluegreen;

import org.jspecify.annotations.NullMarked;
