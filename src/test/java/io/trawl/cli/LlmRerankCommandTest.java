package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trawl rerank} with rankgpt (local model), first and icr on the DL19 BM25 top-100
 * (first 2 queries, full 100 candidates each) with a tiny random Llama chat model: complete,
 * strictly score-monotone TREC runs. Passages are cut to few words to keep the test short.
 */
class LlmRerankCommandTest {
  static final Path SHARED = Path.of(System.getProperty("trawl.shared", "../shared"));
  @TempDir static Path tmp;
  static Path model;
  static Path input;
  static Map<String, Set<String>> inputDocs = new java.util.HashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    Path golden = SHARED.resolve("golden/llama-tiny");
    Path sp = SHARED.resolve("golden/tokenizers/llama2/tokenizer.model");
    Path dl19 = SHARED.resolve("data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json");
    assumeTrue(Files.isRegularFile(golden.resolve("model.safetensors")) && Files.isRegularFile(sp)
        && Files.isRegularFile(dl19), "shared golden model, tokenizer or DL19 data missing");
    ObjectMapper json = new ObjectMapper();
    model = Files.createDirectories(tmp.resolve("tiny-chat"));
    ObjectNode cfg = (ObjectNode) json.readTree(golden.resolve("config.json").toFile());
    cfg.put("max_position_embeddings", 16384);
    json.writeValue(model.resolve("config.json").toFile(), cfg);
    Files.createSymbolicLink(model.resolve("model.safetensors"), golden.resolve("model.safetensors").toAbsolutePath());
    Files.copy(sp, model.resolve("tokenizer.model"));
    json.writeValue(model.resolve("tokenizer_config.json").toFile(), Map.of("bos_token", "<s>",
        "eos_token", "</s>", "chat_template", io.trawl.model.llm.ChatTemplateTest.ZEPHYR));
    ArrayNode all = (ArrayNode) json.readTree(dl19.toFile());
    ArrayNode two = json.createArrayNode();
    for (int i = 0; i < 2; i++) {
      two.add(all.get(i));
      Set<String> ids = new HashSet<>();
      all.get(i).path("hits").forEach(h -> ids.add(h.path("docid").asText()));
      inputDocs.put(all.get(i).path("hits").get(0).path("qid").asText(), ids);
    }
    input = tmp.resolve("dl19-2q.json");
    json.writeValue(input.toFile(), two);
  }

  static Map<String, List<String[]>> rerank(String spec, String name) throws Exception {
    Path out = tmp.resolve(name + ".txt");
    RerankCommandTest.Result r = RerankCommandTest.run("rerank", "--reranker", spec, "-i",
        input.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, List<String[]>> run = RerankCommandTest.checkRun(out);
    assertEquals(inputDocs.keySet(), run.keySet());
    for (var e : run.entrySet()) {
      assertEquals(100, e.getValue().size());
      Set<String> docs = new HashSet<>();
      e.getValue().forEach(f -> docs.add(f[2]));
      assertEquals(inputDocs.get(e.getKey()), docs, "a permutation of the input");
    }
    return run;
  }

  @Test
  void rankGptLocal() throws Exception {
    Path log = tmp.resolve("rankgpt.calls.jsonl");
    rerank("rankgpt(backend=local,model=\"" + model + "\",template=rankzephyr,words=25,max-tokens=6,"
        + "threads=1,log=\"" + log + "\")", "rankgpt");
    List<String> lines = Files.readAllLines(log);
    assertEquals(2 * 9 + 1, lines.size(), "9 windows per query + summary");
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals(80, first.path("window").get(0).asInt());
    assertTrue(first.path("prompt").get(1).path("content").asText()
        .startsWith("I will provide you with 20 passages, each indicated by a numerical identifier"));
    JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals(18, summary.path("parse").path("windows").asInt());
  }

  @Test
  void first() throws Exception {
    rerank("first(model=\"" + model + "\",words=25,threads=1)", "first");
  }

  @Test
  void icr() throws Exception {
    Map<String, List<String[]>> run = rerank("icr(model=\"" + model + "\",words=20,threads=1)", "icr");
    String q = run.keySet().iterator().next();
    // attention scores reorder the list (a random model still attends unevenly)
    assertNotEquals(List.copyOf(orderOf(input, q)), run.get(q).stream().map(f -> f[2]).toList());
  }

  static List<String> orderOf(Path file, String qid) throws Exception {
    for (JsonNode e : new ObjectMapper().readTree(file.toFile())) {
      if (e.path("hits").get(0).path("qid").asText().equals(qid)) {
        List<String> ids = new java.util.ArrayList<>();
        e.path("hits").forEach(h -> ids.add(h.path("docid").asText()));
        return ids;
      }
    }
    throw new AssertionError(qid);
  }
}
