package io.rollout4j.k8s;

import io.rollout4j.k8s.mock.MockApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test on the seed cluster: Bookinfo deployed and Healthy on revision 1 under one controller, one
 * virtual minute in; everything stopped afterwards.
 */
abstract class SeedClusterTest {
  MockApiServer api;
  SeedCluster seed;

  @BeforeEach
  void deploy() throws Exception {
    api = MockApiServer.start();
    seed = new SeedCluster(api);
    seed.startController();
    seed.advance(Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() {
    seed.close();
    api.close();
  }

  /** The mesh states of the Bookinfo canary from hash h1 to h2 (its ten steps), in order. */
  static List<SeedCluster.MeshState> canaryStates(String h1, String h2) {
    return List.of(
        new SeedCluster.MeshState(100, 0, h1, h1),
        new SeedCluster.MeshState(90, 10, h1, h2),
        new SeedCluster.MeshState(80, 20, h1, h2),
        new SeedCluster.MeshState(60, 40, h1, h2),
        new SeedCluster.MeshState(40, 60, h1, h2),
        new SeedCluster.MeshState(20, 80, h1, h2),
        new SeedCluster.MeshState(0, 100, h1, h2),
        new SeedCluster.MeshState(100, 0, h2, h2));
  }
}
