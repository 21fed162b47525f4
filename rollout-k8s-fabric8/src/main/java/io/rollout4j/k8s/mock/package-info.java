/**
 * An in-process Kubernetes API server for tests and demos: fabric8's mock server in CRUD mode with
 * Rollout4j's CRDs installed, hardened so that closing a watch never stalls it ({@link
 * io.rollout4j.k8s.mock.MockApiServer}). Needs {@code io.fabric8:kubernetes-server-mock} on the
 * classpath, an optional dependency of this module.
 */
@NullMarked
package io.rollout4j.k8s.mock;

import org.jspecify.annotations.NullMarked;
