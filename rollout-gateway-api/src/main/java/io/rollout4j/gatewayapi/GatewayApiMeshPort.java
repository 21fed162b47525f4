package io.rollout4j.gatewayapi;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollout4j.k8s.store.ResourceStore;
import io.rollout4j.k8s.store.ServiceRevisions;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MeshPort} for Gateway API ({@code gateway.networking.k8s.io}), configured as Argo's
 * Gateway API plugin is ({@code trafficRouting.plugins["argoproj-labs/gatewayAPI"]}): weights on
 * the stable and canary backendRefs of every rule of the named HTTPRoutes, GRPCRoutes, TCPRoutes
 * and TLSRoutes; header routes ({@code setHeaderRoute}) and, on HTTPRoutes, mirror routes ({@code
 * setMirrorRoute}) as managed rules; the label {@code rollouts.argoproj.io/gatewayapi-canary:
 * in-progress} on a route while a canary takes traffic from it.
 *
 * <p>Only the fields the rollout owns change; every write is a PUT with the resourceVersion read,
 * redone on a fresh read after a conflict. Each reconcile compares what the routes carry with what
 * the rollout wants, so a route a GitOps sync put back to its manifest mid-canary is rewritten on
 * the next reconcile. Every route is read and checked before the first write: a rollout whose
 * routes are missing or do not send traffic to its Services gets an {@link
 * InvalidReferenceException} and nothing is written.
 *
 * <p>Thread-safe; one instance serves every rollout of a client.
 */
