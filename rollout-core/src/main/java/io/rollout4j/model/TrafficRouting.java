package io.rollout4j.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code canary.trafficRouting}. Istio is typed; the other routers are kept as the JSON-like trees
 * the user wrote, so their manifests round-trip even though Rollout4j does not drive them.
 */
public record TrafficRouting(
    @Nullable IstioTrafficRouting istio,
    @Nullable Map<String, Object> nginx,
    @Nullable Map<String, Object> alb,
    @Nullable Map<String, Object> smi,
    @Nullable Map<String, Object> ambassador,
    @Nullable Map<String, Object> appMesh,
    @Nullable Map<String, Object> traefik,
    @Nullable Map<String, Object> apisix,
    @Nullable Map<String, Object> plugins,
    List<ManagedRoute> managedRoutes,
    @Nullable Integer maxTrafficWeight) {

  public static final int DEFAULT_MAX_TRAFFIC_WEIGHT = 100;

  public TrafficRouting {
    nginx = nginx == null ? null : Immutables.jsonMap(nginx);
    alb = alb == null ? null : Immutables.jsonMap(alb);
    smi = smi == null ? null : Immutables.jsonMap(smi);
    ambassador = ambassador == null ? null : Immutables.jsonMap(ambassador);
    appMesh = appMesh == null ? null : Immutables.jsonMap(appMesh);
    traefik = traefik == null ? null : Immutables.jsonMap(traefik);
    apisix = apisix == null ? null : Immutables.jsonMap(apisix);
    plugins = plugins == null ? null : Immutables.jsonMap(plugins);
    managedRoutes = Immutables.list(managedRoutes);
  }

  public static TrafficRouting istio(IstioTrafficRouting istio) {
    return new TrafficRouting(
        istio, null, null, null, null, null, null, null, null, List.of(), null);
  }

  public int effectiveMaxTrafficWeight() {
    return maxTrafficWeight == null ? DEFAULT_MAX_TRAFFIC_WEIGHT : maxTrafficWeight;
  }

  /** Names of the routers configured, in Argo's field order. */
  public List<String> routers() {
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    if (istio != null) {
      names.add("istio");
    }
    if (nginx != null) {
      names.add("nginx");
    }
    if (alb != null) {
      names.add("alb");
    }
    if (smi != null) {
      names.add("smi");
    }
    if (ambassador != null) {
      names.add("ambassador");
    }
    if (appMesh != null) {
      names.add("appMesh");
    }
    if (traefik != null) {
      names.add("traefik");
    }
    if (apisix != null) {
      names.add("apisix");
    }
    if (plugins != null) {
      names.add("plugins");
    }
    return List.copyOf(names);
  }

  /**
   * The routers a MeshPort must serve for this rollout: {@link #routers()} with {@code plugins}
   * replaced by the name of each plugin configured under it.
   */
  public List<String> routerIds() {
    java.util.ArrayList<String> ids = new java.util.ArrayList<>();
    for (String router : routers()) {
      if (router.equals("plugins") && plugins != null && !plugins.isEmpty()) {
        ids.addAll(plugins.keySet());
      } else {
        ids.add(router);
      }
    }
    return List.copyOf(ids);
  }

  /** A route the controller may create, delete and order ({@code managedRoutes[].name}). */
  public record ManagedRoute(String name) {}
}
