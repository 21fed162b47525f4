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

  /**
   * Decoded JSON as Argo's providers hand it to the conditions: Go's {@code encoding/json} makes
   * every number a float64, so {@code result.count % 2} is an error and {@code type(result.count)}
   * is {@code "float"} there. Returns {@code json} itself when it holds no other number, else a
   * copy with every number a {@code Double}.
   */
  static @Nullable Object withGoNumbers(@Nullable Object json) {
    if (json instanceof Number n && !(json instanceof Double)) {
      return n.doubleValue();
    }
    if (json instanceof java.util.List<?> list) {
      java.util.List<@Nullable Object> out = null;
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        Object converted = withGoNumbers(item);
        if (out == null && converted != item) {
          out = new java.util.ArrayList<>(list.subList(0, i));
        }
        if (out != null) {
          out.add(converted);
        }
      }
      return out == null ? json : out;
    }
    if (json instanceof java.util.Map<?, ?> map) {
      java.util.Map<Object, @Nullable Object> out = null;
      for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
        Object converted = withGoNumbers(e.getValue());
        if (out == null && converted != e.getValue()) {
          out = new java.util.LinkedHashMap<>(map);
        }
        if (out != null) {
          out.put(e.getKey(), converted);
        }
      }
      return out == null ? json : out;
    }
    return json;
  }
}
