package io.trawl.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MonoT5RerankerTest {
  @TempDir Path tmp;

  private MonoT5Reranker reranker(Path model, String extra) {
    Spec s = Spec.parse("monot5(model=\"" + model + "\",threads=1" + extra + ")");
    return (MonoT5Reranker) Rerankers.registry().create(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"t5-v1_0-tiny", "t5-v1_1-tiny"})
  void scoresEqualHuggingFaceInAnyBatching(String name) {
    JsonNode golden = Golden.json(Golden.model(name).resolve("golden.json"));
    List<int[]> rows = new ArrayList<>();
    List<Float> expected = new ArrayList<>();
    for (JsonNode c : golden.path("cases")) {
      if (c.has("same_rows_as")) {
        continue;
      }
      int[][] r = Golden.unpadded(c.path("input_ids"), c.path("attention_mask"));
      rows.add(r[0]);
      expected.add((float) c.path("monot5_score").get(0).asDouble());
    }
    float[] exp = new float[expected.size()];
    for (int i = 0; i < exp.length; i++) {
      exp[i] = expected.get(i);
    }
    int[][] in = rows.toArray(new int[0][]);
    Path model = TinyT5.folder(tmp, name);
    try (MonoT5Reranker one = reranker(model, ",batch=1"); MonoT5Reranker many = reranker(model, ",batch=3")) {
      float[] a = one.scoreIds(in);
      float[] b = many.scoreIds(in);
      assertTrue(Golden.excess(a, exp, 1e-4, 0) <= 0, "batch 1 vs HF");
      assertTrue(Golden.excess(b, exp, 1e-4, 0) <= 0, "padded batches vs HF");
      assertTrue(Golden.excess(b, a, 1e-5, 0) <= 0, "padded batches vs one by one");
    }
  }

  @Test
  void rerankContract() {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Query q = new Query("q1", "how long do fleas live");
    List<Candidate> cs = new ArrayList<>();
    String[] texts = {"A flea can live up to a year.", "Concrete floors cost money.", "Fleas are insects.",
        "The life cycle of a flea lasts from 20 days to an entire year, depending on conditions.", "x"};
    for (int i = 0; i < texts.length; i++) {
      cs.add(new Candidate("d" + i, 10 - i, texts[i]));
    }
    RankedList in = new RankedList("q1", cs);
    try (MonoT5Reranker r = reranker(model, ",batch=2")) {
      assertTrue(r.spec().startsWith("monot5(model="), r.spec());
      RankedList out = r.rerank(q, in);
      assertEquals(in, new RankedList("q1", cs), "input unchanged");
      assertEquals(texts.length, out.size());
      assertTrue(out.isMonotone());
      Set<String> ids = new HashSet<>();
      out.candidates().forEach(c -> ids.add(c.docId()));
      assertEquals(Set.of("d0", "d1", "d2", "d3", "d4"), ids);
      for (Candidate c : out.candidates()) {
        assertTrue(c.score() <= 0 && c.score() > -50, "log-probability " + c.score());
      }
      assertEquals(out, r.rerank(q, in), "deterministic");
      assertEquals(0, r.rerank(q, RankedList.empty("q1")).size());
      // the same candidate scored alone gets the same score (within float noise)
      RankedList single = r.rerank(q, in.top(1));
      double inList = out.candidates().stream().filter(c -> c.docId().equals("d0")).findFirst().orElseThrow().score();
      assertEquals(inList, single.get(0).score(), 1e-5);
      // a candidate without text is an input error
      TrawlException e = assertThrows(TrawlException.class,
          () -> r.rerank(q, new RankedList("q1", List.of(new Candidate("zz", 1)))));
      assertEquals(2, e.exitCode());
      // truncation: long documents are cut to max-length tokens with </s> kept
      int[] ids2 = r.tokenize("q", "word ".repeat(2000));
      assertEquals(512, ids2.length);
      assertEquals(2, ids2[511]);
    }
  }

  @Test
  void maxOverPassages() {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Query q = new Query("q", "fleas");
    String doc = "one two three four five six seven eight nine ten eleven twelve";
    try (MonoT5Reranker whole = reranker(model, "");
        MonoT5Reranker split = reranker(model, ",passage-words=4,passage-stride=4")) {
      List<String> parts = split.passages(doc);
      assertEquals(List.of("one two three four", "five six seven eight", "nine ten eleven twelve"), parts);
      double best = Double.NEGATIVE_INFINITY;
      for (String p : parts) {
        best = Math.max(best, whole.rerank(q, new RankedList("q", List.of(new Candidate("d", 0, p)))).get(0).score());
      }
      double got = split.rerank(q, new RankedList("q", List.of(new Candidate("d", 0, doc)))).get(0).score();
      assertEquals(best, got, 1e-6);
      assertNotEquals(got, whole.rerank(q, new RankedList("q", List.of(new Candidate("d", 0, doc)))).get(0).score());
    }
  }

  @Test
  void parameterErrors() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> new MonoT5Reranker(new Params(Map.of("model", "x", "modle", "y"))));
    assertTrue(e.getMessage().contains("unknown parameter 'modle' for monot5"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> new MonoT5Reranker(new Params(Map.of())));
    assertTrue(e.getMessage().contains("missing parameter 'model'"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> new MonoT5Reranker(new Params(Map.of("model", "x", "batch", "0"))));
    assertTrue(e.getMessage().contains("batch"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void canonicalSpecHasEveryEffectiveValueInDeclaredOrderButThreads() {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    String all = "monot5(model=" + model + ",batch=4,max-length=512,device=cpu,dtype=float32,true-id=1176,"
        + "false-id=6136,passage-words=0,passage-stride=0)";
    try (MonoT5Reranker r = reranker(model, ",batch=4")) {
      assertEquals(all, r.spec());
    }
    // the same model written otherwise: defaults spelled out, other order, a stride without windows
    try (MonoT5Reranker r = reranker(model, ",passage-stride=3,dtype=FLOAT32,device=auto,max-length=512,batch=4")) {
      assertEquals(all, r.spec());
    }
    try (MonoT5Reranker r = reranker(model, ",passage-words=10")) {
      assertEquals(all.replace("batch=4", "batch=8")
          .replace("passage-words=0,passage-stride=0", "passage-words=10,passage-stride=5"), r.spec());
    }
  }
}
