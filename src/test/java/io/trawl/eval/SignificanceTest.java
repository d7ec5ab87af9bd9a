package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignificanceTest {
  static final long SEED = 20240101L;

  @Test
  void randomizationOnIdenticalRunsIsOne() {
    double[] a = {0.1, 0.5, 0.3, 0.9, 0.0, 0.7};
    assertEquals(1.0, Significance.randomization(a, a.clone(), 5000, SEED), 0.0, "seed " + SEED);
    assertEquals(1.0, Significance.pairedT(a, a.clone()), 0.0);
    assertEquals(1.0, Significance.wilcoxon(a, a.clone()), 0.0);
  }

  @Test
  void randomizationOnConsistentImprovementIsSmall() {
    int n = 20;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = 0.2 + 0.01 * i;
      a[i] = b[i] + 0.05 + 0.002 * i;
    }
    double p = Significance.randomization(a, b, 10_000, SEED);
    // exact p is 2 / 2^20; with 10,000 trials the estimate is (1 + hits) / 10,001
    assertTrue(p < 0.001, "p=" + p + " seed " + SEED);
    assertEquals(p, Significance.randomization(a, b, 10_000, SEED), 0.0, "same seed, same p");
    assertTrue(Significance.pairedT(a, b) < 1e-6);
    assertTrue(Significance.wilcoxon(a, b) < 1e-4);
  }

  @Test
  void textbookPairedTestValues() {
    double[] b = {1, 1, 1, 1, 1};
    double[] a = {2, 3, 4, 5, 6}; // d = 1..5, t = 3 / (sqrt(2.5)/sqrt(5)) = 4.2426, df 4
    assertEquals(0.013236, Significance.pairedT(a, b), 2e-6);
    // exact Wilcoxon with all 5 differences positive: 2 / 2^5
    assertEquals(0.0625, Significance.wilcoxon(a, b), 1e-12);
    // randomization with every sign pattern equally likely approaches 2 / 32 too
    assertEquals(0.0625, Significance.randomization(a, b, 200_000, SEED), 0.003);
  }

  @Test
  void bonferroniAndHolmTextbookValues() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertArrayEquals(new double[] {0.04, 0.16, 0.12, 0.02},
        Significance.correct(p, Significance.Correction.BONFERRONI), 1e-12);
    // Holm: sorted 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone 0.06
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02},
        Significance.correct(p, Significance.Correction.HOLM), 1e-12);
    assertArrayEquals(new double[] {1.0, 1.0}, Significance.correct(new double[] {0.6, 0.7},
        Significance.Correction.BONFERRONI), 1e-12);
  }

  @TempDir Path tmp;

  @Test
  void comparisonAlignsOnAllQrelsQueriesAndReports() throws Exception {
    Path q = tmp.resolve("q.txt");
    Files.writeString(q, "a 0 d1 1\nb 0 d1 1\nc 0 d1 1\n");
    Path base = tmp.resolve("base.txt");
    Files.writeString(base, "a Q0 d2 1 2 t\na Q0 d1 2 1 t\nb Q0 d1 1 1 t\n");
    Path run = tmp.resolve("run.txt");
    Files.writeString(run, "a Q0 d1 1 2 t\nb Q0 d1 1 1 t\nc Q0 d1 1 1 t\n");
    Comparison c = Comparison.compare(Qrels.read(q.toString()), EvalRun.read(base.toString()),
        List.of(EvalRun.read(run.toString())), Measure.parseAll(List.of("RR")),
        EvalOptions.defaults(), new Comparison.Settings(Significance.Test.RANDOMIZATION,
            Significance.Correction.HOLM, 0.05, 1000, SEED));
    Comparison.Row r = c.rows().get(0);
    assertEquals(List.of("a", "b", "c"), c.queryIds());
    assertEquals(1.5 / 3, r.baselineMean(), 1e-12); // c missing from the baseline scores 0
    assertEquals(1.0, r.mean(), 1e-12);
    assertEquals(2, r.wins());
    assertEquals(0, r.losses());
    assertEquals(1, r.ties());
    assertArrayEquals(new double[] {0.5, 0, 1}, r.perQueryDelta(), 1e-12);
    String md = CompareReports.markdown(c);
    assertTrue(md.contains("| RR |"), md);
    String html = CompareReports.html(c);
    assertTrue(html.contains("<svg") && !html.contains("<script"), "inline SVG, no scripts");
    assertTrue(CompareReports.json(c).contains("\"p_corrected\""));
    assertTrue(CompareReports.tsv(c).startsWith("run\tmeasure"));
  }
}
