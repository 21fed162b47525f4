package io.rollout4j.port;

import org.jspecify.annotations.Nullable;

/** Takes measurements for analysis metrics. */
public interface MetricsPort {

  /**
   * The provider's result for one measurement, JSON-like (null, Boolean, Number, String, List,
   * Map), as a success or failure condition sees it as {@code result}.
   *
   * @throws PortException when the provider cannot answer; the measurement becomes an Error
   */
  @Nullable Object measure(MetricRequest request);
}
