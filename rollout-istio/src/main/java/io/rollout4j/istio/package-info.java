/**
 * The Istio adapter: route weights in VirtualServices and pod-template hashes in DestinationRule
 * subsets. Its face is {@link io.rollout4j.istio.IstioMeshPort} (and its builder) and {@link
 * io.rollout4j.istio.IstioReferences}, the pre-write checks a linter can run alone. Argo's route
 * selection and weight rules are package-private pure functions over the objects' JSON trees; the
 * reads, informers and conflict-retried writes are rollout-k8s-store's {@code ResourceStore}.
 */
@NullMarked
package io.rollout4j.istio;

import org.jspecify.annotations.NullMarked;
