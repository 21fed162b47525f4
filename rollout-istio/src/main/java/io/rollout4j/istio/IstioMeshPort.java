package io.rollout4j.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollout4j.istio.VirtualServiceRoutes.JsonTrees;
import io.rollout4j.k8s.store.ResourceStore;
import io.rollout4j.k8s.store.ServiceRevisions;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.IstioTrafficRouting;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.TrafficRouting;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MeshPort} for {@code trafficRouting.istio}: weights in VirtualService routes, canary
 * and stable hashes in DestinationRule subsets (subset-level splitting) or Service selectors
 * (host-level splitting, read only: the engine points the Services), and the header and mirror
 * routes of {@code managedRoutes}.
 *
 * <p>VirtualServices and DestinationRules are read and written as generic {@code
 * networking.istio.io} resources in whatever version the cluster serves ({@code v1alpha3}, {@code
 * v1beta1}, {@code v1}); a write goes back in the version the object was read in. Every write is a
 * full PUT carrying the resourceVersion that was read, with only the managed fields changed; a
 * conflict (409) re-reads the object and redoes the edit, a bounded number of times. Every object
 * is read and checked before the first write, so a rollout whose objects do not fit its spec gets
 * an {@link InvalidReferenceException} and nothing is written.
 *
 * <p>Thread-safe; one instance serves every rollout of a client.
 */
