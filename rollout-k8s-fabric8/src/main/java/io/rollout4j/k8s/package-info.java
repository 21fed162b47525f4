/**
 * The Kubernetes runtime: a ClusterPort over the fabric8 client (informer caches, status writes
 * with optimistic concurrency) and the RolloutController that runs the engine against a real
 * cluster. Filled in by the Kubernetes adapter issue.
 */
@NullMarked
package io.rollout4j.k8s;

import org.jspecify.annotations.NullMarked;
