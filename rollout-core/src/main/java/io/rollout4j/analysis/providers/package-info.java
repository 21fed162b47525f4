/**
 * Metric providers: the SPI ({@link io.rollout4j.analysis.providers.MeasurementProvider}), a
 * registry that is a {@link io.rollout4j.port.MetricsPort} ({@link
 * io.rollout4j.analysis.providers.MetricProviders}), and the {@code web} provider. Other providers
 * live in their own modules (SkyWalking in rollout-skywalking) and are registered explicitly or
 * found with {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.rollout4j.analysis.providers;

import org.jspecify.annotations.NullMarked;
