package io.trawl.rerank.listwise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An OpenAI-compatible {@code POST {base-url}/chat/completions} client (OpenAI, vLLM, llama.cpp
 * server, ...), greedy ({@code temperature=0}).
 *
 * <ul>
 *   <li>The API key is read from an environment variable named by {@code api-key-env} when a call
 *       is needed; it is sent only in the {@code Authorization} header and scrubbed from every
 *       message this class produces.
 *   <li>429 and 5xx answers and timeouts are retried up to {@code retries} times with exponential
 *       backoff ({@code backoffMs * 2^attempt}, or the server's {@code Retry-After} when longer).
 *   <li>At most {@code concurrency} requests are in flight.
 *   <li>With a {@link ResponseCache}, a request body seen before is answered from the cache with
 *       no HTTP call, so a re-run reproduces a run exactly and offline.
 * </ul>
 */
public final class OpenAiChatBackend implements ChatBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EXCERPT = 300;

  /** Settings; {@code apiKeyEnv} may be null or empty for servers that need no key. */
  public record Settings(String baseUrl, String model, String apiKeyEnv, Duration timeout,
      int retries, long backoffMs, int concurrency) {}

  private final Settings s;
  private final URI endpoint;
  private final Function<String, String> env;
  private final ResponseCache cache;
  private final HttpClient http;
  private final ExecutorService pool;
  private final AtomicLong httpCalls = new AtomicLong();
  private volatile String apiKey;

  public OpenAiChatBackend(Settings settings, ResponseCache cache) {
    this(settings, cache, System::getenv);
  }

  /** {@code env} looks up environment variables (tests pass a map). */
  public OpenAiChatBackend(Settings settings, ResponseCache cache, Function<String, String> env) {
    this.s = settings;
    this.env = env;
    this.cache = cache;
    if (settings.model() == null || settings.model().isEmpty()) {
      throw TrawlException.invalid("missing parameter 'model' (the model name the endpoint serves)");
    }
    if (settings.concurrency() < 1 || settings.retries() < 0) {
      throw TrawlException.invalid("concurrency must be >= 1 and retries >= 0");
    }
    String base = settings.baseUrl();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    try {
      this.endpoint = URI.create(base + "/chat/completions");
      if (endpoint.getScheme() == null || endpoint.getHost() == null
          || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw TrawlException.invalid("invalid base-url '" + settings.baseUrl() + "': " + e.getMessage());
    }
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
      Thread t = new Thread(r, "openai-client");
      t.setDaemon(true);
      return t;
    });
  }

  /** HTTP requests actually sent (cache hits send none). */
  public long httpCalls() {
    return httpCalls.get();
  }

  @Override
  public String describe() {
    return "backend=openai,model=" + s.model();
  }

  @Override
  public List<Completion> completeAll(List<Request> requests) {
    if (requests.size() == 1) {
      return List.of(complete(requests.get(0)));
    }
    List<Future<Completion>> futures = new ArrayList<>(requests.size());
    for (Request r : requests) {
      futures.add(pool.submit(() -> complete(r)));
    }
    List<Completion> out = new ArrayList<>(requests.size());
    for (Future<Completion> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        futures.forEach(x -> x.cancel(true));
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new TrawlException(TrawlException.RUNTIME, scrub(String.valueOf(e.getCause())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrawlException(TrawlException.RUNTIME, "interrupted");
      }
    }
    return out;
  }

  /** The exact JSON body sent for a request (also the cache key's input). */
  public String body(Request r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", s.model());
    ArrayNode msgs = o.putArray("messages");
    for (ChatMessage m : r.messages()) {
      msgs.addObject().put("role", m.role()).put("content", m.content());
    }
    o.put("temperature", 0);
    o.put("max_tokens", r.maxTokens() > 0 ? r.maxTokens() : 6 * r.passages() + 10);
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Completion complete(Request r) {
    String body = body(r);
    String key = ResponseCache.key(body);
    if (cache != null) {
      ResponseCache.Entry e = cache.get(key);
      if (e != null) {
        return new Completion(e.text(), e.promptTokens(), e.completionTokens(), 0, true, 0);
      }
    }
    String auth = apiKey();
    long t0 = System.nanoTime();
    int attempt = 0;
    while (true) {
      attempt++;
      HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
          .timeout(s.timeout())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (auth != null) {
        b.header("Authorization", "Bearer " + auth);
      }
      HttpResponse<String> resp;
      try {
        httpCalls.incrementAndGet();
        resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (HttpTimeoutException e) {
        if (attempt <= s.retries()) {
          sleep(backoff(attempt, null));
          continue;
        }
        throw new TrawlException(TrawlException.RUNTIME, "no answer from " + endpoint + " within "
            + s.timeout().toMillis() / 1000.0 + " s (" + attempt + " attempt(s)); raise timeout=");
      } catch (ConnectException e) {
        throw new TrawlException(TrawlException.RUNTIME, "cannot reach " + endpoint
            + ": connection refused or host unreachable; is the server running and base-url right?");
      } catch (IOException e) {
        if (attempt <= s.retries()) {
          sleep(backoff(attempt, null));
          continue;
        }
        throw new TrawlException(TrawlException.RUNTIME, "cannot reach " + endpoint + ": "
            + scrub(String.valueOf(e.getMessage())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrawlException(TrawlException.RUNTIME, "interrupted");
      }
      int code = resp.statusCode();
      if (code == 200) {
        Completion c = parse(resp.body(), (System.nanoTime() - t0) / 1_000_000, attempt);
        if (cache != null) {
          cache.put(key, new ResponseCache.Entry(c.text(), c.promptTokens(), c.completionTokens()));
        }
        return c;
      }
      if ((code == 429 || code >= 500) && attempt <= s.retries()) {
        sleep(backoff(attempt, resp.headers().firstValue("Retry-After").orElse(null)));
        continue;
      }
      if (code == 401 || code == 403) {
        throw TrawlException.invalid("HTTP " + code + " from " + endpoint + ": the API key was"
            + " rejected" + (s.apiKeyEnv() == null || s.apiKeyEnv().isEmpty() ? " (no key was sent;"
            + " set api-key-env=<VAR>)" : " (read from environment variable " + s.apiKeyEnv()
            + "; check its value)") + "; server said: " + excerpt(resp.body()));
      }
      throw new TrawlException(TrawlException.RUNTIME, "HTTP " + code + " from " + endpoint
          + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + excerpt(resp.body()));
    }
  }

  private Completion parse(String body, long latencyMs, int attempts) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "malformed JSON from " + endpoint + ": "
          + excerpt(body));
    }
    JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
    if (content == null || !content.isTextual()) {
      throw new TrawlException(TrawlException.RUNTIME, "unexpected answer from " + endpoint
          + " (no choices[0].message.content): " + excerpt(body));
    }
    JsonNode usage = root.path("usage");
    return new Completion(content.asText(), usage.path("prompt_tokens").asInt(-1),
        usage.path("completion_tokens").asInt(-1), latencyMs, false, attempts);
  }

  private String apiKey() {
    String name = s.apiKeyEnv();
    if (name == null || name.isEmpty()) {
      return null;
    }
    String k = apiKey;
    if (k == null) {
      k = env.apply(name);
      if (k == null || k.isBlank()) {
        throw TrawlException.invalid("environment variable " + name + " (api-key-env) is not set;"
            + " export it, or pass api-key-env= for a server that needs no key");
      }
      apiKey = k = k.strip();
    }
    return k;
  }

  private long backoff(int attempt, String retryAfter) {
    long ms = s.backoffMs() * (1L << Math.min(attempt - 1, 16));
    if (retryAfter != null) {
      try {
        ms = Math.max(ms, Math.min(60_000, (long) (Double.parseDouble(retryAfter.trim()) * 1000)));
      } catch (NumberFormatException e) {
        // an HTTP date: keep our own backoff
      }
    }
    return ms;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "interrupted");
    }
  }

  private String excerpt(String body) {
    String t = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    if (t.length() > MAX_EXCERPT) {
      t = t.substring(0, MAX_EXCERPT) + "...";
    }
    return scrub(t.isEmpty() ? "(empty body)" : t);
  }

  /** Removes the API key (and any 8+ character piece of it) from a message. */
  String scrub(String text) {
    String k = apiKey;
    if (k == null || k.isEmpty() || text == null) {
      return text;
    }
    String out = text.replace(k, "***");
    if (k.length() >= 8) {
      for (int len = k.length() - 1; len >= 8; len--) {
        for (int i = 0; i + len <= k.length(); i++) {
          String piece = k.substring(i, i + len);
          if (out.contains(piece)) {
            out = out.replace(piece, "***");
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    if (cache != null) {
      cache.close();
    }
  }
}