public final class GatewayApiMeshPort implements MeshPort, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayApiMeshPort.class);

  static final String GROUP = "gateway.networking.k8s.io";
  private static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha3", "v1alpha2");

  /** The label the plugin puts on a route while a canary is in progress, and its value. */
  static final String IN_PROGRESS_LABEL = "rollouts.argoproj.io/gatewayapi-canary";

  static final String IN_PROGRESS = "in-progress";

  private final ResourceStore store;

  /** The revision each Service of a split selects. */
  private final ServiceRevisions services;

  private GatewayApiMeshPort(ResourceStore store, ServiceRevisions services) {
    this.store = store;
    this.services = services;
  }

  /** A port with the defaults: each kind in the version the cluster prefers, 5 conflict retries. */
  public static GatewayApiMeshPort create(KubernetesClient client) {
    return builder(client).build();
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** Options of a {@link GatewayApiMeshPort}; every setter checks its argument. */
  public static final class Builder {
    private final KubernetesClient client;
    private final ResourceStore.Builder store;
    private boolean informers;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
      this.store = ResourceStore.builder(client, GROUP, VERSIONS, "v1");
    }

    /** How many times a write that lost a conflict (409) is redone on a fresh read; 0..100. */
    public Builder conflictRetries(int conflictRetries) {
      store.conflictRetries(conflictRetries);
      return this;
    }

    /**
     * Whether routes and the Services they send traffic to are read from informers (one per kind,
     * version and namespace, started when an object is first found) instead of a GET on every
     * reconcile; off by default. {@link #close} stops them.
     */
    public Builder informers(boolean informers) {
      store.informers(informers);
      this.informers = informers;
      return this;
    }

    public GatewayApiMeshPort build() {
      return new GatewayApiMeshPort(store.build(), ServiceRevisions.of(client, informers));
    }
  }

  @Override
  public Set<String> routers() {
    return Set.of(PluginConfig.PLUGIN);
  }

  @Override
  public void apply(Rollout rollout, TrafficSplit split) {
    apply(rollout, split, null);
  }

  /** Routes already carrying the split are not written; false when none needed a write. */
  @Override
  public boolean apply(Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
    PluginConfig config = PluginConfig.of(rollout);
    Set<String> managed = Set.copyOf(config.managedRouteNames());
    List<GenericKubernetesResource> planned = new ArrayList<>();
    List<PluginConfig.RouteRef> refs = new ArrayList<>();
    // Read and edit every route before the first write: a bad one stops all of them.
    for (PluginConfig.RouteRef ref : config.routes()) {
      GenericKubernetesResource route = read(rollout, config, ref);
      GenericKubernetesResource edited = edit(route, config, ref, managed, split);
      if (edited != null) {
        planned.add(edited);
        refs.add(ref);
      }
    }
    for (int i = 0; i < planned.size(); i++) {
      PluginConfig.RouteRef ref = refs.get(i);
      boolean written =
          store.update(planned.get(i), fresh -> edit(fresh, config, ref, managed, split));
      if (!written) {
        throw notFound(ref, config.namespace());
      }
      LOG.debug(
          "{} {}/{} routes {}% to the canary",
          ref.kind().kind(), config.namespace(), ref.name(), split.canaryWeight());
    }
    return !planned.isEmpty();
  }

  @Override
  public Optional<TrafficSplit> current(Rollout rollout) {
    PluginConfig config = PluginConfig.of(rollout);
    Set<String> managed = Set.copyOf(config.managedRouteNames());
    Set<Integer> weights = new LinkedHashSet<>();
    List<TrafficSplit.HeaderRoute> headers = null;
    List<TrafficSplit.MirrorRoute> mirrors = null;
    for (PluginConfig.RouteRef ref : config.routes()) {
      Map<String, Object> spec = specOf(read(rollout, config, ref));
      List<Integer> found =
          RouteEdits.canaryWeights(spec, config.stableService(), config.canaryService(), managed);
      if (found.isEmpty()) {
        throw new InvalidReferenceException(ref.field(), noRuleMessage(ref, config));
      }
      weights.addAll(found);
      if (headers == null && PluginConfig.takesManagedRoutes(ref)) {
        headers =
            RouteEdits.headerRoutes(
                spec, config.stableService(), config.canaryService(), config.managedRouteNames());
        mirrors =
            ref.kind() == RouteKind.HTTP
                ? RouteEdits.mirrorRoutes(
                    spec,
                    config.stableService(),
                    config.canaryService(),
                    config.managedRouteNames())
                : List.of();
      }
    }
    if (weights.size() != 1) {
      // A route was changed by hand or by a sync: no single split is present, so the engine
      // writes its own again.
      LOG.info(
          "rollout {}/{}: routes carry different canary weights {}",
          rollout.namespace(),
          rollout.name(),
          weights);
      return Optional.empty();
    }
    return Optional.of(
        new TrafficSplit(
            weights.iterator().next(),
            services.selected(String.valueOf(rollout.namespace()), config.canaryService()),
            services.selected(String.valueOf(rollout.namespace()), config.stableService()),
            headers == null ? List.of() : headers,
            mirrors == null ? List.of() : mirrors));
  }

  /** Stops the informers, if any. */
  @Override
  public void close() {
    store.close();
    services.close();
  }

  // ---------------------------------------------------------------- reads and edits

  private GenericKubernetesResource read(
      Rollout rollout, PluginConfig config, PluginConfig.RouteRef ref) {
    return store
        .getFor(
            rollout.namespace() + "/" + rollout.name(),
            ref.kind().kind(),
            config.namespace(),
            ref.name())
        .orElseThrow(() -> notFound(ref, config.namespace()));
  }

  /** Reports the rollouts whose routes someone else changed. */
  @Override
  public void onChange(Consumer<String> rollouts) {
    store.onChange(rollouts);
  }

  /** The route with the split applied, or null when it already carries it. */
  static @Nullable GenericKubernetesResource edit(
      GenericKubernetesResource route,
      PluginConfig config,
      PluginConfig.RouteRef ref,
      Set<String> managed,
      TrafficSplit split) {
    Map<String, Object> spec = specOf(route);
    Map<String, Object> updated;
    try {
      updated =
          RouteEdits.withSplit(
              spec,
              ref.kind(),
              config.stableService(),
              config.canaryService(),
              managed,
              split,
              PluginConfig.takesManagedRoutes(ref));
    } catch (RouteEdits.RouteException e) {
      throw new InvalidReferenceException(ref.field(), ref.unusable(e.getMessage()));
    }
    Map<String, String> labels = new LinkedHashMap<>(labelsOf(route));
    boolean inProgress =
        split.canaryWeight() > 0
            || (PluginConfig.takesManagedRoutes(ref)
                && (!split.headerRoutes().isEmpty() || !split.mirrorRoutes().isEmpty()));
    if (inProgress) {
      labels.put(IN_PROGRESS_LABEL, IN_PROGRESS);
    } else {
      labels.remove(IN_PROGRESS_LABEL);
    }
    if (updated.equals(spec) && labels.equals(labelsOf(route))) {
      return null;
    }
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(route.getApiVersion());
    copy.setKind(route.getKind());
    ObjectMeta metadata = new ObjectMetaBuilder(route.getMetadata()).build();
    metadata.setLabels(labels.isEmpty() ? null : labels);
    copy.setMetadata(metadata);
    route.getAdditionalProperties().forEach(copy::setAdditionalProperty);
    copy.setAdditionalProperty("spec", updated);
    return copy;
  }

  private static String noRuleMessage(PluginConfig.RouteRef ref, PluginConfig config) {
    return "Invalid value: \""
        + ref.name()
        + "\": no rule of "
        + ref.kind().kind()
        + " \""
        + ref.name()
        + "\" has a backendRef to the stable Service \""
        + config.stableService()
        + "\" or the canary Service \""
        + config.canaryService()
        + "\"";
  }

  private static InvalidReferenceException notFound(PluginConfig.RouteRef ref, String namespace) {
    return new InvalidReferenceException(ref.field(), ref.notFound(namespace));
  }

  static Map<String, Object> specOf(GenericKubernetesResource resource) {
    return RouteEdits.map(resource.getAdditionalProperties().get("spec"));
  }

  private static Map<String, String> labelsOf(GenericKubernetesResource resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }
}
