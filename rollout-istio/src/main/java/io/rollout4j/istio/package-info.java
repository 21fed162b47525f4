/**
 * The Istio adapter: route weights in VirtualServices and pod-template hashes in DestinationRule
 * subsets. {@link io.rollout4j.istio.VirtualServiceRoutes} holds Argo's route selection and weight
 * rules as pure functions over the VirtualService's JSON tree; the fabric8-backed MeshPort that
 * reads, edits and writes the objects with optimistic concurrency builds on it.
 */
@NullMarked
package io.rollout4j.istio;

import org.jspecify.annotations.NullMarked;
