package io.trawl.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the pointwise base does for every pointwise reranker, on a scorer that reads its scores from a map. */
class PointwiseRerankerTest {
  /** Scores from a table; counts calls; docs named "v*" need no text (as if their vectors were known). */
  static final class Table extends PointwiseReranker {
    final Map<String, Double> scores;
    int calls;

    Table(Map<String, Double> scores) {
      super("table");
      this.scores = scores;
    }

    @Override
    public String spec() {
      return "table";
    }

    @Override
    protected boolean needsText(Candidate candidate, int position) {
      return !candidate.docId().startsWith("v");
    }

    @Override
    protected List<double[]> scoreAll(List<Query> queries, List<RankedList> lists) {
      calls++;
      List<double[]> out = new ArrayList<>();
      for (RankedList l : lists) {
        out.add(l.candidates().stream().mapToDouble(c -> scores.get(c.docId())).toArray());
      }
      return out;
    }
  }

  static final Query Q = new Query("q", "x");

  @Test
  void sortsByScoreKeepingInputOrderForTiesAndKeepsTexts() {
    Table t = new Table(Map.of("a", 1.0, "b", 3.0, "c", 1.0, "d", 2.0, "v1", 3.0));
    RankedList in = new RankedList("q", List.of(new Candidate("a", 9, "ta"), new Candidate("b", 8, "tb"),
        new Candidate("c", 7, "tc"), new Candidate("d", 6, "td"), new Candidate("v1", 5)));
    RankedList out = t.rerank(Q, in);
    assertEquals(List.of("b", "v1", "d", "a", "c"), out.candidates().stream().map(Candidate::docId).toList());
    assertEquals(List.of(3.0, 3.0, 2.0, 1.0, 1.0), out.candidates().stream().map(Candidate::score).toList());
    assertEquals("tb", out.get(0).text());
    assertTrue(out.isMonotone());
  }

  @Test
  void aMissingTextFailsBeforeAnyScoring() {
    Table t = new Table(Map.of("a", 1.0, "b", 2.0));
    RankedList in = new RankedList("q", List.of(new Candidate("a", 2, "ta"), new Candidate("b", 1)));
    TrawlException e = assertThrows(TrawlException.class, () -> t.rerankAll(List.of(Q), List.of(in)));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertEquals("table: candidate 'b' of query 'q' has no text (rerank a run with --index of an index that"
        + " stores raw documents, or a candidates file with texts)", e.getMessage());
    assertEquals(0, t.calls);
  }

  @Test
  void aNaNScoreIsAFailureNamingTheCandidate() {
    Table t = new Table(Map.of("a", 1.0, "b", Double.NaN));
    RankedList in = new RankedList("q", List.of(new Candidate("a", 2, "ta"), new Candidate("b", 1, "tb")));
    TrawlException e = assertThrows(TrawlException.class, () -> t.rerank(Q, in));
    assertEquals(TrawlException.RUNTIME, e.exitCode());
    assertTrue(e.getMessage().contains("candidate 'b' of query 'q' NaN"), e.getMessage());
  }

  @Test
  void listsMustMatchTheirQueries() {
    Table t = new Table(Map.of());
    assertThrows(IllegalArgumentException.class,
        () -> t.rerankAll(List.of(Q), List.of(RankedList.empty("other"))));
    assertThrows(IllegalArgumentException.class, () -> t.rerankAll(List.of(Q), List.of()));
    assertEquals(0, t.rerank(Q, RankedList.empty("q")).size());
  }
}