public final class IstioMeshPort implements MeshPort, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IstioMeshPort.class);

  static final String GROUP = "networking.istio.io";
  static final String VIRTUAL_SERVICE = "VirtualService";
  static final String DESTINATION_RULE = "DestinationRule";
  private static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha3");
  private static final String FALLBACK_VERSION = "v1beta1";
  private static final Set<String> ROUTERS = Set.of("istio");

  /** The annotation Argo writes on the DestinationRules it manages. */
  static final String MANAGED_BY = RolloutLabels.MANAGED_BY;

  /** Reads and writes VirtualServices and DestinationRules in the versions the cluster serves. */
  private final ResourceStore store;

  /** Host-level routing: the revision each Service selects. */
  private final ServiceRevisions services;

  private IstioMeshPort(ResourceStore store, ServiceRevisions services) {
    this.store = store;
    this.services = services;
  }

  /** A port with the defaults: the API version the cluster prefers, 5 retries on conflict. */
  public static IstioMeshPort create(KubernetesClient client) {
    return builder(client).build();
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** Options of an {@link IstioMeshPort}; every setter checks its argument. */
  public static final class Builder {
    private final KubernetesClient client;
    private final ResourceStore.Builder store;
    private boolean informers;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
      this.store = ResourceStore.builder(client, GROUP, VERSIONS, FALLBACK_VERSION);
    }

    /**
     * The {@code networking.istio.io} version reads try first ({@code v1}, {@code v1beta1} or
     * {@code v1alpha3}); an object not found there is looked for in the other versions. Default:
     * the group's preferred version from API discovery, {@code v1beta1} when discovery does not
     * say.
     */
    public Builder apiVersion(String apiVersion) {
      store.apiVersion(apiVersion);
      return this;
    }

    /** How many times a write that lost a conflict (409) is redone on a fresh read; 0..100. */
    public Builder conflictRetries(int conflictRetries) {
      store.conflictRetries(conflictRetries);
      return this;
    }

    /**
     * Whether VirtualServices, DestinationRules and (with host-level routing) Services are read
     * from informers (one per kind, version and namespace, started when an object is first found)
     * instead of a GET on every reconcile; off by default. A write still reads the object fresh
     * after a conflict. {@link #close} stops them.
     */
    public Builder informers(boolean informers) {
      store.informers(informers);
      this.informers = informers;
      return this;
    }

    public IstioMeshPort build() {
      return new IstioMeshPort(store.build(), ServiceRevisions.of(client, informers));
    }
  }

  @Override
  public void apply(Rollout rollout, TrafficSplit split) {
    apply(rollout, split, null);
  }

  /** The observed split, when given, says which way traffic moves without reading the weights. */
  @Override
  public boolean apply(Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
    Routing routing = Routing.of(rollout);
    Snapshot snapshot = read(routing);
    List<Write> writes = new ArrayList<>();
    Write ruleWrite = null;
    if (snapshot.rule != null && routing.rule != null) {
      IstioTrafficRouting.DestinationRule ref = routing.rule;
      ruleWrite =
          new Write(
              snapshot.rule,
              routing.ruleField(),
              ref.name(),
              current -> editRule(current, ref, routing, split));
    }
    String host = snapshot.rule == null ? null : ruleHost(snapshot.rule);
    List<Write> serviceWrites = new ArrayList<>();
    int currentWeight = observed == null ? -1 : observed.canaryWeight();
    for (int n = 0; n < routing.virtualServices.size(); n++) {
      int i = n;
      IstioTrafficRouting.VirtualService ref = routing.virtualServices.get(i);
      GenericKubernetesResource vs = snapshot.virtualServices.get(i);
      if (currentWeight < 0) {
        currentWeight = firstWeight(routing, ref, specOf(vs), i);
      }
      serviceWrites.add(
          new Write(
              vs,
              routing.virtualServiceField(i),
              ref.name(),
              current -> editVirtualService(current, ref, routing, split, host, i)));
    }
    // Traffic leaves before labels move and arrives after: the canary subset never selects pods
    // that take more traffic than the split allows at any instant.
    if (split.canaryWeight() < currentWeight) {
      writes.addAll(serviceWrites);
      if (ruleWrite != null) {
        writes.add(ruleWrite);
      }
    } else {
      if (ruleWrite != null) {
        writes.add(ruleWrite);
      }
      writes.addAll(serviceWrites);
    }
    // Validate everything before the first write.
    List<@Nullable GenericKubernetesResource> planned = new ArrayList<>();
    for (Write write : writes) {
      planned.add(write.edit(write.read));
    }
    boolean changed = false;
    for (int i = 0; i < writes.size(); i++) {
      changed |= writes.get(i).perform(planned.get(i));
    }
    return changed;
  }

  /** Istio only: the engine sends no rollout with another router here. */
  @Override
  public Set<String> routers() {
    return ROUTERS;
  }

  @Override
  public Optional<TrafficSplit> current(Rollout rollout) {
    Routing routing = Routing.of(rollout);
    Snapshot snapshot = read(routing);
    Set<Integer> weights = new LinkedHashSet<>();
    for (int n = 0; n < routing.virtualServices.size(); n++) {
      int i = n;
      Map<String, Object> spec = specOf(snapshot.virtualServices.get(i));
      weights.addAll(
          checked(
              routing.virtualServiceField(i),
              routing.virtualServices.get(i).name(),
              () ->
                  VirtualServiceRoutes.canaryWeights(
                      spec,
                      routing.virtualServices.get(i),
                      routing.destinations,
                      routing.managedRouteNames)));
    }
    if (weights.size() != 1) {
      // Some route was changed by hand: no single split is present, so the engine re-applies its
      // own rather than trusting one of the routes.
      LOG.warn(
          "rollout {}/{}: routes carry different canary weights {}",
          rollout.namespace(),
          rollout.name(),
          weights);
      return Optional.empty();
    }
    String canaryHash;
    String stableHash;
    if (snapshot.rule != null && routing.rule != null) {
      Map<String, Object> ruleSpec = specOf(snapshot.rule);
      canaryHash = DestinationRuleSubsets.hashOf(ruleSpec, routing.rule.canarySubsetName());
      stableHash = DestinationRuleSubsets.hashOf(ruleSpec, routing.rule.stableSubsetName());
    } else {
      canaryHash = selectorHash(routing.namespace, routing.canaryService);
      stableHash = selectorHash(routing.namespace, routing.stableService);
    }
    Map<String, Object> first = specOf(snapshot.virtualServices.get(0));
    return Optional.of(
        new TrafficSplit(
            weights.iterator().next(),
            canaryHash,
            stableHash,
            ManagedRoutes.headerRoutes(first, routing.managedRouteList),
            ManagedRoutes.mirrorRoutes(first, routing.managedRouteList)));
  }

  // ---------------------------------------------------------------- edits (pure)

  private @Nullable GenericKubernetesResource editRule(
      GenericKubernetesResource current,
      IstioTrafficRouting.DestinationRule ref,
      Routing routing,
      TrafficSplit split) {
    Map<String, Object> spec = specOf(current);
    Map<String, Object> updated =
        checked(
            routing.ruleField(),
            ref.name(),
            () ->
                DestinationRuleSubsets.withHashes(
                    spec, ref, split.canaryHash(), split.stableHash()));
    Map<String, String> annotations = annotationsOf(current);
    boolean annotated = routing.rolloutName.equals(annotations.get(MANAGED_BY));
    if (updated.equals(spec) && annotated) {
      return null;
    }
    Map<String, String> newAnnotations = new LinkedHashMap<>(annotations);
    newAnnotations.put(MANAGED_BY, routing.rolloutName);
    return withSpec(current, updated, newAnnotations);
  }

  private @Nullable GenericKubernetesResource editVirtualService(
      GenericKubernetesResource current,
      IstioTrafficRouting.VirtualService ref,
      Routing routing,
      TrafficSplit split,
      @Nullable String ruleHost,
      int index) {
    Map<String, Object> spec = specOf(current);
    Map<String, Object> updated =
        checked(
            routing.virtualServiceField(index),
            ref.name(),
            () -> {
              Map<String, Object> weighted =
                  VirtualServiceRoutes.withCanaryWeight(
                      spec,
                      ref,
                      routing.destinations,
                      split.canaryWeight(),
                      routing.managedRouteNames);
              Map<String, Object> route = weightedHttpRoute(weighted, ref, routing);
              ManagedRoutes.apply(
                  weighted,
                  routing.managedRouteList,
                  split,
                  route,
                  canaryDestination(routing, route, ruleHost));
              return weighted;
            });
    return updated.equals(spec) ? null : withSpec(current, updated, annotationsOf(current));
  }

  private static @Nullable Map<String, Object> weightedHttpRoute(
      Map<String, Object> spec, IstioTrafficRouting.VirtualService ref, Routing routing) {
    for (VirtualServiceRoutes.Selected selected :
        VirtualServiceRoutes.select(spec, ref, routing.managedRouteNames)) {
      if (selected.section().equals("http")) {
        return selected.route(spec);
      }
    }
    return null;
  }

  /** Where header and mirror routes send traffic: the canary Service or the canary subset. */
  private static Map<String, Object> canaryDestination(
      Routing routing, @Nullable Map<String, Object> weighted, @Nullable String ruleHost) {
    Map<String, Object> destination = new LinkedHashMap<>();
    if (routing.rule == null) {
      destination.put("host", routing.canaryService);
      return destination;
    }
    String host = ruleHost;
    if (host == null && weighted != null) {
      for (Object target : JsonTrees.list(weighted.get("route"))) {
        Map<String, Object> d = JsonTrees.map(JsonTrees.map(target).get("destination"));
        if (routing.rule.canarySubsetName().equals(d.get("subset"))) {
          host = String.valueOf(d.get("host"));
        }
      }
    }
    destination.put("host", host);
    destination.put("subset", routing.rule.canarySubsetName());
    return destination;
  }

  private int firstWeight(
      Routing routing, IstioTrafficRouting.VirtualService ref, Map<String, Object> spec, int i) {
    List<Integer> weights =
        checked(
            routing.virtualServiceField(i),
            ref.name(),
            () ->
                VirtualServiceRoutes.canaryWeights(
                    spec, ref, routing.destinations, routing.managedRouteNames));
    return weights.isEmpty() ? 0 : weights.get(0);
  }

  static <T> T checked(String field, String name, Supplier<T> edit) {
    try {
      return edit.get();
    } catch (IstioRouteException e) {
      throw new InvalidReferenceException(
          field, "Invalid value: \"" + name + "\": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- reads and writes

  /** Every object the rollout refers to, read before anything is written. */
  private record Snapshot(
      @Nullable GenericKubernetesResource rule, List<GenericKubernetesResource> virtualServices) {}

  private Snapshot read(Routing routing) {
    GenericKubernetesResource rule = null;
    IstioTrafficRouting.DestinationRule ref = routing.rule;
    if (ref != null) {
      GenericKubernetesResource found =
          get(
              routing,
              DESTINATION_RULE,
              ObjectName.parse(ref.name(), routing.namespace),
              routing.ruleField());
      checked(
          routing.ruleField(),
          ref.name(),
          () -> {
            DestinationRuleSubsets.requireSubsets(specOf(found), ref);
            return true;
          });
      rule = found;
    }
    List<GenericKubernetesResource> services = new ArrayList<>();
    for (int i = 0; i < routing.virtualServices.size(); i++) {
      ObjectName name = ObjectName.parse(routing.virtualServices.get(i).name(), routing.namespace);
      services.add(get(routing, VIRTUAL_SERVICE, name, routing.virtualServiceField(i)));
    }
    return new Snapshot(rule, services);
  }

  private GenericKubernetesResource get(
      Routing routing, String kind, ObjectName name, String field) {
    return store
        .getFor(routing.namespace + "/" + routing.rolloutName, kind, name.namespace(), name.name())
        .orElseThrow(() -> notFound(field, name.name(), kind, name));
  }

  /** Reports the rollouts whose VirtualServices or DestinationRules someone else changed. */
  @Override
  public void onChange(Consumer<String> rollouts) {
    store.onChange(rollouts);
  }

  /** Stops the informers, if any. */
  @Override
  public void close() {
    store.close();
    services.close();
  }

  /** One object to write, with the edit that is redone on a fresh read after a conflict. */
  private final class Write {
    final GenericKubernetesResource read;
    final String field;
    final String refName;
    private final Function<GenericKubernetesResource, @Nullable GenericKubernetesResource> editor;

    Write(
        GenericKubernetesResource read,
        String field,
        String refName,
        Function<GenericKubernetesResource, @Nullable GenericKubernetesResource> editor) {
      this.read = read;
      this.field = field;
      this.refName = refName;
      this.editor = editor;
    }

    @Nullable GenericKubernetesResource edit(GenericKubernetesResource current) {
      return editor.apply(current);
    }

    /** Writes {@code desired}; false when there is nothing to write (already as desired). */
    boolean perform(@Nullable GenericKubernetesResource desired) {
      if (desired == null) {
        return false;
      }
      if (!store.update(desired, this::edit)) {
        String kind = String.valueOf(read.getKind());
        throw notFound(
            field,
            refName,
            kind,
            new ObjectName(read.getMetadata().getName(), read.getMetadata().getNamespace()));
      }
      return true;
    }
  }

  /** Argo's wording: {@code Invalid value: "reviews": virtualservice.networking.istio.io ...}. */
  static InvalidReferenceException notFound(
      String field, String refName, String kind, ObjectName name) {
    return new InvalidReferenceException(
        field,
        "Invalid value: \""
            + refName
            + "\": "
            + kind.toLowerCase(Locale.ROOT)
            + "."
            + GROUP
            + " \""
            + name.name()
            + "\" not found");
  }

  private @Nullable String selectorHash(String namespace, @Nullable String service) {
    if (service == null) {
      return null;
    }
    ObjectName name = ObjectName.parse(service, namespace);
    return services.selected(name.namespace(), name.name());
  }

  // ---------------------------------------------------------------- generic resource helpers

  static Map<String, Object> specOf(GenericKubernetesResource resource) {
    return JsonTrees.map(resource.getAdditionalProperties().get("spec"));
  }

  private static @Nullable String ruleHost(GenericKubernetesResource rule) {
    Object host = specOf(rule).get("host");
    return host == null ? null : String.valueOf(host);
  }

  private static Map<String, String> annotationsOf(GenericKubernetesResource resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  /** A copy of {@code resource} with a new spec and annotations; the resourceVersion is kept. */
  private static GenericKubernetesResource withSpec(
      GenericKubernetesResource resource,
      Map<String, Object> spec,
      Map<String, String> annotations) {
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(resource.getApiVersion());
    copy.setKind(resource.getKind());
    ObjectMeta metadata = new ObjectMetaBuilder(resource.getMetadata()).build();
    if (!annotations.isEmpty()) {
      metadata.setAnnotations(new LinkedHashMap<>(annotations));
    }
    copy.setMetadata(metadata);
    resource.getAdditionalProperties().forEach(copy::setAdditionalProperty);
    copy.setAdditionalProperty("spec", spec);
    return copy;
  }

  /** What a rollout's spec says about its Istio routing, resolved once per call. */
  static final class Routing {
    final String namespace;
    final String rolloutName;
    final List<IstioTrafficRouting.VirtualService> virtualServices;
    final boolean singleVirtualService;
    final IstioTrafficRouting.@Nullable DestinationRule rule;
    final RouteDestinations destinations;
    final List<String> managedRouteList;
    final Set<String> managedRouteNames;
    final @Nullable String canaryService;
    final @Nullable String stableService;

    private Routing(Rollout rollout, CanaryStrategy canary, TrafficRouting routing) {
      IstioTrafficRouting istio = Objects.requireNonNull(routing.istio());
      this.namespace = String.valueOf(rollout.namespace());
      this.rolloutName = String.valueOf(rollout.name());
      this.virtualServices = istio.allVirtualServices();
      this.singleVirtualService = istio.virtualService() != null;
      this.rule = istio.destinationRule();
      this.canaryService = emptyToNull(canary.canaryService());
      this.stableService = emptyToNull(canary.stableService());
      this.destinations =
          rule != null
              ? new RouteDestinations(
                  true,
                  rule.canarySubsetName(),
                  rule.stableSubsetName(),
                  Set.copyOf(rule.additionalSubsetNames()))
              : RouteDestinations.byHost(
                  String.valueOf(canaryService), String.valueOf(stableService));
      List<String> names = new ArrayList<>();
      routing.managedRoutes().forEach(r -> names.add(r.name()));
      this.managedRouteList = List.copyOf(names);
      this.managedRouteNames = Set.copyOf(names);
      if (virtualServices.isEmpty()) {
        throw new InvalidReferenceException(
            "spec.strategy.canary.trafficRouting.istio",
            "either VirtualService or VirtualServices must be configured");
      }
    }

    static Routing of(Rollout rollout) {
      CanaryStrategy canary = rollout.spec().canary();
      TrafficRouting routing = canary == null ? null : canary.trafficRouting();
      if (canary == null || routing == null || routing.istio() == null) {
        throw new IllegalArgumentException(
            "rollout "
                + rollout.namespace()
                + "/"
                + rollout.name()
                + " has no spec.strategy.canary.trafficRouting.istio");
      }
      return new Routing(rollout, canary, routing);
    }

    String ruleField() {
      return "spec.strategy.canary.trafficRouting.istio.destinationRule.name";
    }

    String virtualServiceField(int index) {
      return singleVirtualService
          ? "spec.strategy.canary.trafficRouting.istio.virtualService.name"
          : "spec.strategy.canary.trafficRouting.istio.virtualServices[" + index + "].name";
    }

    private static @Nullable String emptyToNull(@Nullable String value) {
      return value == null || value.isEmpty() ? null : value;
    }
  }

  /**
   * {@code name} or Argo's {@code name.namespace} form (a trailing {@code .cluster.local} is cut).
   */
  record ObjectName(String name, String namespace) {
    static ObjectName parse(String reference, String defaultNamespace) {
      String ref = reference;
      if (ref.endsWith(".cluster.local")) {
        ref = ref.substring(0, ref.length() - ".cluster.local".length());
      }
      int dot = ref.lastIndexOf('.');
      return dot < 0
          ? new ObjectName(ref, defaultNamespace)
          : new ObjectName(ref.substring(0, dot), ref.substring(dot + 1));
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }
}
