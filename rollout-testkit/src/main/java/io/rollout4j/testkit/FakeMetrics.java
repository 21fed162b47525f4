package io.rollout4j.testkit;

import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import io.rollout4j.port.UnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Metric providers scripted per provider type: the script returns the provider's {@code result}
 * (null, Boolean, Number, String, List, Map) or throws to make an Error measurement.
 */
public final class FakeMetrics implements MetricsPort {
  private final Map<String, Function<MetricRequest, @Nullable Object>> scripts =
      new LinkedHashMap<>();
  private final List<MetricRequest> requests = new ArrayList<>();

  public FakeMetrics script(String providerType, Function<MetricRequest, @Nullable Object> answer) {
    scripts.put(providerType, answer);
    return this;
  }

  @Override
  public @Nullable Object measure(MetricRequest request) {
    requests.add(request);
    Function<MetricRequest, @Nullable Object> script = scripts.get(request.providerType());
    if (script == null) {
      throw new UnavailableException(
          "no script for metric provider '" + request.providerType() + "'");
    }
    return script.apply(request);
  }

  /** Every measurement asked for, oldest first. */
  public List<MetricRequest> requests() {
    return List.copyOf(requests);
  }
}
