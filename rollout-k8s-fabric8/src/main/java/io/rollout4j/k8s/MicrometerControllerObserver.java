package io.rollout4j.k8s;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.rollout4j.model.RolloutPhase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The controller's numbers as Micrometer meters (Micrometer is an optional dependency: add
 * micrometer-core to use this class):
 *
 * <ul>
 *   <li>{@code rollout4j.reconciles} timer, tagged {@code outcome=success|error};
 *   <li>{@code rollout4j.api.requests} counter, tagged {@code verb};
 *   <li>{@code rollout4j.rollout.phase} gauge per rollout and phase, 1 for the current phase and 0
 *       for the others (as Argo's {@code rollout_info}), tagged {@code namespace}, {@code name},
 *       {@code phase}.
 * </ul>
 */
public final class MicrometerControllerObserver implements ControllerObserver {
  private static final String PHASE = "rollout4j.rollout.phase";

  private final MeterRegistry registry;
  private final Timer success;
  private final Timer failure;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Map<RolloutPhase, AtomicInteger>> phases = new ConcurrentHashMap<>();

  private MicrometerControllerObserver(MeterRegistry registry) {
    this.registry = registry;
    this.success =
        Timer.builder("rollout4j.reconciles")
            .description("Reconciles of a rollout")
            .tag("outcome", "success")
            .register(registry);
    this.failure =
        Timer.builder("rollout4j.reconciles")
            .description("Reconciles of a rollout")
            .tag("outcome", "error")
            .register(registry);
  }

  public static MicrometerControllerObserver of(MeterRegistry registry) {
    return new MicrometerControllerObserver(registry);
  }

  @Override
  public void reconciled(String rollout, Duration took, boolean failed) {
    (failed ? failure : success).record(took);
  }

  @Override
  public void request(String verb) {
    requests
        .computeIfAbsent(
            verb,
            v ->
                Counter.builder("rollout4j.api.requests")
                    .description("Requests to the Kubernetes API server, watches excluded")
                    .tag("verb", v)
                    .register(registry))
        .increment();
  }

  @Override
  public void phase(String rollout, @Nullable RolloutPhase phase) {
    Map<RolloutPhase, AtomicInteger> gauges =
        phases.computeIfAbsent(
            rollout,
            key -> {
              int slash = key.indexOf('/');
              Map<RolloutPhase, AtomicInteger> byPhase = new ConcurrentHashMap<>();
              for (RolloutPhase p : RolloutPhase.values()) {
                AtomicInteger value = new AtomicInteger();
                Tags tags =
                    Tags.of(
                        "namespace",
                        key.substring(0, slash),
                        "name",
                        key.substring(slash + 1),
                        "phase",
                        p.argoName());
                // Micrometer keeps the first gauge registered under a name and tags and ignores
                // later ones: a controller that took over (after a leadership change, in the same
                // JVM) would otherwise report its predecessor's values forever.
                Gauge previous = registry.find(PHASE).tags(tags).gauge();
                if (previous != null) {
                  registry.remove(previous);
                }
                Gauge.builder(PHASE, value, AtomicInteger::get)
                    .description("1 for the rollout's current phase, 0 for the others")
                    .tags(tags)
                    .register(registry);
                byPhase.put(p, value);
              }
              return byPhase;
            });
    gauges.forEach((p, value) -> value.set(p == phase ? 1 : 0));
  }
}
