package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible backend against a local HTTP server on 127.0.0.1. */
class RankGptOpenAiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-test-SECRET-0123456789abcdef";

  @TempDir Path dir;
  HttpServer server;
  final AtomicInteger calls = new AtomicInteger();
  final List<String> authHeaders = new CopyOnWriteArrayList<>();
  /** What the server does for call number n (1-based): status, body, delay. */
  volatile Behaviour behaviour = n -> new Answer(200, null, 0);

  record Answer(int status, String body, long delayMs) {}

  interface Behaviour {
    Answer on(int call);
  }

  String start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  void handle(HttpExchange ex) throws IOException {
    int n = calls.incrementAndGet();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    authHeaders.add(auth == null ? "" : auth);
    JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
    Answer a = behaviour.on(n);
    if (a.delayMs() > 0) {
      try {
        Thread.sleep(a.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String body = a.body() != null ? a.body() : reverseAnswer(req);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    if (a.status() == 429) {
      ex.getResponseHeaders().add("Retry-After", "0");
    }
    ex.sendResponseHeaders(a.status(), bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  /** A fake model: ranks the passages of the prompt in reverse ("[n] > ... > [1]"). */
  static String reverseAnswer(JsonNode req) throws IOException {
    int n = 0;
    for (JsonNode m : req.path("messages")) {
      if (m.path("role").asText().equals("user") && m.path("content").asText().matches("(?s)\\[\\d+\\] .*")) {
        n++;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = n; i >= 1; i--) {
      sb.append(sb.isEmpty() ? "" : " > ").append('[').append(i).append(']');
    }
    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("choices", List.of(Map.of("message", Map.of("role", "assistant", "content", sb.toString()))));
    resp.put("usage", Map.of("prompt_tokens", 100 + n, "completion_tokens", 4 * n));
    return JSON.writeValueAsString(resp);
  }

  static RankedList list(String qid, int n) {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      c.add(new Candidate("d" + qid + "_" + i, 100.0 - i, "passage " + i + " about [" + i + "] things"));
    }
    return new RankedList(qid, c);
  }

  RankGptReranker reranker(String base, String extra, Map<String, String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("backend", "openai");
    m.put("base-url", base);
    m.put("model", "fake-model");
    m.put("api-key-env", "OPENAI_API_KEY");
    m.put("cache", dir.resolve("cache.jsonl").toString());
    m.put("log", dir.resolve("calls.jsonl").toString());
    m.put("backoff-ms", "5");
    m.put("retries", "2");
    m.put("timeout", "5");
    for (String kv : extra.isEmpty() ? new String[0] : extra.split(",")) {
      String[] p = kv.split("=", 2);
      m.put(p[0], p[1]);
    }
    Params params = new Params(m);
    // build the real backend from the same params, with the test's environment
    OpenAiChatBackend backend = new OpenAiChatBackend(new OpenAiChatBackend.Settings(m.get("base-url"),
        m.get("model"), m.get("api-key-env"), java.time.Duration.ofMillis(
            (long) (Double.parseDouble(m.get("timeout")) * 1000)), Integer.parseInt(m.get("retries")),
        5, 2), new ResponseCache(Path.of(m.get("cache"))), env::get);
    return new RankGptReranker(params, backend);
  }

  static String runText(List<RankedList> lists, String tag) {
    StringBuilder sb = new StringBuilder();
    for (RankedList l : lists) {
      for (int i = 0; i < l.size(); i++) {
        sb.append(l.queryId()).append(" Q0 ").append(l.get(i).docId()).append(' ').append(i + 1)
            .append(' ').append(l.get(i).score()).append(' ').append(tag).append('\n');
      }
    }
    return sb.toString();
  }

  /** Expected order: reverse each window, bottom window first. */
  static List<String> simulate(RankedList in, int window, int stride) {
    List<String> ids = new ArrayList<>();
    in.candidates().forEach(c -> ids.add(c.docId()));
    for (SlidingWindow.Range r : new SlidingWindow(window, stride, 100).ranges(ids.size())) {
      java.util.Collections.reverse(ids.subList(r.start(), r.end()));
    }
    return ids;
  }

  @Test
  void reranksThenReproducesFromCacheWithZeroCalls() throws Exception {
    String base = start();
    List<Query> qs = List.of(new Query("1", "what is x"), new Query("2", "why y"));
    List<RankedList> in = List.of(list("1", 30), list("2", 7));
    String first;
    try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
      List<RankedList> out = r.rerankAll(qs, in);
      for (int q = 0; q < 2; q++) {
        assertTrue(out.get(q).isMonotone());
        List<String> got = out.get(q).candidates().stream().map(Candidate::docId).toList();
        assertEquals(simulate(in.get(q), 20, 10), got);
        assertEquals(in.get(q).get(0).score(), out.get(q).get(0).score());
      }
      assertEquals("windows=3, ok=3, wrong_format=0, repetition=0, missing_ids=0, out_of_range=0",
          r.stats().toString());
      first = runText(out, r.spec());
    }
    assertEquals(3, calls.get());
    assertTrue(authHeaders.stream().allMatch(("Bearer " + KEY)::equals));
    String log = Files.readString(dir.resolve("calls.jsonl"));
    assertFalse(log.contains(KEY) || Files.readString(dir.resolve("cache.jsonl")).contains(KEY));
    List<String> lines = log.lines().toList();
    assertEquals(4, lines.size());
    JsonNode call = JSON.readTree(lines.get(0));
    assertEquals("call", call.path("type").asText());
    assertEquals(120, call.path("prompt_tokens").asInt());
    assertTrue(call.path("prompt").get(3).path("content").asText().contains("about (10) things"));
    JsonNode summary = JSON.readTree(lines.get(3));
    assertEquals(3, summary.path("parse").path("ok").asInt());
    assertEquals(3, summary.path("http_calls").asInt());

    // offline re-run: the server is gone, no key is set, and the run is byte-identical
    server.stop(0);
    server = null;
    try (RankGptReranker r = reranker(base, "", Map.of())) {
      String again = runText(r.rerankAll(qs, in), r.spec());
      assertEquals(first, again);
    }
    assertEquals(3, calls.get());
    JsonNode summary2 = JSON.readTree(Files.readString(dir.resolve("calls.jsonl")).lines()
        .reduce((a, b) -> b).orElseThrow());
    assertEquals(0, summary2.path("http_calls").asInt());
  }

  @Test
  void retries429ThenSucceeds() throws Exception {
    String base = start();
    behaviour = n -> n == 1 ? new Answer(429, "{\"error\":\"slow down\"}", 0) : new Answer(200, null, 0);
    try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
      assertEquals(0, r.rerank(new Query("1", "q"), RankedList.empty("1")).size());
      RankedList out = r.rerank(new Query("1", "q"), list("1", 5));
      assertEquals(List.of("d1_4", "d1_3", "d1_2", "d1_1", "d1_0"),
          out.candidates().stream().map(Candidate::docId).toList());
    }
    assertEquals(2, calls.get());
    JsonNode call = JSON.readTree(Files.readString(dir.resolve("calls.jsonl")).lines().findFirst().orElseThrow());
    assertEquals(2, call.path("attempts").asInt());
  }

  @Test
  void persistent500FailsAfterRetries() throws Exception {
    String base = start();
    behaviour = n -> new Answer(500, "{\"error\":\"boom\"}", 0);
    TrawlException e = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertEquals(TrawlException.RUNTIME, e.exitCode());
    assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("after 3 attempts")
        && e.getMessage().contains("boom"), e.getMessage());
    assertEquals(3, calls.get());
  }

  @Test
  void timeout() throws Exception {
    String base = start();
    behaviour = n -> new Answer(200, null, 1500);
    TrawlException e = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "timeout=0.2,retries=0", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertTrue(e.getMessage().contains("no answer") && e.getMessage().contains("timeout="), e.getMessage());
  }

  @Test
  void malformedJson() throws Exception {
    String base = start();
    behaviour = n -> new Answer(200, "{\"choices\": [", 0);
    TrawlException e = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    behaviour = n -> new Answer(200, "{\"choices\": []}", 0);
    TrawlException e2 = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertTrue(e2.getMessage().contains("choices[0].message.content"), e2.getMessage());
  }

  @Test
  void invalidKeyMessageNeverShowsTheKey() throws Exception {
    String base = start();
    behaviour = n -> new Answer(401, "{\"error\":{\"message\":\"Incorrect API key provided: "
        + KEY.substring(0, 12) + "*****cdef. You can find your API key at ...\"}}", 0);
    TrawlException e = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("401") && e.getMessage().contains("OPENAI_API_KEY"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY.substring(0, 12)), e.getMessage());
    assertEquals(1, calls.get(), "401 is not retried");
    TrawlException missing = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker(base, "cache=" + dir.resolve("c2"), Map.of())) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertTrue(missing.getMessage().contains("OPENAI_API_KEY") && missing.getMessage().contains("not set"));
  }

  @Test
  void unreachableEndpoint() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    TrawlException e = assertThrows(TrawlException.class, () -> {
      try (RankGptReranker r = reranker("http://127.0.0.1:" + port + "/v1", "", Map.of("OPENAI_API_KEY", KEY))) {
        r.rerank(new Query("1", "q"), list("1", 5));
      }
    });
    assertTrue(e.getMessage().contains("cannot reach") && !e.getMessage().contains(KEY), e.getMessage());
  }

  @Test
  void concurrencyAcrossQueriesAndSpec() throws Exception {
    String base = start();
    List<Query> qs = new ArrayList<>();
    List<RankedList> in = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      qs.add(new Query("q" + i, "query " + i));
      in.add(list("q" + i, 3));
    }
    try (RankGptReranker r = reranker(base, "template=rankzephyr", Map.of("OPENAI_API_KEY", KEY))) {
      List<RankedList> out = r.rerankAll(qs, in);
      assertEquals(6, out.size());
      // rankzephyr is single-turn: the fake model finds no "[i] " user turns, answers nothing
      assertEquals(6, r.stats().asMap().get("wrong_format"));
      assertEquals(new HashSet<>(in.get(0).candidates()).size(), out.get(0).size());
      assertEquals("rankgpt(backend=openai,model=fake-model,base-url=" + base + ",template=rankzephyr,"
          + "window=20,stride=10,depth=100,words=300,max-tokens=0)", r.spec());
      assertFalse(r.spec().contains(KEY));
    }
  }
}
