/**
 * Test kit for code that embeds Rollout4j: in-memory fakes of every port ({@link
 * io.rollout4j.testkit.FakeCluster} with a pod model and fault injection, {@link
 * io.rollout4j.testkit.FakeMesh}, {@link io.rollout4j.testkit.FakeMetrics}), a {@link
 * io.rollout4j.testkit.ManualClock}, and the {@link io.rollout4j.testkit.RolloutHarness} that runs
 * the engine on them in virtual time, so a 30-minute canary runs in milliseconds; the port
 * contracts (TCK) adapters prove themselves against; and a {@link
 * io.rollout4j.testkit.ReplicaSetSimulator} that plays the pods for an API server without a
 * ReplicaSet controller (the fabric8 mock server).
 */
@NullMarked
package io.rollout4j.testkit;

import org.jspecify.annotations.NullMarked;
