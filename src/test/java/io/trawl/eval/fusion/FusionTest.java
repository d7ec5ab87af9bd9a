package io.trawl.eval.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FusionTest {
  static Run a = run("A", new Candidate("a", 3), new Candidate("b", 2), new Candidate("c", 1));
  static Run b = run("B", new Candidate("b", 10), new Candidate("d", 5));

  static Run run(String tag, Candidate... cs) {
    return new Run(tag, Map.of("q1", new RankedList("q1", List.of(cs))));
  }

  static List<String> ids(Run r) {
    return r.get("q1").candidates().stream().map(Candidate::docId).toList();
  }

  static double score(Run r, String doc) {
    return r.get("q1").candidates().stream().filter(c -> c.docId().equals(doc)).findFirst()
        .orElseThrow().score();
  }

  @Test
  void rrf() {
    Run f = Fusion.fuse(List.of(a, b), Fusion.Settings.rrf());
    assertEquals(List.of("b", "a", "d", "c"), ids(f));
    assertEquals(1.0 / 62 + 1.0 / 61, score(f, "b"), 1e-15);
    assertEquals(1.0 / 63, score(f, "c"), 1e-15);
    assertEquals("rrf(k=60,depth=1000,hits=1000)", f.tag());
  }

  @Test
  void combSumAndMnzWithMinMax() {
    Run s = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.COMBSUM,
        Fusion.Norm.MINMAX, 60, null, 1000, 1000));
    assertEquals(List.of("b", "a", "d", "c"), ids(s)); // d and c tie at 0: docid descending
    assertEquals(1.5, score(s, "b"), 1e-15);
    Run m = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.COMBMNZ,
        Fusion.Norm.MINMAX, 60, null, 1000, 1000));
    assertEquals(3.0, score(m, "b"), 1e-15);
    assertEquals(1.0, score(m, "a"), 1e-15);
  }

  @Test
  void zScoreAndInterpolation() {
    Run z = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.COMBSUM,
        Fusion.Norm.ZSCORE, 60, null, 1000, 1000));
    assertEquals(List.of("a", "b", "d", "c"), ids(z));
    assertEquals(1 / Math.sqrt(2.0 / 3), score(z, "a"), 1e-12);
    Run i = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.INTERPOLATE,
        Fusion.Norm.MINMAX, 60, new double[] {0.7, 0.3}, 1000, 1000));
    assertEquals(List.of("a", "b", "d", "c"), ids(i));
    assertEquals(0.65, score(i, "b"), 1e-12);
    assertThrows(TrawlException.class, () -> Fusion.fuse(List.of(a, b), new Fusion.Settings(
        Fusion.Method.INTERPOLATE, Fusion.Norm.MINMAX, 60, null, 1000, 1000)));
  }

  @Test
  void depthHitsAndDeterministicTies() {
    Run f = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.RRF, Fusion.Norm.NONE,
        60, null, 1, 1000));
    assertEquals(List.of("b", "a"), ids(f)); // both 1/61: docid descending, as trec_eval
    Run g = Fusion.fuse(List.of(a, b), new Fusion.Settings(Fusion.Method.RRF, Fusion.Norm.NONE,
        60, null, 1000, 2));
    assertEquals(List.of("b", "a"), ids(g));
    assertEquals(ids(f), ids(Fusion.fuse(List.of(b, a), new Fusion.Settings(Fusion.Method.RRF,
        Fusion.Norm.NONE, 60, null, 1, 1000))));
  }

  @Test
  void sumsAndQueryOrderDoNotDependOnTheOrderOfTheRuns() {
    // 1/61 + 1/61 + 1/62 summed in different orders differs in the last bit; fusion must not
    Run x = run("X", new Candidate("d", 1));
    Run y = run("Y", new Candidate("d", 2), new Candidate("e", 1));
    Run z = run("Z", new Candidate("e", 2), new Candidate("d", 1));
    double first = score(Fusion.fuse(List.of(x, y, z), Fusion.Settings.rrf()), "d");
    for (List<Run> order : List.of(List.of(x, z, y), List.of(y, x, z), List.of(y, z, x), List.of(z, x, y),
        List.of(z, y, x))) {
      assertEquals(first, score(Fusion.fuse(order, Fusion.Settings.rrf()), "d"), 0.0, order.toString());
    }
    Run p = new Run("P", new java.util.LinkedHashMap<>(Map.of("q2", new RankedList("q2", List.of(new Candidate("a", 1))))));
    Run q = new Run("Q", new java.util.LinkedHashMap<>(Map.of("q1", new RankedList("q1", List.of(new Candidate("a", 1))))));
    assertEquals(List.of("q1", "q2"), List.copyOf(Fusion.fuse(List.of(p, q), Fusion.Settings.rrf()).lists().keySet()));
    assertEquals(List.of("q1", "q2"), List.copyOf(Fusion.fuse(List.of(q, p), Fusion.Settings.rrf()).lists().keySet()));
  }

  @TempDir Path tmp;

  @Test
  void writtenRunReadsBackInTheSameOrder() throws Exception {
    Run f = Fusion.fuse(List.of(a, b), Fusion.Settings.rrf());
    Path p = tmp.resolve("f.txt");
    RunWriter.write(p.toString(), RunWriter.Format.TREC, f, Map.of());
    Run back = RunReader.readRun(p.toString(), RunReader.Mode.STRICT);
    assertEquals(ids(f), ids(back));
    assertEquals(f.tag(), back.tag());
    for (String q : f.lists().keySet()) {
      for (int i = 0; i < f.get(q).size(); i++) {
        assertEquals(f.get(q).get(i).score(), back.get(q).get(i).score(), 0.0, "exact scores");
      }
    }
  }

  /** Fusion methods by spec; bad ones fail as invalid input, naming what is wrong. */
  @Test
  void settingsFromSpecs() {
    assertEquals(Fusion.Settings.rrf(), Fusion.parse(io.trawl.core.Spec.parse("rrf")));
    assertEquals("rrf(k=60,depth=1000,hits=1000)", Fusion.Settings.rrf().spec());
    assertEquals(new Fusion.Settings(Fusion.Method.INTERPOLATE, Fusion.Norm.ZSCORE, 60, new double[] {0.7, 0.3},
        100, 10), Fusion.parse(io.trawl.core.Spec.parse("interpolate(hits=10,weights=0.70:0.3,norm=zscore,depth=100)")));
    assertEquals(new Fusion.Settings(Fusion.Method.COMBSUM, Fusion.Norm.MINMAX, 5, null, 1000, 1000),
        new Fusion.Settings(Fusion.Method.COMBSUM, Fusion.Norm.MINMAX, 60, null, 1000, 1000), "k is RRF's only");
    for (String[] bad : new String[][] {
        {"rrf(norm=minmax)", "norm does not apply to rrf"},
        {"interpolate", "interpolate needs weights"},
        {"combsum(norm=l2)", "unknown norm 'l2' for combsum; valid: minmax, zscore, none"},
        {"combmnz(k=60)", "unknown parameter 'k' for combmnz"},
        {"rrf(weights=1:x)", "weights of rrf must be numbers joined by ':'"},
        {"rrf@10", "give the number of fused hits as hits=10"},
        {"borda", "unknown fusion method 'borda'"}}) {
      TrawlException e = assertThrows(TrawlException.class, () -> Fusion.parse(io.trawl.core.Spec.parse(bad[0])));
      assertEquals(TrawlException.INVALID_INPUT, e.exitCode(), bad[0]);
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }
}
