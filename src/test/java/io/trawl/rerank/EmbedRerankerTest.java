package io.trawl.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.rerank.registry.Rerankers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbedRerankerTest {
  static final long SEED = 7L;
  static EmbedReranker reranker;

  static final Query QUERY = new Query("q1", "how do plants make food from sunlight");
  static final List<Candidate> CANDS = List.of(
      new Candidate("d1", 9.0, "The stock market fell sharply on Monday amid inflation fears."),
      new Candidate("d2", 8.0, "Photosynthesis lets plants turn sunlight, water and carbon dioxide into glucose."),
      new Candidate("d3", 7.0, "Chlorophyll absorbs light, mostly in the blue and red wavelengths."),
      new Candidate("d4", 7.0, "The recipe calls for two cups of flour and a pinch of salt."),
      new Candidate("d5", 1.0, "Plants need light to grow."));

  @BeforeAll
  static void load() {
    reranker = (EmbedReranker) Rerankers.registry().create(Spec.parse("embed(encoder=bge-small-en-v1.5,threads=2)"));
  }

  @AfterAll
  static void close() {
    reranker.close();
  }

  @Test
  void contract() {
    RankedList in = new RankedList("q1", CANDS);
    List<Candidate> before = new ArrayList<>(in.candidates());
    RankedList out = reranker.rerank(QUERY, in);
    // permutation
    assertEquals(in.size(), out.size());
    assertEquals(new HashSet<>(in.candidates().stream().map(Candidate::docId).toList()),
        new HashSet<>(out.candidates().stream().map(Candidate::docId).toList()));
    // non-increasing scores
    assertTrue(out.isMonotone());
    // input untouched
    assertEquals(before, in.candidates());
    // texts carried through
    for (Candidate c : out.candidates()) {
      assertTrue(c.text() != null && !c.text().isEmpty());
    }
    // the relevant passage wins, the unrelated ones lose
    assertEquals("d2", out.get(0).docId());
    assertTrue(List.of("d1", "d4").contains(out.get(4).docId()), out.toString());
    // deterministic, and independent of the input order and of batching with other queries
    assertEquals(out, reranker.rerank(QUERY, in));
    List<Candidate> shuffled = new ArrayList<>(CANDS);
    Collections.shuffle(shuffled, new Random(SEED));
    RankedList out2 = reranker.rerank(QUERY, new RankedList("q1", shuffled));
    assertEquals(out.candidates().stream().map(Candidate::docId).toList(),
        out2.candidates().stream().map(Candidate::docId).toList(), "seed " + SEED);
    // empty in, empty out
    assertEquals(0, reranker.rerank(QUERY, RankedList.empty("q1")).size());
    List<RankedList> both = reranker.rerankAll(List.of(QUERY, new Query("q2", "stock prices")),
        List.of(in, new RankedList("q2", CANDS)));
    assertEquals(out, both.get(0));
    assertEquals("d1", both.get(1).get(0).docId());
    assertEquals("embed(encoder=bge-small-en-v1.5,listwise=0,max-length=512)", reranker.spec());
  }

  /**
   * A query's scores depend on that query's input alone: not on which queries a process reranked
   * before it (the document-vector cache), nor on their batches. This is what makes {@code rerank
   * --resume} byte-identical to an uninterrupted run; with the int8 encoder it fails (a cached
   * vector was quantised with another query's candidates).
   */
  @Test
  void scoresDoNotDependOnEarlierQueries() {
    RankedList q2 = new RankedList("q2", List.of(CANDS.get(1), CANDS.get(4)));
    Query query2 = new Query("q2", "plants and light");
    try (EmbedReranker fresh = new EmbedReranker(new Params(Map.of("threads", "2")))) {
      // this process saw q1 (five candidates, two of them shared with q2) first
      reranker.rerank(QUERY, new RankedList("q1", CANDS));
      RankedList after = reranker.rerank(query2, q2);
      RankedList alone = fresh.rerank(query2, q2);
      assertEquals(alone, after);
      for (int i = 0; i < alone.size(); i++) {
        assertEquals(Double.doubleToRawLongBits(alone.get(i).score()),
            Double.doubleToRawLongBits(after.get(i).score()), "candidate " + i);
      }
    }
  }

  /**
   * The int8 encoder quantises per batch; its document vectors must still not leak from one
   * query to the next (the rerank --resume defect of issue 15), in one call or across calls.
   */
  @Test
  void int8ScoresDoNotDependOnOtherQueries() {
    RankedList q1 = new RankedList("q1", CANDS);
    RankedList q2 = new RankedList("q2", List.of(CANDS.get(1), CANDS.get(4)));
    Query query2 = new Query("q2", "plants and light");
    Params int8 = new Params(Map.of("encoder", "bge-small-en-v1.5-q", "threads", "2"));
    try (EmbedReranker seen = new EmbedReranker(int8);
        EmbedReranker fresh = new EmbedReranker(new Params(Map.of("encoder", "bge-small-en-v1.5-q",
            "threads", "2")))) {
      RankedList alone = fresh.rerank(query2, q2);
      List<RankedList> together = seen.rerankAll(List.of(QUERY, query2), List.of(q1, q2));
      RankedList after = seen.rerank(query2, q2);
      for (RankedList other : List.of(together.get(1), after)) {
        assertEquals(alone, other);
        for (int i = 0; i < alone.size(); i++) {
          assertEquals(Double.doubleToRawLongBits(alone.get(i).score()),
              Double.doubleToRawLongBits(other.get(i).score()), "candidate " + i);
        }
      }
    }
  }

  /**
   * On ONNX Runtime (the int8 encoder) a document's vector depends on its batch companions, so the
   * batch size decides the scores and is in the canonical spec; on the exact engine it is not.
   */
  @Test
  void batchIsInTheCanonicalSpecOnlyWhereItDecidesTheScores() {
    try (EmbedReranker int8 = new EmbedReranker(new Params(Map.of("encoder", "bge-small-en-v1.5-q",
        "batch", "4", "threads", "2")))) {
      assertEquals("embed(encoder=bge-small-en-v1.5-q,listwise=0,max-length=512,batch=4)", int8.spec());
    }
    try (EmbedReranker exact = new EmbedReranker(new Params(Map.of("batch", "4", "threads", "2")))) {
      assertEquals("embed(encoder=bge-small-en-v1.5,listwise=0,max-length=512)", exact.spec());
    }
  }

  @Test
  void listwiseVariant() {
    try (EmbedReranker lw = new EmbedReranker(new Params(Map.of("listwise", "3", "threads", "2")))) {
      assertEquals("embed(encoder=bge-small-en-v1.5,listwise=3,max-length=512)", lw.spec());
      RankedList in = new RankedList("q1", CANDS);
      String pseudo = lw.pseudoQuery(QUERY, in);
      assertTrue(pseudo.endsWith(QUERY.text()), pseudo);
      assertTrue(pseudo.startsWith("The stock market"), pseudo);
      RankedList out = lw.rerank(QUERY, in);
      assertTrue(out.isMonotone());
      assertEquals(5, out.size());
      assertNotEquals(reranker.rerank(QUERY, in).get(0).score(), out.get(0).score());
      // very long candidates are cut so the query survives the 512-token limit
      List<Candidate> longOnes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        longOnes.add(new Candidate("L" + i, 3 - i, "word ".repeat(600)));
      }
      String p2 = lw.pseudoQuery(QUERY, new RankedList("q1", longOnes));
      assertTrue(p2.endsWith(QUERY.text()));
      assertTrue(lw.encoder().countTokens(lw.encoder().config().queryPrefix() + p2) <= 512,
          "tokens " + lw.encoder().countTokens(p2));
    }
  }

  @Test
  void badInput() {
    RankedList noText = new RankedList("q1", List.of(new Candidate("x", 1.0)));
    TrawlException e = assertThrows(TrawlException.class, () -> reranker.rerank(QUERY, noText));
    assertTrue(e.getMessage().contains("no text"), e.getMessage());
    TrawlException unknown = assertThrows(TrawlException.class,
        () -> Rerankers.registry().create(Spec.parse("embed(encoder=bert-base)")));
    assertEquals(TrawlException.INVALID_INPUT, unknown.exitCode());
    assertTrue(unknown.getMessage().contains("bge-small-en-v1.5"), unknown.getMessage());
    TrawlException typo = assertThrows(TrawlException.class,
        () -> Rerankers.registry().create(Spec.parse("embed(encodr=bge-small-en-v1.5)")));
    assertTrue(typo.getMessage().contains("unknown parameter 'encodr'"), typo.getMessage());
  }
}
