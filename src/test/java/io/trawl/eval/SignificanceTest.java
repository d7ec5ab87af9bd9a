package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.trawl.eval.Significance.WilcoxonMethod.ASYMPTOTIC;
import static io.trawl.eval.Significance.WilcoxonMethod.AUTO;
import static io.trawl.eval.Significance.WilcoxonMethod.EXACT;
import static io.trawl.eval.Significance.ZeroMethod.PRATT;
import static io.trawl.eval.Significance.ZeroMethod.WILCOX;
import static io.trawl.eval.Significance.ZeroMethod.ZSPLIT;

import io.trawl.core.TrawlException;
import io.trawl.io.RunReader;
import io.trawl.io.RunTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expected p-values come from scipy 1.17 / statsmodels 0.15, printed by
 * {@code src/test/python/significance_expected.py} (not run by the suite).
 */
class SignificanceTest {
  static final long SEED = 20240101L;

  static double[] d(double... v) {
    return v;
  }

  static double[] zeros(int n) {
    return new double[n];
  }

  /** d_i = ((i * mul) % mod - off) / scale, the same doubles as the Python generator's. */
  static double[] gen(int n, int mul, int mod, double off, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((long) i * mul % mod - off) / scale;
    }
    return v;
  }

  static final double[] SMALL = {0, 0.1, -0.1, 0.2, 0.2, 0.3, -0.05, 0.5, 0};

  /** DL19 passage nDCG@10 (-l 2) per query, RankLLM's BM25+RM3 minus BM25 top-100, as Trawl computes. */
  static final double[] DL19 = {0.0, 0.17618384478764937, 0.0, 0.006449450350136776,
      -0.1527454893252848, 0.08864449846572198, -0.1272745566315694, -0.10360402806383107,
      0.11228515103253794, 0.2024997637708098, 0.08135861890935275, 0.2394801469264185,
      0.06895091218908511, -0.027647827523586736, 0.0, 0.0819271884532442, 0.05152477985946602,
      0.006662172465697114, -0.02032911764783807, 0.06062452521619244, 0.1279553530645251,
      0.06609089156858738, -0.007141480756730267, 0.025092003778228178, 0.3019891800549215,
      -0.14157374803728467, -0.0498726046273516, 0.0796983039220257, -0.03559712755749633,
      0.14371821182027877, -0.005810433737825554, 0.058320336025542485, -0.044698428407985435,
      -0.2071995956956137, 0.0400588614574402, -0.23581575492452944, 0.039828904386182196,
      0.09090780752675287, 0.033451195989278704, -0.06986402883769705, -0.05304288281931602,
      -0.15800117010177883, -0.06625422345438903};

  /** Same p to 1e-12 relative (nan only where nan is expected). */
  static void assertP(double expected, double actual, String what) {
    if (Double.isNaN(expected)) {
      assertTrue(Double.isNaN(actual), what + ": expected nan, got " + actual);
      return;
    }
    assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
  }

  static Arguments w(String name, double[] d, Significance.ZeroMethod z, boolean correction,
      Significance.WilcoxonMethod m, double p) {
    return Arguments.of(name + " " + z + " correction=" + correction + " " + m, d,
        new Significance.WilcoxonOptions(z, correction, m), p);
  }

  static Stream<Arguments> scipyWilcoxon() {
    return Stream.of(
        w("d(-1, 1, -1, 1)", d(-1, 1, -1, 1), WILCOX, false, AUTO, 1.0),
        w("d(1, 2, 3, 4, 5)", d(1, 2, 3, 4, 5), WILCOX, false, AUTO, 0.0625),
        w("d(0.3)", d(0.3), WILCOX, false, AUTO, 1.0),
        w("d(0.1, 0.2)", d(0.1, 0.2), WILCOX, false, AUTO, 0.5),
        w("d(0.1, -0.2)", d(0.1, -0.2), WILCOX, false, AUTO, 1.0),
        w("d(0, 0.5)", d(0, 0.5), WILCOX, false, AUTO, 1.0),
        w("d(0, 0.5)", d(0, 0.5), PRATT, false, AUTO, 1.0),
        w("d(0, 0.5)", d(0, 0.5), ZSPLIT, false, AUTO, 1.0),
        w("d(0, 0, 0, 0, 0)", d(0, 0, 0, 0, 0), WILCOX, false, AUTO, 1.0),
        w("SMALL", SMALL, WILCOX, false, AUTO, 0.09375),
        w("SMALL", SMALL, PRATT, false, AUTO, 0.125),
        w("SMALL", SMALL, ZSPLIT, false, AUTO, 0.125),
        w("SMALL", SMALL, WILCOX, false, EXACT, 0.109375),
        w("SMALL", SMALL, PRATT, false, EXACT, 0.203125),
        w("SMALL", SMALL, ZSPLIT, false, EXACT, 0.12890625),
        w("SMALL", SMALL, WILCOX, false, ASYMPTOTIC, 0.07488031404005385),
        w("SMALL", SMALL, WILCOX, true, ASYMPTOTIC, 0.08981434395829534),
        w("SMALL", SMALL, PRATT, false, ASYMPTOTIC, 0.10599754842494577),
        w("SMALL", SMALL, PRATT, true, ASYMPTOTIC, 0.11957040533896052),
        w("SMALL", SMALL, ZSPLIT, false, ASYMPTOTIC, 0.10880943004054568),
        w("SMALL", SMALL, ZSPLIT, true, ASYMPTOTIC, 0.12254568572638518),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), WILCOX, false, AUTO, 1.0634775245721288e-07),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), WILCOX, true, AUTO, 1.0654509258116039e-07),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), PRATT, false, AUTO, 1.1902892089667342e-07),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), PRATT, true, AUTO, 1.192456993927669e-07),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), ZSPLIT, false, AUTO, 1.1903120894553014e-07),
        w("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100), ZSPLIT, true, AUTO, 1.1924799132959026e-07),
        w("gen(300, 1, 97, -1, 100)", gen(300, 1, 97, -1, 100), WILCOX, false, AUTO, 6.066759051869752e-51),
        w("gen(300, 1, 97, -1, 100)", gen(300, 1, 97, -1, 100), WILCOX, true, AUTO, 6.09725236148379e-51),
        w("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100), WILCOX, false, AUTO, 0.9682582606176322),
        w("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100), WILCOX, true, AUTO, 0.9722242603621802),
        w("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100), WILCOX, false, EXACT, 0.9764103604406955),
        w("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100), PRATT, false, EXACT, 0.969474172425139),
        w("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100), ZSPLIT, false, EXACT, 0.969474172425139),
        w("gen(51, 37, 101, 50, 100)", gen(51, 37, 101, 50, 100), WILCOX, false, AUTO, 0.9001248851207898),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), WILCOX, false, AUTO, 0.8783055968827609),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), PRATT, false, AUTO, 0.8956059216081258),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), ZSPLIT, false, AUTO, 0.8956878846231119),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), WILCOX, false, EXACT, 0.8985748291015625),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), PRATT, false, EXACT, 0.8694877624511719),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), ZSPLIT, false, EXACT, 0.9272785186767578),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), PRATT, true, AUTO, 0.9104513492581747),
        w("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10), ZSPLIT, true, AUTO, 0.9105217637810805),
        w("gen(13, 5, 7, 3, 10)", gen(13, 5, 7, 3, 10), WILCOX, false, AUTO, 0.98828125),
        w("gen(13, 5, 7, 3, 10)", gen(13, 5, 7, 3, 10), PRATT, false, AUTO, 0.96484375),
        w("gen(13, 5, 7, 3, 10)", gen(13, 5, 7, 3, 10), ZSPLIT, false, AUTO, 0.96484375),
        w("gen(14, 5, 7, 3, 10)", gen(14, 5, 7, 3, 10), WILCOX, false, AUTO, 1.0),
        w("gen(14, 5, 7, 3, 10)", gen(14, 5, 7, 3, 10), WILCOX, true, AUTO, 1.0),
        w("gen(50, 1, 1000, -1, 1)", gen(50, 1, 1000, -1, 1), WILCOX, false, AUTO, 1.7763568394002505e-15),
        w("gen(50, 7, 101, 50.5, 10)", gen(50, 7, 101, 50.5, 10), WILCOX, false, AUTO, 0.31832456588976044),
        w("gen(50, 7, 101, 50.5, 10)", gen(50, 7, 101, 50.5, 10), WILCOX, false, ASYMPTOTIC, 0.31308609275657884),
        w("gen(50, 7, 101, 50.5, 10)", gen(50, 7, 101, 50.5, 10), WILCOX, true, ASYMPTOTIC, 0.3154070613725698),
        w("gen(51, 7, 101, 50.5, 10)", gen(51, 7, 101, 50.5, 10), WILCOX, false, AUTO, 0.30250267023967414),
        w("gen(51, 7, 101, 50.5, 10)", gen(51, 7, 101, 50.5, 10), WILCOX, false, EXACT, 0.30749978167816305),
        w("DL19", DL19, WILCOX, false, AUTO, 0.31340775458446357),
        w("DL19", DL19, WILCOX, true, AUTO, 0.3166447486698757),
        w("DL19", DL19, WILCOX, false, EXACT, 0.32030806105103693)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scipyWilcoxon")
  void wilcoxonMatchesScipy(String name, double[] d, Significance.WilcoxonOptions o, double p) {
    assertP(p, Significance.wilcoxon(d, zeros(d.length), o), name);
    // swapping the runs gives the same two-sided p, except for scipy's Pratt + exact with zeros:
    // it compares R+ without the zeros' ranks with the distribution of all n ranks (as scipy does)
    boolean hasZero = Arrays.stream(d).anyMatch(x -> x == 0);
    if (!(o.zeroMethod() == PRATT && o.method() == EXACT && hasZero)) {
      assertP(p, Significance.wilcoxon(zeros(d.length), d, o), name + " swapped");
    }
  }

  @Test
  void wilcoxonIssueCases() {
    // issue 15: commons-math3's exact path gave 1.125 here, its normal approximation 0.310193
    assertEquals(1.0, Significance.wilcoxon(d(-1, 1, -1, 1), zeros(4)), 0.0);
    assertP(0.31340775458446357, Significance.wilcoxon(DL19, zeros(DL19.length)), "DL19");
    // all zero differences: p = 1 for every n (scipy returns nan above 13 pairs)
    assertEquals(1.0, Significance.wilcoxon(zeros(20), zeros(20)), 0.0);
  }

  /** Issue 15's case end to end: RankLLM's DL19 BM25 and BM25+RM3 runs, nDCG@10, 43 queries. */
  @Test
  void dl19Bm25VersusRm3FromTheRuns() {
    Path dir = SharedData.dir("dl19-dl20-bm25-top100-rankllm");
    Qrels q = Qrels.read(dir.resolve("qrels.dl19-passage.txt").toString());
    RunTable bm25 = RunReader.read(dir.resolve("trec_results_dl19.txt").toString(), RunReader.Mode.STRICT);
    List<RunTable> rm3 = List.of(RunReader.read(
        dir.resolve("other-retrievers/BM25_RM3/trec_results_dl19.txt").toString(), RunReader.Mode.STRICT));
    List<Measure> ndcg = Measure.parseAll(List.of("nDCG@10"));
    Significance.WilcoxonOptions[] options = {Significance.WilcoxonOptions.defaults(),
        new Significance.WilcoxonOptions(WILCOX, true, AUTO),
        new Significance.WilcoxonOptions(WILCOX, false, EXACT)};
    // scipy.stats.wilcoxon: auto (asymptotic: 3 zeros), correction=True, method='exact'
    double[] expected = {0.31340775458446357, 0.3166447486698757, 0.32030806105103693};
    for (int k = 0; k < options.length; k++) {
      Comparison c = Comparison.compare(q, bm25, rm3, ndcg, EvalOptions.defaults(),
          new Comparison.Settings(Significance.Test.WILCOXON, Significance.Correction.HOLM, 0.05,
              1000, SEED, options[k]));
      Comparison.Row r = c.rows().get(0);
      assertArrayEquals(DL19, r.perQueryDelta(), 1e-15);
      assertEquals(23, r.wins());
      assertEquals(17, r.losses());
      assertEquals(3, r.ties());
      assertP(expected[k], r.p(), options[k].toString());
    }
    Comparison t = Comparison.compare(q, bm25, rm3, ndcg, EvalOptions.defaults(),
        Comparison.Settings.defaults());
    assertP(0.3641204381661354, t.rows().get(0).p(), "t-test");
  }

  @Test
  void allZeroDifferencesGiveOneWhateverTheOptions() {
    for (Significance.ZeroMethod z : Significance.ZeroMethod.values()) {
      for (Significance.WilcoxonMethod m : Significance.WilcoxonMethod.values()) {
        for (int n : new int[] {1, 5, 20, 60}) {
          assertEquals(1.0, Significance.wilcoxon(zeros(n), zeros(n),
              new Significance.WilcoxonOptions(z, true, m)), 0.0, z + " " + m + " n=" + n);
        }
      }
    }
  }

  @Test
  void exactSignedRankDistribution() {
    // n = 3: R+ takes 0,1,2,3,3,4,5,6 over the 8 sign patterns
    assertArrayEquals(new double[] {0.125, 0.125, 0.125, 0.25, 0.125, 0.125, 0.125},
        Significance.signedRankPmf(3), 0.0);
    double[] pmf = Significance.signedRankPmf(50);
    assertEquals(50 * 51 / 2 + 1, pmf.length);
    assertEquals(Math.scalb(1.0, -50), pmf[0], 0.0);
    double total = 0;
    for (double v : pmf) {
      total += v;
    }
    assertEquals(1.0, total, 0.0, "every partial sum is exact for n <= 53");
    TrawlException e = assertThrows(TrawlException.class, () -> Significance.wilcoxon(
        gen(2001, 1, 100_000, -1, 1), zeros(2001),
        new Significance.WilcoxonOptions(WILCOX, false, EXACT)));
    assertTrue(e.getMessage().contains("at most 2000"), e.getMessage());
  }

  @Test
  void pairedTMatchesScipy() {
    assertP(0.3948630865774931, Significance.pairedT(d(0.5, 0.3), d(0.2, 0.25)), "n=2");
    assertP(6.065869724000333e-08, Significance.pairedT(gen(300, 37, 101, 40, 100),
        gen(300, 13, 17, 8, 50)), "n=300");
    assertP(2.2454046928677144e-88, Significance.pairedT(gen(300, 1, 97, -1, 100), zeros(300)),
        "extreme");
    assertP(0.8943573065339332, Significance.pairedT(zeros(20), gen(20, 7, 11, 5, 10)), "n=20");
    assertP(0.3641204381661354, Significance.pairedT(DL19, zeros(DL19.length)), "DL19");
    // one pair with a difference: no variance to estimate, p undefined (scipy: nan); it was 0
    assertTrue(Double.isNaN(Significance.pairedT(d(0.5), d(0.2))));
    // conventions where scipy says nan / inf: identical runs 1, a constant difference 0
    assertEquals(1.0, Significance.pairedT(d(0.5), d(0.5)), 0.0);
    assertEquals(0.0, Significance.pairedT(d(1, 2, 3), d(0, 1, 2)), 0.0);
  }

  @Test
  void randomizationApproachesTheExactSignFlipP() {
    // exact two-sided sign-flip p of the sum (scipy permutation_test, all 2^n patterns)
    assertEquals(0.09375, Significance.randomization(SMALL, zeros(9), 200_000, SEED), 0.003);
    assertEquals(0.015625, Significance.randomization(
        d(0.3, -0.1, 0.25, 0.4, 0.05, 0.2, -0.02, 0.15, 0.3, 0.1), zeros(10), 200_000, SEED), 0.002);
    // |sum| = 0 is reached by every pattern; one pair: every pattern has the same |sum|
    assertEquals(1.0, Significance.randomization(d(1, -1, 1, -1), zeros(4), 1000, SEED), 0.0);
    assertEquals(1.0, Significance.randomization(d(0.4), d(0.1), 1000, SEED), 0.0);
  }

  @Test
  void aNanScoreGivesNan() {
    // scipy's nan_policy='propagate'; the sign-flip test used to give 1 / (trials + 1) here
    double[] a = {0.1, Double.NaN, 0.3, 0.5};
    double[] b = {0.2, 0.2, 0.1, 0.1};
    assertTrue(Double.isNaN(Significance.pairedT(a, b)));
    assertTrue(Double.isNaN(Significance.wilcoxon(a, b)));
    assertTrue(Double.isNaN(Significance.randomization(a, b, 1000, SEED)));
  }

  @Test
  void correctionsMatchStatsmodels() {
    double[] p = {0.01, 0.04, 0.03, 0.005, 0.04, 0.9, 0.2, 0.0};
    assertArrayEquals(new double[] {0.08, 0.32, 0.24, 0.04, 0.32, 1.0, 1.0, 0.0},
        Significance.correct(p, Significance.Correction.BONFERRONI), 1e-15);
    assertArrayEquals(new double[] {0.06, 0.16, 0.15, 0.035, 0.16, 0.9, 0.4, 0.0},
        Significance.correct(p, Significance.Correction.HOLM), 1e-15);
  }

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
    Comparison c = Comparison.compare(Qrels.read(q.toString()), RunReader.read(base.toString(), RunReader.Mode.STRICT),
        List.of(RunReader.read(run.toString(), RunReader.Mode.STRICT)), Measure.parseAll(List.of("RR")),
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
