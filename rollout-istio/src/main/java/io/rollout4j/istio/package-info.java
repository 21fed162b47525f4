/**
 * The Istio adapter: a MeshPort that writes route weights into VirtualServices and pod-template
 * hashes into DestinationRule subsets, through the fabric8 client with optimistic concurrency.
 * Filled in by the Istio issue.
 */
@NullMarked
package io.rollout4j.istio;

import org.jspecify.annotations.NullMarked;
