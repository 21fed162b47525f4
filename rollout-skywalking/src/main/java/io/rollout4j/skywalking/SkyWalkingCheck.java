package io.rollout4j.skywalking;

import io.rollout4j.analysis.GraphQlArguments;
import io.rollout4j.api.MetricBuilder;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.MetricProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A typed SkyWalking check for one service, for users who build analysis in Java instead of YAML:
 * the MQE query ({@code execExpression}, OAP 9.5+; the percentile label syntax is OAP 10's) and the
 * success condition that goes with it, as an ordinary Argo {@code skywalking} provider spec, so the
 * metric also runs unchanged under Argo Rollouts.
 *
 * <pre>{@code
 * SkyWalkingCheck apdex = SkyWalkingCheck.service("{{args.service-name}}")
 *     .address("http://oap.istio-system:12800")
 *     .apdexAtLeast(0.99);
 * template.metric("apdex", m -> apdex.configure(m.interval(Duration.ofMinutes(5)).failureLimit(3)));
 * }</pre>
 *
 * <p>Empty minutes: MQE reports a minute without data (typically the current one, until OAP's next
 * persistence tick) as {@code null}. The condition ignores those points but needs at least one
 * minute with data, so a canary that receives no traffic at all still fails. A check passes when
 * every minute with data meets the threshold.
 */
public final class SkyWalkingCheck {
  private static final Set<Integer> PERCENTILES = Set.of(50, 75, 90, 95, 99);

  private final String serviceName;
  private final String address;
  private final Duration window;
  private final boolean normal;
  private final String alias;
  private final String expression;
  private final String comparison;
  private final BigDecimal threshold;

  private SkyWalkingCheck(
      Builder target, String alias, String expression, String comparison, BigDecimal threshold) {
    this.serviceName = target.serviceName;
    this.address = target.address;
    this.window = target.window;
    this.normal = target.normal;
    this.alias = alias;
    this.expression = expression;
    this.comparison = comparison;
    this.threshold = threshold;
  }

  /**
   * Starts a check of the service with this SkyWalking name (for a mesh as in the seed, {@code
   * canary|reviews|bookinfo|cluster-1|-}); an {@code {{args.*}}} reference is fine and is placed
   * safely when the run is created.
   */
  public static Builder service(String serviceName) {
    return new Builder(serviceName);
  }

  /**
   * Where and over which window the check reads; ends with the metric to check. Each check takes a
   * copy of the settings, so one builder can make several checks.
   */
  public static final class Builder {
    private final String serviceName;
    private String address = "";
    private Duration window = Duration.ofMinutes(3);
    private boolean normal = true;

    private Builder(String serviceName) {
      if (Objects.requireNonNull(serviceName, "serviceName").isBlank()) {
        throw new IllegalArgumentException("serviceName: expected a SkyWalking service name");
      }
      this.serviceName = serviceName;
    }

    /** OAP's query address, e.g. {@code http://oap.istio-system:12800}. Required. */
    public Builder address(String address) {
      if (Objects.requireNonNull(address, "address").isBlank() || !address.contains("://")) {
        throw new IllegalArgumentException(
            "address: expected a URL such as http://oap:12800 but was '" + address + "'");
      }
      this.address = address;
      return this;
    }

    /** How far back each measurement looks (the provider's {@code interval}); default 3m. */
    public Builder window(Duration window) {
      if (window.compareTo(Duration.ofMinutes(1)) < 0
          || window.compareTo(Duration.ofHours(8)) > 0) {
        throw new IllegalArgumentException(
            "window: expected a duration from 1m to 8h (OAP serves at most 500 minutes) but was "
                + window);
      }
      this.window = window;
      return this;
    }

    /**
     * Whether the service reports its own telemetry (agent or sidecar: true, the default) or is
     * only seen by its callers (false).
     */
    public Builder normal(boolean normal) {
      this.normal = normal;
      return this;
    }

    /** Apdex ({@code service_apdex}) of at least {@code apdex}, 0..1 (0.99 = OAP's 9900). */
    public SkyWalkingCheck apdexAtLeast(double apdex) {
      return check("apdex", "service_apdex", ">=", scaled(apdex, 0, 1, 10_000, "apdex"));
    }

    /** Successful calls ({@code service_sla}) of at least {@code percent}, 0..100. */
    public SkyWalkingCheck successRateAtLeast(double percent) {
      return check("sla", "service_sla", ">=", scaled(percent, 0, 100, 100, "percent"));
    }

    /**
     * Response-time percentile ({@code service_percentile}, p = 50, 75, 90, 95 or 99) of at most
     * {@code max}, in whole milliseconds as OAP stores it.
     */
    public SkyWalkingCheck responseTimePercentileAtMost(int percentile, Duration max) {
      if (!PERCENTILES.contains(percentile)) {
        throw new IllegalArgumentException(
            "percentile: expected one of 50, 75, 90, 95, 99 (OAP's service_percentile) but was "
                + percentile);
      }
      return check(
          "p" + percentile,
          "service_percentile{p='" + percentile + "'}",
          "<=",
          BigDecimal.valueOf(millis(max)));
    }

    /** Average response time ({@code service_resp_time}) of at most {@code max}. */
    public SkyWalkingCheck averageResponseTimeAtMost(Duration max) {
      return check("resp_time", "service_resp_time", "<=", BigDecimal.valueOf(millis(max)));
    }

    /**
     * Any MQE expression for the service, each minute compared with {@code threshold} by {@code
     * comparison} ({@code >=}, {@code >}, {@code <=}, {@code <}, {@code ==}).
     */
    public SkyWalkingCheck expression(String mqe, String comparison, double threshold) {
      if (Objects.requireNonNull(mqe, "mqe").isBlank()) {
        throw new IllegalArgumentException("mqe: expected an MQE expression");
      }
      if (!Set.of(">=", ">", "<=", "<", "==").contains(comparison)) {
        throw new IllegalArgumentException(
            "comparison: expected >=, >, <=, < or == but was '" + comparison + "'");
      }
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold: expected a finite number");
      }
      return check("value", mqe, comparison, BigDecimal.valueOf(threshold));
    }

    private SkyWalkingCheck check(
        String alias, String expression, String comparison, BigDecimal threshold) {
      if (address.isEmpty()) {
        throw new IllegalStateException("address: required, e.g. http://oap.istio-system:12800");
      }
      return new SkyWalkingCheck(this, alias, expression, comparison, threshold);
    }

    private static BigDecimal scaled(
        double value, double min, double max, int factor, String field) {
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException(
            field + ": expected " + min + ".." + max + " but was " + value);
      }
      return BigDecimal.valueOf(value).multiply(BigDecimal.valueOf(factor));
    }

    private static long millis(Duration max) {
      if (max.isNegative() || max.isZero()) {
        throw new IllegalArgumentException("max: expected a positive duration but was " + max);
      }
      return max.toMillis();
    }
  }

  /** The GraphQL document sent to OAP: one aliased {@code execExpression}. */
  public String query() {
    return "query rollout4j($duration: Duration!) {\n  "
        + alias
        + ": execExpression(expression: \""
        + GraphQlArguments.escapeString(expression)
        + "\", entity: { serviceName: \""
        + GraphQlArguments.escapeString(serviceName)
        + "\", normal: "
        + normal
        + " }, duration: $duration) {\n    type error results { metric { labels { key value } }"
        + " values { id value } }\n  }\n}\n";
  }

  /** The condition on {@code result}: every minute with data meets the threshold, and one does. */
  public String successCondition() {
    String points = "filter(result." + alias + ".results[0].values, {.value != nil})";
    return "len("
        + points
        + ") > 0 && all("
        + points
        + ", {asFloat(.value) "
        + comparison
        + " "
        + threshold.stripTrailingZeros().toPlainString()
        + "})";
  }

  /** Argo's provider spec for this check. */
  public MetricProvider.SkyWalking provider() {
    return new MetricProvider.SkyWalking(address, query(), DurationStrings.format(window));
  }

  /** Sets the metric's provider and success condition; returns the builder for chaining. */
  public MetricBuilder configure(MetricBuilder metric) {
    return metric.provider(provider()).successCondition(successCondition());
  }
}
