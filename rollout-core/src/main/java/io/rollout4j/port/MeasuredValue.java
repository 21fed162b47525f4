package io.rollout4j.port;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link MetricsPort} may return instead of a bare result when the provider decides how the
 * measurement is recorded: the {@code result} the conditions see, the {@code value} text stored in
 * the AnalysisRun (Argo's Prometheus provider stores {@code [0.99,1]} for a vector, for example),
 * and the measurement's {@code metadata} (such as the warnings Prometheus returned).
 */
public record MeasuredValue(
    @Nullable Object result, @Nullable String value, Map<String, String> metadata) {
  public MeasuredValue {
    metadata = Map.copyOf(metadata);
  }
}
