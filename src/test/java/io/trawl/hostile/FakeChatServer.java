package io.trawl.hostile;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A local OpenAI-compatible {@code /v1/chat/completions} endpoint for tests: answers every request
 * with the permutation {@code [2] > [1]} and records the Authorization header of each. With
 * {@link #holdFirst()}, the first request waits until {@link #release()}.
 */
final class FakeChatServer implements AutoCloseable {
  private final HttpServer server;
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final CountDownLatch first = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean hold;

  FakeChatServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      boolean wasFirst = first.getCount() > 0;
      first.countDown();
      if (hold && wasFirst) {
        try {
          released.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"[2] > [1]\"}}],"
          + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  /** The base URL to give as {@code base-url}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Makes the first request wait for {@link #release()}. */
  FakeChatServer holdFirst() {
    hold = true;
    return this;
  }

  /** Waits until the first request has arrived. */
  boolean awaitFirst(long seconds) throws InterruptedException {
    return first.await(seconds, TimeUnit.SECONDS);
  }

  void release() {
    released.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
