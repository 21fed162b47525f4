/**
 * What every fabric8-backed adapter needs, written once: {@link
 * io.rollout4j.k8s.store.ResourceStore} reads and writes the objects of one API group in whichever
 * of its versions the cluster serves, from informers with read-your-writes when asked, every write
 * a PUT with the resourceVersion it read and redone on a fresh read after a conflict; {@link
 * io.rollout4j.k8s.store.CompactItemStore} keeps every informer's objects small (no managedFields,
 * array maps, short strings shared); {@link io.rollout4j.k8s.store.KubernetesErrors} turns the
 * client's exceptions into the ports' ones.
 */
@NullMarked
package io.rollout4j.k8s.store;

import org.jspecify.annotations.NullMarked;
