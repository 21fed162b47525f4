/**
 * Fluent, validating builders for the model, for platforms that define rollouts in Java rather than
 * YAML. They build the same records the manifest reader does, so a rollout built here equals the
 * one parsed from the equivalent manifest.
 *
 * <pre>{@code
 * Rollout rollout =
 *     Rollouts.rollout("reviews-rollout")
 *         .replicas(5)
 *         .selector("app", "reviews")
 *         .workloadRef(WorkloadRef.deployment("reviews"))
 *         .canary(canary -> canary
 *             .istio(istio -> istio.virtualService("reviews").destinationRule("reviews", "canary", "stable"))
 *             .setWeight(10)
 *             .pause(Duration.ofMinutes(10)))
 *         .build();
 * }</pre>
 *
 * Setters reject bad values at once with the validator's message; {@code build()} runs {@link
 * io.rollout4j.manifest.RolloutValidator} and throws {@link io.rollout4j.api.InvalidSpecException}
 * listing every problem.
 */
@NullMarked
package io.rollout4j.api;

import org.jspecify.annotations.NullMarked;
