package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures: a chat model folder made of the golden llama-tiny weights (random, HF-verified),
 * the real Llama-2 SentencePiece tokenizer (same 32000 vocabulary) and Zephyr's chat template; and
 * the first queries of the DL19 BM25 top-100 in RankGPT's retrieve-results JSON.
 */
public final class TinyLlm {
  static final Path SHARED = Path.of(System.getProperty("trawl.shared", "../shared"));
  static final String ZEPHYR = io.trawl.model.llm.ChatTemplateTest.ZEPHYR;

  private TinyLlm() {}

  static Path folder(Path tmp, String name, int maxPositions) throws Exception {
    return folder(tmp, name, maxPositions, ZEPHYR);
  }

  /** The tiny chat model folder with another chat template. */
  public static Path folder(Path tmp, String name, int maxPositions, String chatTemplate) throws Exception {
    Path golden = SHARED.resolve("golden/llama-tiny");
    Path sp = SHARED.resolve("golden/tokenizers/llama2/tokenizer.model");
    assumeTrue(Files.isRegularFile(golden.resolve("model.safetensors")) && Files.isRegularFile(sp),
        "golden llama-tiny or the llama2 tokenizer is missing under " + SHARED);
    Path dir = Files.createDirectories(tmp.resolve(name));
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = (ObjectNode) json.readTree(golden.resolve("config.json").toFile());
    cfg.put("max_position_embeddings", maxPositions);
    json.writeValue(dir.resolve("config.json").toFile(), cfg);
    Files.createSymbolicLink(dir.resolve("model.safetensors"), golden.resolve("model.safetensors").toAbsolutePath());
    Files.copy(sp, dir.resolve("tokenizer.model"));
    Map<String, Object> tc = new LinkedHashMap<>();
    tc.put("bos_token", "<s>");
    tc.put("eos_token", "</s>");
    tc.put("chat_template", chatTemplate);
    json.writeValue(dir.resolve("tokenizer_config.json").toFile(), tc);
    return dir;
  }

  /** The tiny chat model with Zephyr's template and 4096 positions, in {@code dir/tiny-chat}. */
  public static Path chatModel(Path dir) throws Exception {
    return folder(dir, "tiny-chat", 4096, ZEPHYR);
  }

  record Topics(List<Query> queries, List<RankedList> lists) {}

  /** The first {@code n} DL19 queries with their BM25 top-100 (text included). */
  static Topics dl19(int n) throws Exception {
    Path f = SHARED.resolve("data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json");
    assumeTrue(Files.isRegularFile(f), "missing " + f);
    JsonNode root = new ObjectMapper().readTree(f.toFile());
    List<Query> qs = new ArrayList<>();
    List<RankedList> ls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonNode e = root.get(i);
      String qid = e.path("hits").get(0).path("qid").asText();
      qs.add(new Query(qid, e.path("query").asText()));
      List<Candidate> c = new ArrayList<>();
      for (JsonNode h : e.path("hits")) {
        c.add(new Candidate(h.path("docid").asText(), h.path("score").asDouble(), h.path("content").asText()));
      }
      ls.add(new RankedList(qid, c));
    }
    return new Topics(qs, ls);
  }
}
