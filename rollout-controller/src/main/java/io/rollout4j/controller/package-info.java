/**
 * The controller as a process: {@code bin/rollout4j-controller}, with Argo Rollouts' controller
 * flags, health and Prometheus endpoints, text or JSON logs and a graceful shutdown on SIGTERM.
 */
@NullMarked
package io.rollout4j.controller;

import org.jspecify.annotations.NullMarked;
