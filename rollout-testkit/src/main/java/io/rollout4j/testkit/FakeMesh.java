package io.rollout4j.testkit;

import io.rollout4j.model.Rollout;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A mesh that remembers the split of every rollout and records every change with its instant, so a
 * test can read the whole traffic history of a rollout.
 */
public final class FakeMesh implements MeshPort {

  /** One split applied to one rollout at one instant. */
  public record Applied(Instant at, String namespace, String rollout, TrafficSplit split) {}

  private final Clock clock;
  private final Map<String, TrafficSplit> current = new LinkedHashMap<>();

  /** Per rollout: the field and detail of the reference that no longer fits. */
  private final Map<String, List<String>> broken = new LinkedHashMap<>();

  private final List<Applied> history = new ArrayList<>();
  private final Faults faults = new Faults();

  public FakeMesh(Clock clock) {
    this.clock = clock;
  }

  public Faults faults() {
    return faults;
  }

  private java.util.Set<String> routers = java.util.Set.of("istio");

  /**
   * The routers this fake serves, as a real MeshPort says which it serves; {@code istio} unless
   * set. A rollout using another router is left alone by the engine, with a condition saying so.
   */
  public FakeMesh serving(String... routers) {
    this.routers = java.util.Set.of(routers);
    return this;
  }

  @Override
  public java.util.Set<String> routers() {
    return routers;
  }

  @Override
  public void apply(Rollout rollout, TrafficSplit split) {
    faults.beforeWrite("traffic of rollout " + rollout.namespace() + "/" + rollout.name());
    throwIfBroken(rollout);
    current.put(key(rollout.namespace(), rollout.name()), split);
    history.add(
        new Applied(
            clock.instant(),
            String.valueOf(rollout.namespace()),
            String.valueOf(rollout.name()),
            split));
  }

  /** As the real ports: every call is recorded, and false when the split was already there. */
  @Override
  public boolean apply(Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
    boolean changed = !split.equals(current.get(key(rollout.namespace(), rollout.name())));
    apply(rollout, split);
    return changed;
  }

  @Override
  public Optional<TrafficSplit> current(Rollout rollout) {
    faults.beforeRead("traffic of rollout " + rollout.namespace() + "/" + rollout.name());
    throwIfBroken(rollout);
    return current(String.valueOf(rollout.namespace()), String.valueOf(rollout.name()));
  }

  public Optional<TrafficSplit> current(String namespace, String rollout) {
    return Optional.ofNullable(current.get(key(namespace, rollout)));
  }

  /** Every split applied to the rollout, oldest first. */
  public List<Applied> history(String namespace, String rollout) {
    return history.stream()
        .filter(a -> a.namespace().equals(namespace) && a.rollout().equals(rollout))
        .toList();
  }

  /** Every split applied to any rollout, oldest first. */
  public List<Applied> history() {
    return List.copyOf(history);
  }

  /** Someone (a GitOps sync, a human) changes the split behind the engine's back. */
  public void overwrite(String namespace, String rollout, TrafficSplit split) {
    current.put(key(namespace, rollout), split);
  }

  /**
   * The rollout's routing objects stop fitting its spec (someone deleted the VirtualService, say):
   * reads and writes fail with an {@link InvalidReferenceException} naming {@code field} until
   * {@link #repair} is called.
   */
  public void breakReference(String namespace, String rollout, String field, String detail) {
    broken.put(key(namespace, rollout), List.of(field, detail));
  }

  /** Undoes {@link #breakReference}. */
  public void repair(String namespace, String rollout) {
    broken.remove(key(namespace, rollout));
  }

  private void throwIfBroken(Rollout rollout) {
    List<String> reference = broken.get(key(rollout.namespace(), rollout.name()));
    if (reference != null) {
      throw new InvalidReferenceException(reference.get(0), reference.get(1));
    }
  }

  private static String key(@Nullable Object namespace, @Nullable Object name) {
    return namespace + "/" + name;
  }
}
