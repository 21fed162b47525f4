package io.rollout4j.k8s.mock;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * fabric8's CRUD dispatcher with watch closes handled off the server's event loop.
 *
 * <p>The stock watch listener, when a client closes a watch, waits on the event loop for its own
 * sender thread to finish; if that thread is at that moment writing an event, the write needs the
 * very event loop that is waiting, and both hang until the write gives up after 30 s. Meanwhile the
 * server cannot close (its own close times out after 10 s). Clients that stop informers while
 * objects change hit this about once in a few dozen closes. Running the close callbacks on a thread
 * of their own lets the pending write complete (or fail on the closed socket) first.
 */
final class WatchSafeCrudDispatcher extends KubernetesCrudDispatcher {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(WatchSafeCrudDispatcher.class);
  private final ExecutorService closer =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "mock-api-server-watch-close");
            thread.setDaemon(true);
            return thread;
          });

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    WebSocketListener listener = response.getWebSocketListener();
    return listener == null ? response : response.withWebSocketUpgrade(new OffLoop(listener));
  }

  @Override
  public void shutdown() {
    super.shutdown();
    closer.shutdown();
  }

  /** Forwards every callback; the closing ones (which may block) on the closer thread, in order. */
  private final class OffLoop extends WebSocketListener {
    private final WebSocketListener delegate;

    OffLoop(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      offLoop(() -> delegate.onClosing(webSocket, code, reason));
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      offLoop(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      offLoop(() -> delegate.onFailure(webSocket, failure, response));
    }

    private void offLoop(Runnable callback) {
      Runnable guarded =
          () -> {
            try {
              callback.run();
            } catch (RuntimeException e) {
              // The server stopped under the watch (its event loops rejected the close): gone
              // anyway.
              LOG.debug("watch close after the server stopped: {}", e.toString());
            }
          };
      try {
        closer.execute(guarded);
      } catch (java.util.concurrent.RejectedExecutionException serverClosed) {
        guarded.run();
      }
    }
  }
}
