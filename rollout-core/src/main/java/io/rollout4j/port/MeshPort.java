package io.rollout4j.port;

import io.rollout4j.model.Rollout;
import java.util.Optional;

/** The service mesh (or ingress) that carries a rollout's traffic split. */
public interface MeshPort {

  /**
   * Makes the mesh route as {@code split} says. Validates first and writes nothing when the
   * rollout's routing objects are missing or malformed ({@link PortException} with a message a user
   * can act on).
   */
  void apply(Rollout rollout, TrafficSplit split);

  /** The split actually present in the mesh, empty when it cannot be read. */
  Optional<TrafficSplit> current(Rollout rollout);
}
