package io.rollout4j.port;

import java.time.Instant;
import java.util.Map;

/**
 * One measurement to take: the metric's name, its provider spec as a JSON-like map (after {@code
 * {{args.*}}} substitution) and the instant it is taken at.
 */
public record MetricRequest(
    String metricName, String providerType, Map<String, Object> provider, Instant now) {
  public MetricRequest {
    provider = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provider));
  }
}
