package io.rollout4j.analysis.providers;

import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import io.rollout4j.port.UnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MetricsPort} that hands each measurement to the provider registered for its type.
 *
 * <pre>{@code
 * MetricsPort metrics = MetricProviders.builder()
 *     .register(new WebMetricProvider())
 *     .discover()                  // everything on the class path via ServiceLoader
 *     .build();
 * }</pre>
 */
public final class MetricProviders implements MetricsPort {
  private final Map<String, MeasurementProvider> providers;

  private MetricProviders(Map<String, MeasurementProvider> providers) {
    this.providers = Map.copyOf(providers);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public @Nullable Object measure(MetricRequest request) {
    MeasurementProvider provider = providers.get(request.providerType());
    if (provider == null) {
      String plugins =
          request.providerType().equals("plugin") && !request.provider().isEmpty()
              ? " (" + String.join(", ", request.provider().keySet()) + ")"
              : "";
      throw new UnavailableException(
          "provider "
              + request.providerType()
              + plugins
              + " is not supported by Rollout4j; supported: "
              + String.join(", ", new java.util.TreeSet<>(providers.keySet())));
    }
    return provider.measure(request);
  }

  /** The provider types this port can measure. */
  public java.util.Set<String> types() {
    return providers.keySet();
  }

  /** Collects providers; a later registration of a type replaces an earlier one. */
  public static final class Builder {
    private final Map<String, MeasurementProvider> providers = new LinkedHashMap<>();

    private Builder() {}

    public Builder register(MeasurementProvider provider) {
      providers.put(provider.type(), provider);
      return this;
    }

    /** Adds every provider found with {@link ServiceLoader} that is not registered yet. */
    public Builder discover() {
      for (MeasurementProvider provider : ServiceLoader.load(MeasurementProvider.class)) {
        providers.putIfAbsent(provider.type(), provider);
      }
      return this;
    }

    public MetricProviders build() {
      return new MetricProviders(providers);
    }
  }
}
