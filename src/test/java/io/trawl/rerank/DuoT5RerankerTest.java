package io.trawl.rerank;

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
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * duoT5 against Hugging Face transformers on the golden tiny T5 ({@code duot5-golden.json}, made by
 * {@code src/test/python/duot5_golden.py} after PyGaggle's DuoT5): prompts, token ids, the
 * {@code [false, true]} logits and P(true) of every ordered pair, the sym-sum scores and the order.
 */
class DuoT5RerankerTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/trawl/rerank/pairwise/duot5-golden.json");

  @TempDir Path tmp;
  private Path model;

  private Path model() {
    if (model == null) {
      model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    }
    return model;
  }

  private DuoT5Reranker reranker(String extra) {
    Path model = model();
    return (DuoT5Reranker) Rerankers.registry().create(
        Spec.parse("duot5(model=\"" + model + "\",threads=1" + extra + ")"));
  }

  private static Query query(JsonNode c) {
    return new Query("q", c.path("query").asText());
  }

  private static RankedList list(JsonNode c) {
    return GoldenCandidates.list(c.path("docs"), 10);
  }

  @Test
  void promptIsPyGaggles() {
    assertEquals("Query: how do plants make food from sunlight Document0: Plants need light to grow."
        + " Document1: The stock market fell sharply on Monday amid inflation fears. Relevant:",
        DuoT5Reranker.prompt("how do plants make food from sunlight", "Plants need light to grow.",
            "The stock market fell sharply on Monday amid inflation fears."));
    JsonNode golden = Golden.json(GOLDEN);
    JsonNode first = golden.path("cases").get(0).path("pairs").get(0);
    assertEquals("Query: how do plants make food from sunlight Document0: The stock market fell sharply on"
        + " Monday amid inflation fears. Document1: Photosynthesis lets plants turn sunlight, water and carbon"
        + " dioxide into glucose. Relevant:", first.path("prompt").asText());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5})
  void equalsHuggingFaceOnEveryPairInAnyBatching(int batch) {
    JsonNode golden = Golden.json(GOLDEN);
    for (JsonNode c : golden.path("cases")) {
      try (DuoT5Reranker r = reranker(",batch=" + batch + ",max-length=" + c.path("max_length").asInt())) {
        Query q = query(c);
        RankedList in = list(c);
        float[][][] logits = r.pairLogits(q, in);
        for (JsonNode p : c.path("pairs")) {
          int i = p.path("i").asInt();
          int j = p.path("j").asInt();
          String what = c.path("name").asText() + " pair (" + i + "," + j + ")";
          assertEquals(p.path("prompt").asText(),
              DuoT5Reranker.prompt(q.text(), in.get(i).text(), in.get(j).text()), what);
          assertArrayEquals(Golden.ints(p.path("input_ids")), r.tokenize(q.text(), in.get(i).text(), in.get(j).text()),
              what);
          float[] expected = Golden.flat(p.path("logits_false_true"));
          assertTrue(Golden.maxAbs(logits[i][j], expected) <= 1e-4, what + ": logits " + logits[i][j][0] + ", "
              + logits[i][j][1] + " vs " + expected[0] + ", " + expected[1]);
          assertEquals(p.path("p_true").asDouble(), DuoT5Reranker.probability(logits[i][j]), 1e-4, what);
        }
        RankedList out = r.rerank(q, in);
        List<String> order = new ArrayList<>();
        c.path("order").forEach(n -> order.add(n.asText()));
        assertEquals(order, out.candidates().stream().map(Candidate::docId).toList(), c.path("name").asText());
        JsonNode scores = c.path("sym_sum_scores");
        for (Candidate cand : out.candidates()) {
          int k = Integer.parseInt(cand.docId().substring(1)) - 1;
          assertEquals(scores.get(k).asDouble(), cand.score(), 1e-4, cand.docId());
        }
      }
    }
  }

  @Test
  void truncationCutsTheWholeInputAndKeepsTheEos() {
    JsonNode c = Golden.json(GOLDEN).path("cases").get(1);
    try (DuoT5Reranker r = reranker(",max-length=40")) {
      int[] ids = r.tokenize("q", "word ".repeat(100), "other");
      assertEquals(40, ids.length);
      assertEquals(2, ids[39]);
      // d1 is long enough to push Document1 out: the same input whatever comes second
      RankedList in = list(c);
      assertArrayEquals(r.tokenize(c.path("query").asText(), in.get(0).text(), in.get(1).text()),
          r.tokenize(c.path("query").asText(), in.get(0).text(), in.get(2).text()));
    }
  }

  @Test
  void aggregations() {
    // p_01 = 0.75, p_10 = 0.5 (logits [false, true] = [log(1-p), log p])
    float[][][] l = new float[2][2][];
    l[0][1] = new float[] {(float) Math.log(0.25), (float) Math.log(0.75)};
    l[1][0] = new float[] {(float) Math.log(0.5), (float) Math.log(0.5)};
    double[] symSum = DuoT5Reranker.aggregate(l, "sym-sum");
    assertEquals(0.75 + 0.5, symSum[0], 1e-6);
    assertEquals(0.5 + 0.25, symSum[1], 1e-6);
    double[] sum = DuoT5Reranker.aggregate(l, "sum");
    assertEquals(0.75, sum[0], 1e-6);
    assertEquals(0.5, sum[1], 1e-6);
    double[] symLog = DuoT5Reranker.aggregate(l, "sym-log-sum");
    assertEquals(Math.log(0.75) + Math.log(0.5), symLog[0], 1e-6);
    assertEquals(Math.log(0.5) + Math.log(0.25), symLog[1], 1e-6);
    assertEquals(Math.log(0.5), DuoT5Reranker.aggregate(l, "log-sum")[1], 1e-6);
  }

  @Test
  void canonicalSpecHasEveryEffectiveValueInDeclaredOrderButThreads() {
    Path model = model();
    String all = "duot5(model=" + model + ",batch=8,max-length=512,aggregate=sym-sum,device=cpu,dtype=float32,"
        + "true-id=1176,false-id=6136)";
    try (DuoT5Reranker r = (DuoT5Reranker) Rerankers.registry().create(Spec.parse("duot5(model=\"" + model + "\")"))) {
      assertEquals(all, r.spec());
      assertEquals(Map.of("threads", Runtime.getRuntime().availableProcessors()), r.settings());
    }
    try (DuoT5Reranker r = (DuoT5Reranker) Rerankers.registry().create(Spec.parse("duot5(aggregate=SUM,model=\""
        + model + "\",dtype=FLOAT32,device=auto,threads=1,batch=8)"))) {
      assertEquals(all.replace("sym-sum", "sum"), r.spec());
    }
  }

  @Test
  void parameterErrors() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> new DuoT5Reranker(new Params(Map.of("model", "x", "modle", "y"))));
    assertTrue(e.getMessage().contains("unknown parameter 'modle' for duot5"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> new DuoT5Reranker(new Params(Map.of())));
    assertTrue(e.getMessage().contains("missing parameter 'model'"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> new DuoT5Reranker(new Params(Map.of("model", "x", "aggregate", "mean"))));
    assertTrue(e.getMessage().contains("sym-sum, sum, sym-log-sum, log-sum"), e.getMessage());
    assertEquals(2, e.exitCode());
  }
}
