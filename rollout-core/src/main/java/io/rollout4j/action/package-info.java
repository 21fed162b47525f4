/**
 * What people do to a rollout: promote, promote --full, abort, retry, pause, resume, restart and
 * undo, as pure functions from the rollout (and its ReplicaSets, for undo) to the change Argo
 * Rollouts' {@code kubectl argo rollouts} plugin makes. {@link io.rollout4j.action.RolloutActions}
 * computes a {@link io.rollout4j.action.RolloutChange}: the JSON merge patches of the status
 * subresource and of the object, and for undo the pod template to put back. An action therefore has
 * the same effect whether it comes from the plugin, an Argo CD resource action, the controller's
 * Java API or the test harness.
 */
@NullMarked
package io.rollout4j.action;

import org.jspecify.annotations.NullMarked;
