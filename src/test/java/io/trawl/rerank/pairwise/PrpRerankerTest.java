package io.trawl.rerank.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.Golden;
import io.trawl.rerank.llm.TinyLlm;
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PRP against Hugging Face transformers and llm-rankers' own sorting code on the golden tiny Llama
 * with the Llama-2 tokenizer and Zephyr's chat template ({@code prp-golden.json}, made by {@code
 * src/test/python/prp_golden.py}): the prompt, the truncated texts, the model text and token ids of
 * both orders of every pair, the logits of " A" and " B", and the final order of each method;
 * and llm-rankers' T5 path on the golden tiny T5 v1.1 (Flan-T5's architecture, the Llama-2
 * SentencePiece model as its vocabulary): prompts, token ids, the two greedy tokens after
 * "&lt;pad&gt; Passage" and their logits, the decoded outputs, the final orders and the cost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrpRerankerTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/trawl/rerank/pairwise/prp-golden.json");

  private Path model;
  private Path t5;
  private JsonNode golden;

  @BeforeAll
  void setUp(@TempDir Path tmp) throws Exception {
    model = TinyLlm.chatModel(tmp);
    t5 = io.trawl.rerank.TinyT5.folder(tmp, "t5-v1_1-tiny");
    golden = Golden.json(GOLDEN);
  }

  private PrpReranker t5Reranker(String extra) {
    return (PrpReranker) Rerankers.registry().create(Spec.parse("prp(model=\"" + t5
        + "\",scoring=generation,query-tokens=32,passage-tokens=24,threads=1" + extra + ")"));
  }

  private PrpReranker reranker(String extra) {
    return (PrpReranker) Rerankers.registry().create(Spec.parse("prp(model=\"" + model
        + "\",query-tokens=32,passage-tokens=24,threads=1" + extra + ")"));
  }

  /** The golden query truncated to 32 tokens by {@code r}, checked against llm-rankers' truncation. */
  private String truncatedQuery(PrpReranker r) {
    String query = r.truncate(golden.path("query").asText(), 32);
    assertEquals(golden.path("truncated_query").asText(), query);
    return query;
  }

  /** The golden passages truncated to 24 tokens by {@code r}, each checked against llm-rankers'. */
  private List<String> truncatedPassages(PrpReranker r) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < golden.path("docs").size(); i++) {
      texts.add(r.truncate(golden.path("docs").get(i).path("text").asText(), 24));
      assertEquals(golden.path("truncated_docs").get(i).asText(), texts.get(i), "passage " + i);
    }
    return texts;
  }

  private RankedList list() {
    return io.trawl.rerank.GoldenCandidates.list(golden.path("docs"), 10);
  }

  @Test
  void promptIsThePapersAsLlmRankersWritesIt() {
    String expected = "Given a query \"{query}\", which of the following two passages is more relevant to the"
        + " query?\n\nPassage A: \"{doc1}\"\n\nPassage B: \"{doc2}\"\n\nOutput Passage A or Passage B:";
    assertEquals(expected, PrpReranker.PROMPT);
    assertEquals(golden.path("prompt_template").asText(), PrpReranker.PROMPT);
    assertEquals("Given a query \"q\", which of the following two passages is more relevant to the query?\n\n"
        + "Passage A: \"x\"\n\nPassage B: \"y\"\n\nOutput Passage A or Passage B:",
        PrpReranker.userPrompt("q", "x", "y"));
    try (PrpReranker r = reranker("")) {
      assertEquals("<|user|>\nGiven a query \"q\", which of the following two passages is more relevant to the"
          + " query?\n\nPassage A: \"x\"\n\nPassage B: \"y\"\n\nOutput Passage A or Passage B:</s>\n"
          + "<|assistant|>\n Passage:", r.modelText("q", "x", "y"));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void promptsIdsAndAnswerLogitsEqualHuggingFace(int batch) {
    try (PrpReranker r = reranker(",batch=" + batch)) {
      String query = truncatedQuery(r);
      List<String> texts = truncatedPassages(r);
      List<int[]> prompts = new ArrayList<>();
      List<float[]> expected = new ArrayList<>();
      for (JsonNode p : golden.path("pairs")) {
        int i = p.path("i").asInt();
        int j = p.path("j").asInt();
        for (String order : List.of("ab", "ba")) {
          JsonNode e = p.path(order);
          String a = texts.get(order.equals("ab") ? i : j);
          String b = texts.get(order.equals("ab") ? j : i);
          String what = "pair (" + i + "," + j + ") " + order;
          assertEquals(e.path("user").asText(), PrpReranker.userPrompt(query, a, b), what);
          assertEquals(e.path("text").asText(), r.modelText(query, a, b), what);
          int[] ids = r.tokenize(query, a, b);
          assertArrayEquals(Golden.ints(e.path("input_ids")), ids, what);
          prompts.add(ids);
          expected.add(Golden.flat(e.path("logits_a_b")));
        }
      }
      float[][] got = r.answerLogits(prompts);
      for (int k = 0; k < got.length; k++) {
        assertTrue(Golden.maxAbs(got[k], expected.get(k)) <= 1e-4, "prompt " + k + ": " + got[k][0] + ", "
            + got[k][1] + " vs " + expected.get(k)[0] + ", " + expected.get(k)[1]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"allpair", "sorting", "sliding"})
  void finalOrderOfEachMethod(String method) {
    try (PrpReranker r = reranker(",method=" + method + ",k=" + golden.path("k").asInt())) {
      RankedList out = r.rerank(new Query("q", golden.path("query").asText()), list());
      List<String> expected = new ArrayList<>();
      golden.path(method).path("order").forEach(n -> expected.add(n.asText()));
      assertEquals(expected, out.candidates().stream().map(Candidate::docId).toList(), method);
      assertTrue(out.isMonotone());
      if (method.equals("allpair")) {
        JsonNode s = golden.path("allpair").path("scores");
        for (Candidate c : out.candidates()) {
          assertEquals(s.get(Integer.parseInt(c.docId().substring(1)) - 1).asDouble(), c.score(), 1e-12, c.docId());
        }
        for (int i = 1; i < out.size(); i++) {
          assertTrue(out.get(i).score() < out.get(i - 1).score(), "ties broken by one ulp: " + out);
        }
      } else {
        for (int i = 0; i < out.size(); i++) {
          assertEquals(out.size() - i, out.get(i).score(), 0.0);
        }
      }
    }
  }

  /**
   * scoring=generation, llm-rankers' decoder path: each order's answer is the greedy token decoded,
   * stripped and upper-cased; "A" then "B" (or "B" then "A") decides, anything else is inconsistent.
   * (On the random tiny model no answer is "A" or "B", so every pair is inconsistent.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"allpair", "sorting", "sliding"})
  void generationAsLlmRankers(String method) {
    try (PrpReranker r = reranker(",scoring=generation,batch=3,method=" + method + ",k=" + golden.path("k").asInt())) {
      String query = r.truncate(golden.path("query").asText(), 32);
      List<String> texts = new ArrayList<>();
      golden.path("docs").forEach(d -> texts.add(r.truncate(d.path("text").asText(), 24)));
      List<int[]> prompts = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (JsonNode p : golden.path("pairs")) {
        int i = p.path("i").asInt();
        int j = p.path("j").asInt();
        prompts.add(r.tokenize(query, texts.get(i), texts.get(j)));
        prompts.add(r.tokenize(query, texts.get(j), texts.get(i)));
        expected.add(p.path("ab").path("generated").asText());
        expected.add(p.path("ba").path("generated").asText());
      }
      if (method.equals("allpair")) {
        assertEquals(expected, List.of(r.generatedAnswers(prompts)));
      }
      RankedList out = r.rerank(new Query("q", golden.path("query").asText()), list());
      List<String> order = new ArrayList<>();
      golden.path("generation").path(method).path("order").forEach(n -> order.add(n.asText()));
      assertEquals(order, out.candidates().stream().map(Candidate::docId).toList(), method);
      assertTrue(out.isMonotone());
      Map<String, Long> stats = r.stats().asMap();
      assertTrue(stats.get("windows") > 0 && stats.get("windows") == stats.get("wrong_format")
          + stats.get("ok"), stats.toString());
    }
  }

  /**
   * llm-rankers' T5 path: the prompt as it is, tokenizer(text) with {@code </s>}, 2 greedy tokens
   * after "&lt;pad&gt; Passage" (ids and logits), the whole output decoded; in batches of 1 to 3
   * prompts (llm-rankers: the two orders of a pair together).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void t5PromptsIdsAndGeneratedTokensEqualHuggingFace(int batch) {
    JsonNode g = golden.path("t5");
    try (PrpReranker r = t5Reranker(",batch=" + batch)) {
      String query = truncatedQuery(r);
      List<String> texts = truncatedPassages(r);
      List<int[]> prompts = new ArrayList<>();
      List<JsonNode> expected = new ArrayList<>();
      for (JsonNode p : g.path("pairs")) {
        int i = p.path("i").asInt();
        int j = p.path("j").asInt();
        for (String order : List.of("ab", "ba")) {
          JsonNode e = p.path(order);
          String a = texts.get(order.equals("ab") ? i : j);
          String b = texts.get(order.equals("ab") ? j : i);
          String what = "pair (" + i + "," + j + ") " + order;
          assertEquals(e.path("user").asText(), r.modelText(query, a, b), what + ": no chat template, no \" Passage:\"");
          int[] ids = r.tokenize(query, a, b);
          assertArrayEquals(Golden.ints(e.path("input_ids")), ids, what);
          prompts.add(ids);
          expected.add(e);
        }
      }
      io.trawl.rerank.listwise.LocalT5.Answer[] got = r.t5Answers(prompts);
      String[] labels = r.generatedAnswers(prompts);
      for (int k = 0; k < got.length; k++) {
        JsonNode e = expected.get(k);
        assertArrayEquals(Golden.ints(e.path("generated_ids")), got[k].tokens(), "prompt " + k);
        assertEquals(e.path("steps").asInt(), got[k].steps(), "prompt " + k);
        float[] want = Golden.flat(e.path("generated_logits"));
        assertTrue(Golden.maxAbs(got[k].logits(), want) <= 1e-4, "prompt " + k + ": logits "
            + java.util.Arrays.toString(got[k].logits()) + " vs " + java.util.Arrays.toString(want));
        assertEquals(e.path("decoded").asText(), got[k].text(), "prompt " + k);
        assertEquals(PrpReranker.t5Label(e.path("decoded").asText()), labels[k], "prompt " + k);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"allpair", "sorting", "sliding"})
  void t5FinalOrderAndCost(String method) {
    JsonNode g = golden.path("t5");
    try (PrpReranker r = t5Reranker(",batch=2,method=" + method + ",k=" + golden.path("k").asInt())) {
      RankedList out = r.rerank(new Query("q", golden.path("query").asText()), list());
      List<String> expected = new ArrayList<>();
      g.path(method).path("order").forEach(n -> expected.add(n.asText()));
      assertEquals(expected, out.candidates().stream().map(Candidate::docId).toList(), method);
      assertTrue(out.isMonotone());
      Map<String, Long> stats = r.stats().asMap();
      io.trawl.rerank.Cost.Counts c = r.cost().of("q");
      assertEquals(stats.get("windows"), c.prefills(), "one encoder pass per prompt: " + stats);
      assertTrue(c.prefills() > 0 && c.prefills() % 2 == 0, "both orders of each comparison: " + c);
      if (method.equals("allpair")) {
        assertEquals(g.path("wrong_format").asLong(), stats.get("wrong_format"));
        long prompts = 0;
        long tokens = 0;
        long steps = 0;
        for (JsonNode p : g.path("pairs")) {
          for (String o : List.of("ab", "ba")) {
            prompts++;
            tokens += p.path(o).path("input_ids").size();
            steps += p.path(o).path("steps").asLong();
          }
        }
        assertEquals(new io.trawl.rerank.Cost.Counts(prompts, steps - prompts, tokens, steps), c);
      }
    }
  }

  @Test
  void t5Answers() {
    assertEquals("A", PrpReranker.t5Label("Passage A"));
    assertEquals("B", PrpReranker.t5Label("Passage B"));
    assertEquals("Passage A.", PrpReranker.t5Label("Passage A."), "compared as it is, as llm-rankers does");
    assertEquals("Passage b", PrpReranker.t5Label("Passage b"));
    assertEquals(0, PrpReranker.outcome(PrpReranker.t5Label("Passage A"), PrpReranker.t5Label("Passage A ")));
    assertEquals(1, PrpReranker.outcome(PrpReranker.t5Label("Passage A"), PrpReranker.t5Label("Passage B")));
    assertEquals(-1, PrpReranker.outcome(PrpReranker.t5Label("Passage B"), PrpReranker.t5Label("Passage A")));
  }

  @Test
  void t5NeedsGenerationAndNoChatTemplate() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> new PrpReranker(new Params(Map.of("model", t5.toString()))));
    assertTrue(e.getMessage().contains("use scoring=generation"), e.getMessage());
    assertEquals(2, e.exitCode());
    e = assertThrows(TrawlException.class, () -> new PrpReranker(new Params(Map.of("model", t5.toString(),
        "scoring", "generation", "chat-template", "x.jinja"))));
    assertTrue(e.getMessage().contains("chat-template= is for decoder-only models"), e.getMessage());
    try (PrpReranker r = t5Reranker("")) {
      assertEquals("prp(model=" + t5 + ",method=allpair,scoring=generation,query-tokens=32,passage-tokens=24,"
          + "batch=4,device=cpu,dtype=float32)", r.spec());
      assertThrows(IllegalStateException.class, () -> r.answerLogits(List.of(new int[] {1})));
    }
  }

  @Test
  void generatedOutcomes() {
    assertEquals(1, PrpReranker.outcome("A", "B"));
    assertEquals(-1, PrpReranker.outcome("B", "A"));
    assertEquals(0, PrpReranker.outcome("A", "A"));
    assertEquals(0, PrpReranker.outcome("A", "C"), "not an answer: inconsistent");
  }

  @Test
  void answerIdsAreTheTokensAfterPassage() {
    assertEquals(319, golden.path("answer_ids").path("A").asInt());
    try (PrpReranker r = reranker("")) {
      float[][] l = r.answerLogits(List.of(r.tokenize("q", "x", "y")));
      assertEquals(2, l[0].length);
    }
  }

  @Test
  void outcomesOfTheTwoOrders() {
    assertEquals(1, PrpReranker.outcome(new float[] {1, 0}, new float[] {0, 1}));
    assertEquals(-1, PrpReranker.outcome(new float[] {0, 1}, new float[] {1, 0}));
    assertEquals(0, PrpReranker.outcome(new float[] {0, 1}, new float[] {0, 1}), "always B: inconsistent");
    assertEquals(0, PrpReranker.outcome(new float[] {1, 0}, new float[] {1, 0}), "always A: inconsistent");
  }

  /** Without a model: with consistent answers both sorts find the true top k, at their cost. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 20, 50})
  void sortsFindTheTopKAtTheirCost(int n) {
    long seed = 17L * n;
    java.util.Random random = new java.util.Random(seed);
    double[] relevance = random.doubles(n).toArray();
    int k = Math.min(10, n);
    java.util.Set<Long> asked = new java.util.HashSet<>();
    int[] calls = {0};
    java.util.function.IntBinaryOperator cmp = (a, b) -> {
      calls[0]++;
      asked.add((long) Math.min(a, b) * n + Math.max(a, b));
      return Double.compare(relevance[a], relevance[b]);
    };
    Integer[] truth = new Integer[n];
    for (int i = 0; i < n; i++) {
      truth[i] = i;
    }
    java.util.Arrays.sort(truth, (a, b) -> Double.compare(relevance[b], relevance[a]));
    int[] expected = java.util.Arrays.stream(truth).limit(k).mapToInt(Integer::intValue).toArray();
    assertArrayEquals(expected, PrpReranker.heapSortTop(n, k, cmp), "heapsort, seed " + seed);
    int heap = asked.size();
    asked.clear();
    calls[0] = 0;
    assertArrayEquals(expected, PrpReranker.slidingTop(n, k, cmp), "sliding, seed " + seed);
    assertEquals(k * (2 * n - k - 1) / 2, calls[0], "sliding-K compares K(2N-K-1)/2 times");
    assertTrue(heap <= n * (n - 1) / 2);
    if (n == 50) {
      assertTrue(heap < asked.size(), "heapsort asks fewer distinct pairs than sliding-10: " + heap + " vs "
          + asked.size());
    }
  }

  @Test
  void canonicalSpec() {
    String base = "model=" + model + ",method=%s%s,scoring=likelihood,query-tokens=128,passage-tokens=128,batch=4,"
        + "device=cpu,dtype=float32";
    try (PrpReranker r = (PrpReranker) Rerankers.registry().create(Spec.parse("prp(model=\"" + model + "\")"))) {
      assertEquals("prp(" + String.format(base, "allpair", "") + ")", r.spec());
      assertEquals(Map.of("threads", Runtime.getRuntime().availableProcessors()), r.settings());
    }
    try (PrpReranker r = (PrpReranker) Rerankers.registry().create(Spec.parse("prp(k=5,method=SLIDING,model=\""
        + model + "\",threads=1,batch=4,dtype=float32)"))) {
      assertEquals("prp(" + String.format(base, "sliding", ",k=5") + ")", r.spec());
    }
    try (PrpReranker r = (PrpReranker) Rerankers.registry().create(Spec.parse("prp(k=5,method=allpair,model=\""
        + model + "\",threads=1)"))) {
      assertEquals("prp(" + String.format(base, "allpair", "") + ")", r.spec(), "k decides nothing for allpair");
    }
  }

  @Test
  void parameterErrors() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> new PrpReranker(new Params(Map.of("model", model.toString(), "method", "bubble"))));
    assertTrue(e.getMessage().contains("allpair, sorting, sliding"), e.getMessage());
    assertEquals(2, e.exitCode());
    e = assertThrows(TrawlException.class,
        () -> new PrpReranker(new Params(Map.of("model", model.toString(), "modle", "x"))));
    assertTrue(e.getMessage().contains("unknown parameter 'modle' for prp"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> new PrpReranker(new Params(Map.of("model", model.toString(), "scoring", "reasoning"))));
    assertTrue(e.getMessage().contains("likelihood, generation"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> new PrpReranker(new Params(Map.of("model", model.toString(), "k", "0"))));
    assertTrue(e.getMessage().contains("k must be >= 1"), e.getMessage());
  }
}
