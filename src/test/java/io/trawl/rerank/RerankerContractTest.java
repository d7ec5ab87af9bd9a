package io.trawl.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.rerank.registry.Rerankers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link Reranker} contract, inherited by one test class per registered reranker (each gives a
 * spec over a tiny model): every candidate is ranked once (the output is a permutation of the
 * input, texts kept), scores never increase along the ranking, the input is not changed, empty in
 * gives empty out, a candidate without text is a clear error (invalid input naming the candidate
 * and the query), the same input gives the same output (again, in a batch with other queries, and
 * from a fresh reranker), and {@code spec()} is canonical: parsed and made again by the registry,
 * it gives a reranker with the same spec and the same output.
 *
 * <p>{@link RerankerContractsCoverTheRegistryTest} checks that every registry name has a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RerankerContractTest {
  /** Two queries: one with eight candidates (score ties included), one with three. */
  protected static final Query Q1 = new Query("q1", "how do plants make food from sunlight");
  protected static final Query Q2 = new Query("q2", "causes of inflation");
  protected static final RankedList L1 = new RankedList("q1", List.of(
      new Candidate("d1", 9.0, "The stock market fell sharply on Monday amid inflation fears."),
      new Candidate("d2", 8.0, "Photosynthesis lets plants turn sunlight, water and carbon dioxide into glucose."),
      new Candidate("d3", 8.0, "Chlorophyll absorbs light, mostly in the blue and red wavelengths."),
      new Candidate("d4", 7.5, "The recipe calls for two cups of flour and a pinch of salt."),
      new Candidate("d5", 6.0, "Plants need light to grow."),
      new Candidate("d6", 6.0, "Leaves hold the cells where light energy becomes chemical energy."),
      new Candidate("d7", 5.25, "A train leaves the station every twenty minutes."),
      new Candidate("d8", 1.0, "Glucose made in the leaves feeds the rest of the plant.")));
  protected static final RankedList L2 = new RankedList("q2", List.of(
      new Candidate("e1", 3.0, "Inflation rises when demand outgrows supply."),
      new Candidate("e2", 2.0, "Central banks raise interest rates to slow inflation."),
      new Candidate("e3", 1.0, "Bees pollinate flowers in spring.")));

  private Path dir;
  private Reranker reranker;

  /** The registry name of the reranker under test. */
  protected abstract String name();

  /** The spec of the reranker under test; {@code dir} is a fresh folder for model files. */
  protected abstract String spec(Path dir) throws Exception;

  /**
   * Parameters that decide speed only and so are not in the canonical spec, added when the
   * reranker is made again from its canonical spec: {@code threads=1} unless overridden (e.g.
   * with {@code cache=off}).
   */
  protected Map<String, String> runSettings() {
    return Map.of("threads", "1");
  }

  @BeforeAll
  void create() throws Exception {
    dir = Files.createTempDirectory("trawl-contract-" + name());
    reranker = Rerankers.registry().create(Spec.parse(spec(dir)));
  }

  @AfterAll
  void close() throws IOException {
    if (reranker != null) {
      reranker.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static List<String> ids(RankedList l) {
    return l.candidates().stream().map(Candidate::docId).toList();
  }

  private static void assertContract(RankedList in, RankedList out) {
    assertEquals(in.queryId(), out.queryId());
    assertEquals(in.size(), out.size(), "every candidate ranked once: " + ids(out));
    Map<String, String> texts = new LinkedHashMap<>();
    for (Candidate c : in.candidates()) {
      texts.put(c.docId(), c.text());
    }
    for (Candidate c : out.candidates()) {
      assertTrue(texts.containsKey(c.docId()), "unknown or repeated candidate " + c.docId() + " in " + ids(out));
      assertEquals(texts.remove(c.docId()), c.text(), "text of " + c.docId());
    }
    assertTrue(texts.isEmpty(), "not ranked: " + texts.keySet());
    for (int i = 1; i < out.size(); i++) {
      assertTrue(out.get(i).score() <= out.get(i - 1).score(),
          "scores must not increase: " + out.get(i - 1) + " then " + out.get(i));
    }
  }

  @Test
  void ranksEveryCandidateOnceWithScoresThatNeverIncrease() {
    assertContract(L1, reranker.rerank(Q1, L1));
    assertContract(L2, reranker.rerank(Q2, L2));
    RankedList one = L2.top(1);
    assertContract(one, reranker.rerank(Q2, one));
  }

  @Test
  void leavesItsInputAsItWas() {
    List<Candidate> before = new ArrayList<>(L1.candidates());
    reranker.rerank(Q1, L1);
    reranker.rerankAll(List.of(Q1, Q2), List.of(L1, L2));
    assertEquals(before, L1.candidates());
  }

  @Test
  void emptyInEmptyOut() {
    RankedList out = reranker.rerank(Q1, RankedList.empty(Q1.id()));
    assertEquals(Q1.id(), out.queryId());
    assertEquals(0, out.size());
    List<RankedList> both = reranker.rerankAll(List.of(Q1, Q2), List.of(RankedList.empty(Q1.id()), L2));
    assertEquals(0, both.get(0).size());
    assertContract(L2, both.get(1));
  }

  @Test
  void aCandidateWithoutTextIsAClearError() {
    List<Candidate> cs = new ArrayList<>(L2.candidates());
    cs.set(0, new Candidate("e1", 3.0));
    TrawlException e = assertThrows(TrawlException.class, () -> reranker.rerank(Q2, new RankedList("q2", cs)));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().contains("e1") && e.getMessage().contains("q2")
        && e.getMessage().contains("no text"), e.getMessage());
  }

  @Test
  void sameInputSameOutputAloneOrInABatch() {
    RankedList first = reranker.rerank(Q1, L1);
    assertEquals(first, reranker.rerank(Q1, L1));
    assertEquals(List.of(first, reranker.rerank(Q2, L2)), reranker.rerankAll(List.of(Q1, Q2), List.of(L1, L2)));
  }

  /**
   * Every reranker counts its model work per query ({@link Cost}): reranking a list adds prefill
   * passes and prompt tokens to that query, and an empty list adds nothing.
   */
  @Test
  void countsItsModelWorkPerQuery() {
    Cost cost = reranker.cost();
    assertNotNull(cost, name() + " does not count its model work (Reranker.cost())");
    Cost.Counts q1 = cost.of(Q1.id());
    Cost.Counts q2 = cost.of(Q2.id());
    Query none = new Query("q-none", "nothing to rerank");
    reranker.rerankAll(List.of(Q1, none, Q2), List.of(L1, RankedList.empty(none.id()), L2));
    for (Query q : List.of(Q1, Q2)) {
      Cost.Counts before = q == Q1 ? q1 : q2;
      Cost.Counts after = cost.of(q.id());
      assertTrue(after.prefills() > before.prefills(), q.id() + ": prefill passes " + before + " -> " + after);
      assertTrue(after.promptTokens() > before.promptTokens(), q.id() + ": prompt tokens " + before + " -> " + after);
      assertTrue(after.decodeSteps() >= before.decodeSteps() && after.generatedTokens() >= before.generatedTokens());
      assertTrue(after.generatedTokens() == 0 || after.decodeSteps() <= after.generatedTokens(),
          "a greedy answer of g tokens takes g - 1 decode steps: " + after);
    }
    assertEquals(Cost.Counts.ZERO, cost.of(none.id()));
  }

  @Test
  void specIsCanonicalAndMakesAnEqualReranker() {
    String spec = reranker.spec();
    assertNotNull(spec);
    Spec parsed = Spec.parse(spec);
    assertEquals(name(), parsed.name());
    assertEquals(spec, parsed.toString(), "the spec is in the parser's canonical text");
    assertEquals(null, parsed.cutoff());
    Map<String, String> params = new LinkedHashMap<>(parsed.params());
    params.putAll(runSettings());
    try (Reranker again = Rerankers.registry().create(new Spec(parsed.name(), params, null))) {
      assertEquals(spec, again.spec());
      assertEquals(reranker.rerank(Q1, L1), again.rerank(Q1, L1));
    }
  }
}
