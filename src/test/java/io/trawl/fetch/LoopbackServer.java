package io.trawl.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 (ephemeral port) for the fetch tests: serves byte arrays by path,
 * honours {@code Range: bytes=N-} with 206, answers 404 for anything else, and has two faults: a
 * path that stalls after the headers (a bounded sleep) and a path whose first response is cut
 * after half the body. Daemon threads; {@link #close()} stops it.
 */
public final class LoopbackServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, String> stalled = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cutOnce = new ConcurrentHashMap<>();
  private final Map<String, Boolean> slow = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  public LoopbackServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "loopback-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public LoopbackServer file(String path, byte[] bytes) {
    files.put(path, bytes);
    return this;
  }

  byte[] body(String path) {
    return files.get(path);
  }

  /** Sends headers and a few bytes of {@code path}, then sleeps (5 s). */
  LoopbackServer stall(String path, byte[] bytes) {
    files.put(path, bytes);
    stalled.put(path, "");
    return this;
  }

  /** The first GET of {@code path} sends half the body and closes the connection. */
  LoopbackServer cutFirst(String path, byte[] bytes) {
    files.put(path, bytes);
    cutOnce.put(path, true);
    return this;
  }

  /** Serves {@code path} 32 KB at a time with 40 ms between (honouring Range) until {@link #fast}. */
  LoopbackServer slow(String path, byte[] bytes) {
    files.put(path, bytes);
    slow.put(path, true);
    return this;
  }

  /** Serves {@code path} at full speed from now on. */
  LoopbackServer fast(String path) {
    slow.remove(path);
    return this;
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath() + (x.getRequestURI().getRawQuery() == null ? ""
        : "?" + x.getRequestURI().getRawQuery());
    String range = x.getRequestHeaders().getFirst("Range");
    requests.add(path + (range == null ? "" : " " + range));
    byte[] body = files.get(path);
    try (x) {
      if (body == null) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      if (stalled.containsKey(path)) {
        x.sendResponseHeaders(200, body.length);
        OutputStream o = x.getResponseBody();
        o.write(body, 0, Math.min(10, body.length));
        o.flush();
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      int from = 0;
      if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
        from = Integer.parseInt(range.substring(6, range.length() - 1));
      }
      if (from > body.length) {
        x.sendResponseHeaders(416, -1);
        return;
      }
      if (cutOnce.remove(path) != null) {
        x.sendResponseHeaders(200, body.length);
        OutputStream o = x.getResponseBody();
        o.write(body, 0, body.length / 2);
        o.flush();
        // close the socket under the response: the client sees the body end early
        throw new IOException("cut on purpose");
      }
      if (from > 0) {
        x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        x.sendResponseHeaders(206, body.length - from);
      } else {
        x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      }
      OutputStream o = x.getResponseBody();
      for (int at = from; at < body.length; at += 32 << 10) {
        o.write(body, at, Math.min(32 << 10, body.length - at));
        if (slow.containsKey(path)) {
          o.flush();
          try {
            Thread.sleep(40);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
