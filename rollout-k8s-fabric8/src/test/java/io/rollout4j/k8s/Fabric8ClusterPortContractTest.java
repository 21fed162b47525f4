package io.rollout4j.k8s;

import io.rollout4j.k8s.mock.MockApiServer;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.testkit.ClusterPortContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The testkit's ClusterPort contract on an in-process API server with the shipped CRDs, with reads
 * from informers (as the controller runs it) and straight from the API server.
 */
class Fabric8ClusterPortContractTest {

  @Nested
  class WithInformers extends ClusterPortContract {
    private MockApiServer api;
    private Fabric8ClusterPort port;

    @Override
    protected ClusterPort createPort() {
      api = MockApiServer.start();
      port = Fabric8ClusterPort.builder(api.newClient()).build().start();
      return port;
    }

    @AfterEach
    void stop() {
      port.close();
      api.close();
    }
  }

  @Nested
  class Direct extends ClusterPortContract {
    private MockApiServer api;

    @Override
    protected ClusterPort createPort() {
      api = MockApiServer.start();
      return Fabric8ClusterPort.builder(api.newClient()).informers(false).build();
    }

    @AfterEach
    void stop() {
      api.close();
    }
  }
}
