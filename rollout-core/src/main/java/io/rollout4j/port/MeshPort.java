package io.rollout4j.port;

import io.rollout4j.model.Rollout;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The service mesh (or ingress) that carries a rollout's traffic split. */
public interface MeshPort {

  /**
   * Makes the mesh route as {@code split} says. Validates first and writes nothing when the
   * rollout's routing objects are missing or malformed ({@link PortException} with a message a user
   * can act on).
   */
  void apply(Rollout rollout, TrafficSplit split);

  /**
   * As {@link #apply(Rollout, TrafficSplit)}, given the split the caller read with {@link #current}
   * before deciding on this one (null when none could be read). A port may use it instead of
   * reading the mesh again, to order its writes by the direction traffic moves; the default ignores
   * it.
   *
   * <p>Returns whether the mesh changed. A port that finds its objects already routing as {@code
   * split} writes nothing and returns false, and the engine then does not count the call as a
   * write: a controller looks again at once after a write, so a port whose {@link #current} cannot
   * describe some part of a split it carries (the engine re-sends that split every reconcile) would
   * otherwise keep the rollout in a loop. The default applies and returns true.
   */
  default boolean apply(Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
    apply(rollout, split);
    return true;
  }

  /** The split actually present in the mesh, empty when it cannot be read. */
  Optional<TrafficSplit> current(Rollout rollout);

  /**
   * Asks the port to call {@code rollouts} with the key ({@code namespace/name}) of each rollout
   * whose routing objects someone else changed (a GitOps sync putting weights back, a hand edit),
   * so a controller reconciles it at once, as Argo's controller does on a VirtualService or
   * DestinationRule event, instead of at its next resync. A port that watches nothing never calls
   * it (the default).
   */
  default void onChange(Consumer<String> rollouts) {}

  /**
   * The traffic routers this port serves, by their field names under {@code
   * spec.strategy.canary.trafficRouting} ({@code istio}, {@code nginx}, {@code alb}, ...) and, for
   * {@code plugins}, by plugin name ({@code argoproj-labs/gatewayAPI}). The engine never hands this
   * port a rollout that uses another router: such a rollout gets a condition naming its router and
   * these.
   */
  Set<String> routers();
}
