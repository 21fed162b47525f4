/**
 * The engine: {@link io.rollout4j.engine.Reconciler#decide} turns a rollout and what the ports
 * report into a {@link io.rollout4j.engine.Decision} (actions, the new status, when to be called
 * again) without any I/O; {@link io.rollout4j.engine.RolloutEngine} reads the ports, decides and
 * applies the actions in a safe order, writing the status last.
 */
@NullMarked
package io.rollout4j.engine;

import org.jspecify.annotations.NullMarked;
