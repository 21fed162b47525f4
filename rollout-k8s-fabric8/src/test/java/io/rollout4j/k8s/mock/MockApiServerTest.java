package io.rollout4j.k8s.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MockApiServerTest {

  /** A server-side WebSocket whose close blocks until released, as a stalled event write does. */
  private static final class StalledSocket implements WebSocket {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicReference<String> closedOn = new AtomicReference<>();

    @Override
    public RecordedRequest request() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean send(String text) {
      return true;
    }

    @Override
    public boolean send(byte[] bytes) {
      return true;
    }

    @Override
    public boolean close(int code, String reason) {
      closedOn.set(Thread.currentThread().getName());
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closed.countDown();
      return true;
    }
  }

  @Test
  @Timeout(20) // without the fix the close callback blocks the caller (the event loop) for good
  void aClosingWatchNeverBlocksTheThreadThatReportsTheClose() throws Exception {
    WatchSafeCrudDispatcher dispatcher = new WatchSafeCrudDispatcher();
    MockResponse response = dispatcher.handleWatch("/api/v1/namespaces/a/configmaps?watch=true");
    WebSocketListener listener = response.getWebSocketListener();
    StalledSocket socket = new StalledSocket();
    listener.onOpen(socket, response);

    listener.onClosed(socket, 1000, "client stopped watching");

    assertThat(socket.closed.getCount()).as("the close is still in progress elsewhere").isOne();
    socket.release.countDown();
    assertThat(socket.closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(socket.closedOn.get()).isEqualTo("mock-api-server-watch-close");
    dispatcher.shutdown();
  }

  @Test
  void informersStoppedWhileEventsAreStillBeingDeliveredLeaveAServerThatServesAndCloses() {
    try (MockApiServer api = MockApiServer.start()) {
      KubernetesClient writer = api.newClient();
      for (int round = 0; round < 10; round++) {
        String namespace = "round-" + round;
        try (KubernetesClient watching = api.newClient()) {
          SharedIndexInformer<ConfigMap> informer =
              watching.configMaps().inNamespace(namespace).inform();
          for (int i = 0; i < 100; i++) {
            writer
                .configMaps()
                .inNamespace(namespace)
                .resource(
                    new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("c" + i)
                        .endMetadata()
                        .build())
                .create();
          }
          // The watch usually lags the writes here: events are in flight as it closes.
          informer.stop();
        }
        assertThat(writer.configMaps().inNamespace(namespace).list().getItems()).hasSize(100);
      }
      assertThat(
              writer
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName("rollouts.argoproj.io")
                  .get())
          .as("the CRDs are installed")
          .isNotNull();
    }
  }
}
