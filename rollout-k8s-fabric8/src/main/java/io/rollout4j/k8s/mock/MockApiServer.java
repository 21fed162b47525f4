package io.rollout4j.k8s.mock;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.rollout4j.k8s.ControllerManifests;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API server in this process: fabric8's mock server in CRUD mode on a free loopback
 * port, with Rollout4j's (Argo-compatible) CRDs installed, so a {@link
 * io.rollout4j.k8s.RolloutController} runs against it as against a cluster, watches included.
 *
 * <p>Unlike a plain {@code KubernetesMockServer}, stopping informers while objects change never
 * stalls it (see the dispatcher's note), so closing a controller and then the server is reliable.
 * One race of fabric8's remains: a write that lands in the instant a watch on its kind closes can
 * fail (the server answers 500; the client's retry then reports 409 on a create), so stop informers
 * when no other client is writing. Like fabric8's, it does not check resourceVersions on {@code
 * /status} writes, has no garbage collector and runs no pods: pair it with the testkit's {@code
 * ReplicaSetSimulator}.
 *
 * <pre>{@code
 * try (MockApiServer api = MockApiServer.start()) {
 *   KubernetesClient client = api.newClient();
 *   // create the objects, build a RolloutController on client, drive it ...
 * }
 * }</pre>
 */
public final class MockApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  private final List<KubernetesClient> clients = new ArrayList<>();

  private MockApiServer(KubernetesMockServer server) {
    this.server = server;
  }

  /** Starts a server with the CRDs of {@link ControllerManifests#crds()} installed. */
  public static MockApiServer start() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new WatchSafeCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    MockApiServer api = new MockApiServer(server);
    try {
      api.apply(ControllerManifests.crds());
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  /** Creates every object of a (multi-document) YAML or JSON manifest, e.g. more CRDs. */
  public void apply(String manifest) {
    KubernetesClient client = newClient();
    for (HasMetadata item :
        client.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(item).create();
    }
  }

  /** A new client of this server; closed by {@link #close()} if the caller has not closed it. */
  public synchronized KubernetesClient newClient() {
    KubernetesClient client = server.createClient();
    clients.add(client);
    return client;
  }

  /** fabric8's server, for recorded requests ({@code takeRequest}) and expectations. */
  public KubernetesMockServer server() {
    return server;
  }

  /** Closes the clients it created (stopping their watches), then the server. */
  @Override
  public synchronized void close() {
    clients.forEach(KubernetesClient::close);
    clients.clear();
    server.destroy();
  }
}
