package io.rollout4j.analysis.providers;

import io.rollout4j.port.MetricRequest;
import org.jspecify.annotations.Nullable;

/**
 * One kind of metric provider, selected by its key in a metric's {@code provider} block ({@code
 * web}, {@code skywalking}, ...). Implementations are thread-safe and reuse their connections.
 */
public interface MeasurementProvider {

  /** The provider's key in a manifest, e.g. {@code web}. */
  String type();

  /**
   * Takes one measurement and returns the JSON-like {@code result} the conditions see.
   *
   * @throws io.rollout4j.port.PortException when the backend cannot answer; the measurement becomes
   *     an Error with the message
   */
  @Nullable Object measure(MetricRequest request);
}
