package io.trawl.rerank.pointwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.rerank.llm.TinyLlm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pointwise LLM rerankers against Hugging Face transformers (eager, float32, one prompt per
 * forward pass) on the golden tiny Llama (real Llama-2 SentencePiece model, Zephyr's chat template;
 * frames chat and plain) and the tiny Qwen2 (a byte-level BPE tokenizer.json made for its 1000-id
 * vocabulary; frame plain): the prompt text, its token ids, the answer-token ids, the logits each
 * scores with (yes/no, the label logits) or the query's token log-likelihoods (qlm), all within
 * 1e-4, the scores within 1e-4 and the final order, with the candidates of both queries in one
 * padded batch. Expected values written by {@code src/test/python/pointwise_llm_golden.py}; the
 * prompts' fixed text is also written below, as in llm-rankers' {@code pointwise.py} (b36517b) and
 * the "Beyond Yes and No" paper.
 */
class PointwiseLlmGoldenTest {
  static final double TOL = 1e-4;
  static final String RES = "/io/trawl/rerank/pointwise/";

  @TempDir static Path tmp;
  static JsonNode golden;
  static Path llama;
  static Path qwen;

  @BeforeAll
  static void setUp() throws Exception {
    io.trawl.model.llm.SingleThreaded.enter();
    try (InputStream in = PointwiseLlmGoldenTest.class.getResourceAsStream(RES + "pointwise-llm-golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    llama = TinyLlm.chatModel(tmp);
    qwen = qwenFolder(tmp.resolve("qwen2-tiny"));
  }

  @AfterAll
  static void restore() {
    io.trawl.model.llm.SingleThreaded.exit();
  }

  /** qwen2-tiny with the test's tokenizer.json (no BOS, as Qwen's) and no chat template. */
  static Path qwenFolder(Path dir) throws Exception {
    Path g = Path.of(System.getProperty("trawl.shared", "../shared")).resolve("golden/qwen2-tiny");
    assumeTrue(Files.isRegularFile(g.resolve("model.safetensors")), "golden qwen2-tiny is missing: " + g);
    Files.createDirectories(dir);
    Files.copy(g.resolve("config.json"), dir.resolve("config.json"));
    Files.createSymbolicLink(dir.resolve("model.safetensors"), g.resolve("model.safetensors").toAbsolutePath());
    try (InputStream in = PointwiseLlmGoldenTest.class.getResourceAsStream(RES + "qwen2-tiny-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode tc = json.createObjectNode();
    tc.put("eos_token", "<|im_end|>");
    json.writeValue(dir.resolve("tokenizer_config.json").toFile(), tc);
    return dir;
  }

  /** frame=plain needs no chat template (qwen's folder has none); frame=chat says how to give one. */
  @Test
  void plainFrameNeedsNoChatTemplate() {
    TrawlException e = assertThrows(TrawlException.class, () -> open("yesno", "qwen2-tiny", "chat"));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("no chat template") && e.getMessage().contains("chat-template="),
        e.getMessage());
    try (LlmPointwiseReranker r = open("yesno", "qwen2-tiny", "plain")) {
      assertEquals(null, r.rt.template());
    }
  }

  static LlmPointwiseReranker open(String method, String model, String frame) {
    Path folder = model.equals("llama-tiny") ? llama : qwen;
    Map<String, String> p = new LinkedHashMap<>();
    p.put("model", folder.toString());
    p.put("frame", frame);
    p.put("batch", "4");
    p.put("threads", "1");
    Params params = new Params(p);
    return switch (method) {
      case "yesno" -> new YesNoReranker(params);
      case "qlm" -> new QlmReranker(params);
      default -> new FineGrainedReranker(params);
    };
  }

  @Test
  void promptsAreTheAuthors() {
    assertEquals("Passage: d\nQuery: q\nDoes the passage answer the query? Answer 'Yes' or 'No'",
        YesNoReranker.format("q", "d"));
    assertEquals("Passage: d\nPlease write a question based on this passage.", QlmReranker.format("d"));
    assertEquals("From a scale of 0 to 4, judge the relevance between the query and the document.\n"
        + "Query: q\nDocument: d\nOutput:", FineGrainedReranker.format("q", "d", 4));
    try (LlmPointwiseReranker r = open("yesno", "llama-tiny", "chat")) {
      assertEquals("<|user|>\nPassage: Fleas live 20 days.\nQuery: flea life\nDoes the passage answer the"
          + " query? Answer 'Yes' or 'No'</s>\n<|assistant|>\n", r.modelText("flea life", "Fleas live 20 days."));
      // "▁Yes" and "▁No" in Llama-2's SentencePiece: the first of tokenizer.encode("Yes"), as llm-rankers
      assertArrayEquals(new int[] {3869, 1939}, ((YesNoReranker) r).answerIds());
      assertTrue(r.spec().startsWith("yesno(model="), r.spec());
      assertTrue(r.spec().endsWith(",frame=chat,query-tokens=128,passage-tokens=128,batch=4,device=cpu,"
          + "dtype=float32)"), r.spec());
    }
    try (LlmPointwiseReranker r = open("qlm", "llama-tiny", "plain")) {
      assertEquals("Passage: Fleas live 20 days.\nPlease write a question based on this passage.",
          r.modelText("flea life", "Fleas live 20 days."));
    }
    try (LlmPointwiseReranker r = open("finegrained", "qwen2-tiny", "plain")) {
      assertTrue(r.spec().contains(",passage-tokens=128,k=4,batch=4,"), r.spec());
    }
  }

  @TestFactory
  Stream<DynamicTest> asHuggingFace() {
    // cases come in (model, frame) groups of both queries
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (JsonNode c : golden.path("cases")) {
      groups.computeIfAbsent(c.path("model").asText() + " " + c.path("frame").asText(), x -> new ArrayList<>()).add(c);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (var g : groups.entrySet()) {
      for (String method : List.of("yesno", "qlm", "finegrained")) {
        tests.add(DynamicTest.dynamicTest(method + " " + g.getKey(), () -> check(method, g.getValue())));
      }
    }
    return tests.stream();
  }

  private static void check(String method, List<JsonNode> cases) {
    JsonNode first = cases.get(0);
    try (LlmPointwiseReranker r = open(method, first.path("model").asText(), first.path("frame").asText())) {
      List<Query> queries = new ArrayList<>();
      List<RankedList> lists = new ArrayList<>();
      for (int ci = 0; ci < cases.size(); ci++) {
        JsonNode c = cases.get(ci);
        String query = c.path("query").asText();
        JsonNode rows = c.path(method);
        List<Candidate> cands = new ArrayList<>();
        List<LlmPointwiseReranker.Row> batch = new ArrayList<>();
        int[] cont = r.continuation(r.truncate(query, r.queryTokens));
        if (method.equals("qlm")) {
          assertArrayEquals(ints(c.path("query_ids")), cont, "query ids");
        }
        for (int j = 0; j < rows.size(); j++) {
          String passage = c.path("passages").get(j).asText();
          cands.add(new Candidate("c" + ci + "-" + j, 100 - j, passage));
          assertEquals(rows.get(j).path("text").asText(), r.modelText(query, passage), "prompt " + j);
          int[] ids = r.promptIds(query, passage);
          assertArrayEquals(ints(rows.get(j).path("ids")), ids, "prompt ids " + j);
          batch.add(new LlmPointwiseReranker.Row(0, j, ids, cont));
        }
        // the logits (log-likelihoods) each score is made of, the query's candidates in one padded batch
        float[][] got;
        String field = "logits";
        switch (method) {
          case "yesno" -> {
            int[] yn = ((YesNoReranker) r).answerIds();
            assertArrayEquals(new int[] {c.path("yes_id").asInt(), c.path("no_id").asInt()}, yn, "Yes/No ids");
            got = r.answerLogits(batch, yn);
          }
          case "qlm" -> {
            got = r.continuationLogProbs(batch);
            field = "token_logprobs";
          }
          default -> {
            int[] labels = ((FineGrainedReranker) r).labelIds();
            assertArrayEquals(ints(c.path("label_ids")), labels, "label ids");
            got = r.answerLogits(batch, labels);
          }
        }
        for (int j = 0; j < rows.size(); j++) {
          close(rows.get(j).path(field), doubles(got[j]), method + " " + field + " of candidate " + j);
        }
        queries.add(new Query("q" + ci, query));
        lists.add(new RankedList("q" + ci, cands));
      }
      // scores and order through rerankAll: both queries' candidates batched together
      List<RankedList> out = r.rerankAll(queries, lists);
      for (int ci = 0; ci < cases.size(); ci++) {
        JsonNode c = cases.get(ci);
        List<String> wantOrder = new ArrayList<>();
        for (JsonNode i : c.path(method + "_order")) {
          wantOrder.add("c" + ci + "-" + i.asInt());
        }
        RankedList got = out.get(ci);
        assertEquals(wantOrder, got.candidates().stream().map(Candidate::docId).toList(), "order of query " + ci);
        for (Candidate cand : got.candidates()) {
          int j = Integer.parseInt(cand.docId().substring(cand.docId().indexOf('-') + 1));
          assertEquals(c.path(method).get(j).path("score").asDouble(), cand.score(), TOL, "score of " + cand.docId());
        }
      }
    }
  }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  static double[] doubles(float[] f) {
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  static void close(JsonNode want, double[] got, String what) {
    assertEquals(want.size(), got.length, what);
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      worst = Math.max(worst, Math.abs(want.get(i).asDouble() - got[i]));
    }
    assertTrue(worst <= TOL, what + ": max abs diff " + worst + " > " + TOL);
  }
}
