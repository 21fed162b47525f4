package io.rollout4j.port;

import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.TrafficRouting;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Several {@link MeshPort}s as one, so a controller serves rollouts of several routers (Istio and
 * Gateway API, say): each rollout goes to the ports that serve its routers. A rollout that names
 * two routers (Argo allows Istio and a plugin together) has its split applied by both, in the order
 * the ports were given; what it carries now is read from the first.
 */
public final class MeshPorts implements MeshPort, AutoCloseable {
  private final List<MeshPort> ports;
  private final Set<String> routers;

  private MeshPorts(List<MeshPort> ports) {
    this.ports = List.copyOf(ports);
    Set<String> all = new LinkedHashSet<>();
    for (MeshPort port : this.ports) {
      for (String router : port.routers()) {
        for (MeshPort earlier : this.ports) {
          if (earlier == port) {
            break;
          }
          if (earlier.routers().contains(router)) {
            throw new IllegalArgumentException(
                "ports: router '" + router + "' is served by two of the given ports");
          }
        }
        all.add(router);
      }
    }
    this.routers = Set.copyOf(all);
  }

  /** The ports as one; each router may be served by one of them only. */
  public static MeshPorts of(MeshPort... ports) {
    if (ports.length == 0) {
      throw new IllegalArgumentException("ports: expected at least one MeshPort");
    }
    return new MeshPorts(List.of(ports));
  }

  @Override
  public Set<String> routers() {
    return routers;
  }

  @Override
  public void apply(Rollout rollout, TrafficSplit split) {
    apply(rollout, split, null);
  }

  @Override
  public boolean apply(Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
    boolean changed = false;
    for (MeshPort port : serving(rollout)) {
      changed |= port.apply(rollout, split, observed);
    }
    return changed;
  }

  @Override
  public Optional<TrafficSplit> current(Rollout rollout) {
    List<MeshPort> serving = serving(rollout);
    return serving.isEmpty() ? Optional.empty() : serving.get(0).current(rollout);
  }

  @Override
  public void onChange(Consumer<String> rollouts) {
    for (MeshPort port : ports) {
      port.onChange(rollouts);
    }
  }

  /** Closes every port that holds resources (informers, clients). */
  @Override
  public void close() throws Exception {
    Exception first = null;
    for (MeshPort port : ports) {
      if (port instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private List<MeshPort> serving(Rollout rollout) {
    CanaryStrategy canary = rollout.spec().canary();
    TrafficRouting routing = canary == null ? null : canary.trafficRouting();
    List<MeshPort> serving = new ArrayList<>(1);
    if (routing == null) {
      return serving;
    }
    List<String> ids = routing.routerIds();
    for (MeshPort port : ports) {
      for (String id : ids) {
        if (port.routers().contains(id)) {
          serving.add(port);
          break;
        }
      }
    }
    return serving;
  }
}
