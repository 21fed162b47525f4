/**
 * Apache SkyWalking as a source of analysis metrics: the {@code skywalking} provider ({@link
 * io.rollout4j.skywalking.SkyWalkingMetricProvider}, Argo's spec over OAP's GraphQL API) and typed
 * MQE checks ({@link io.rollout4j.skywalking.SkyWalkingCheck}) for analysis built in Java.
 */
@NullMarked
package io.rollout4j.skywalking;

import org.jspecify.annotations.NullMarked;
