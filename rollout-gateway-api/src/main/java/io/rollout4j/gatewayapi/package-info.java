/**
 * The Gateway API adapter: {@link io.rollout4j.gatewayapi.GatewayApiMeshPort} routes a canary
 * through HTTPRoutes, GRPCRoutes, TCPRoutes and TLSRoutes, configured exactly as Argo Rollouts'
 * Gateway API plugin ({@code trafficRouting.plugins["argoproj-labs/gatewayAPI"]}), so one manifest
 * runs under either controller. The route edits are package-private pure functions over the routes'
 * JSON trees; reads and writes go through rollout-k8s-store's {@code ResourceStore}.
 */
@NullMarked
package io.rollout4j.gatewayapi;

import org.jspecify.annotations.NullMarked;
