/**
 * Ports: the only ways the engine touches the world. {@link io.rollout4j.port.ClusterPort} is an
 * object store of Kubernetes-shaped resources (an adapter serves reads from informer caches and
 * writes with optimistic concurrency); {@link io.rollout4j.port.MeshPort} applies and reports a
 * traffic split; {@link io.rollout4j.port.MetricsPort} takes one measurement. Failures are {@link
 * io.rollout4j.port.PortException}s; the engine never loses state on one, because all state lives
 * in the cluster.
 */
@NullMarked
package io.rollout4j.port;

import org.jspecify.annotations.NullMarked;
