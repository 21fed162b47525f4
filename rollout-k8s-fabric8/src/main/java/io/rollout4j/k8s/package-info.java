/**
 * Rollout4j on a Kubernetes cluster through the fabric8 client: {@link
 * io.rollout4j.k8s.Fabric8ClusterPort} (the engine's ClusterPort: informer-backed reads with an
 * owner index, optimistic writes, the status subresource, Events), {@link
 * io.rollout4j.k8s.RolloutController} (work queue, requeue and backoff, resync, leader election,
 * namespace scoping, instance-id sharding, request budget), {@link
 * io.rollout4j.k8s.ControllerObserver} with an optional Micrometer binding, and {@link
 * io.rollout4j.k8s.ControllerManifests} (Argo-compatible CRDs and the controller's RBAC).
 */
@NullMarked
package io.rollout4j.k8s;

import org.jspecify.annotations.NullMarked;
