package io.rollout4j.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code metrics[].provider}: exactly one provider. SkyWalking, Prometheus, Web and Job are typed;
 * every other Argo provider (kayenta, datadog, newRelic, plugin, ...) is kept as {@link Other} with
 * its configuration untouched.
 */
public sealed interface MetricProvider {

  /** The provider's field name in a manifest, e.g. {@code skywalking}. */
  String type();

  /**
   * Apache SkyWalking over GraphQL: Argo's {@code address}, {@code query}, {@code interval}, and
   * Rollout4j's optional {@code headers} (e.g. {@code Authorization} from a Secret-backed argument
   * for an OAP behind an authenticating gateway; Argo has no auth for this provider).
   */
  record SkyWalking(
      @Nullable String address,
      @Nullable String query,
      @Nullable String interval,
      List<Header> headers)
      implements MetricProvider {
    public SkyWalking {
      headers = Immutables.list(headers);
    }

    /** Argo's three fields, no headers. */
    public SkyWalking(@Nullable String address, @Nullable String query, @Nullable String interval) {
      this(address, query, interval, List.of());
    }

    @Override
    public String type() {
      return "skywalking";
    }
  }

  /** Prometheus; authentication and rangeQuery are kept as written. */
  record Prometheus(
      @Nullable String address,
      @Nullable String query,
      @Nullable Map<String, Object> authentication,
      @Nullable Long timeout,
      @Nullable Boolean insecure,
      List<Header> headers,
      @Nullable Map<String, Object> rangeQuery)
      implements MetricProvider {
    public Prometheus {
      authentication = authentication == null ? null : Immutables.jsonMap(authentication);
      headers = Immutables.list(headers);
      rangeQuery = rangeQuery == null ? null : Immutables.jsonMap(rangeQuery);
    }

    @Override
    public String type() {
      return "prometheus";
    }
  }

  /** An HTTP endpoint returning JSON; {@code jsonPath} picks the result. */
  record Web(
      @Nullable String method,
      @Nullable String url,
      List<Header> headers,
      @Nullable String body,
      @Nullable Object jsonBody,
      @Nullable Long timeoutSeconds,
      @Nullable String jsonPath,
      @Nullable Boolean insecure,
      @Nullable Map<String, Object> authentication)
      implements MetricProvider {
    public Web {
      headers = Immutables.list(headers);
      jsonBody = Immutables.json(jsonBody);
      authentication = authentication == null ? null : Immutables.jsonMap(authentication);
    }

    @Override
    public String type() {
      return "web";
    }
  }

  /** A Kubernetes Job: succeeded is Successful, failed is Failed. */
  record Job(@Nullable PodMetadata metadata, Map<String, Object> spec) implements MetricProvider {
    public Job {
      spec = Immutables.jsonMap(spec);
    }

    @Override
    public String type() {
      return "job";
    }
  }

  /** Any other Argo provider, kept as written under its field name. */
  record Other(String type, @Nullable Object config) implements MetricProvider {
    public Other {
      config = Immutables.json(config);
    }
  }

  /** A header sent by the Prometheus and Web providers. */
  record Header(String key, String value) {}
}
