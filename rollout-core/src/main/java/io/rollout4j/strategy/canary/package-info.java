/**
 * The canary strategy as pure functions: which weight is current, how many pods the canary and
 * stable ReplicaSets should have (Argo's arithmetic for basic and traffic-routed canaries), and the
 * step state machine. Nothing here performs I/O or reads a clock.
 */
@NullMarked
package io.rollout4j.strategy.canary;

import org.jspecify.annotations.NullMarked;
