package io.rollout4j.port;

import org.jspecify.annotations.Nullable;

/** Takes measurements for analysis metrics. */
public interface MetricsPort {

  /**
   * The provider's result for one measurement, JSON-like (null, Boolean, Number, String, List, Map,
   * or a {@code double[]} for Go's {@code []float64}), as a success or failure condition sees it as
   * {@code result}; or a {@link MeasuredValue} holding that result with the value text and metadata
   * to record.
   *
   * @throws PortException when the provider cannot answer; the measurement becomes an Error
   */
  @Nullable Object measure(MetricRequest request);
}
