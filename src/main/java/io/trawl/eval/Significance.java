package io.trawl.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/**
 * Paired significance tests over per-query scores and multiple-comparison corrections. All tests are
 * two-sided; inputs are aligned arrays (query i of {@code a} pairs with query i of {@code b}).
 */
public final class Significance {
  private Significance() {}

  /** Which paired test. */
  public enum Test {
    /** Student's paired t-test (commons-math3 {@code TTest.pairedTTest}). */
    T,
    /** Wilcoxon signed-rank on the non-zero differences (commons-math3; exact for n <= 30). */
    WILCOXON,
    /** Fisher's randomization (sign-flip permutation) test on the mean difference, seeded. */
    RANDOMIZATION
  }

  /** Multiple-comparison corrections. */
  public enum Correction { NONE, BONFERRONI, HOLM }

  /** Two-sided paired t-test p. Identical inputs give 1; a constant non-zero difference gives 0. */
  public static double pairedT(double[] a, double[] b) {
    check(a, b);
    double[] d = diffs(a, b);
    boolean allSame = Arrays.stream(d).allMatch(x -> x == d[0]);
    if (allSame) {
      return d[0] == 0 ? 1.0 : 0.0;
    }
    if (a.length < 2) {
      return 1.0;
    }
    return new TTest().pairedTTest(a, b);
  }

  /** Two-sided Wilcoxon signed-rank p over the non-zero differences; 1 when all are zero. */
  public static double wilcoxon(double[] a, double[] b) {
    check(a, b);
    int[] keep = IntStream.range(0, a.length).filter(i -> a[i] != b[i]).toArray();
    if (keep.length == 0) {
      return 1.0;
    }
    double[] x = new double[keep.length];
    double[] y = new double[keep.length];
    for (int i = 0; i < keep.length; i++) {
      x[i] = a[keep[i]];
      y[i] = b[keep[i]];
    }
    return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(x, y, keep.length <= 30);
  }

  /**
   * Fisher's randomization test: under the null each query's difference is equally likely to have
   * either sign. p = (1 + #{trials with |mean| >= observed |mean|}) / (1 + trials). Deterministic
   * for a seed; identical inputs give exactly 1.
   */
  public static double randomization(double[] a, double[] b, int trials, long seed) {
    check(a, b);
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be >= 1, got " + trials);
    }
    double[] d = diffs(a, b);
    int n = d.length;
    double observed = Math.abs(sum(d));
    double eps = 1e-12 * Math.max(1.0, observed);
    SplittableRandom rnd = new SplittableRandom(seed);
    long atLeast = 0;
    for (int t = 0; t < trials; t++) {
      double s = 0;
      int i = 0;
      while (i < n) {
        long bits = rnd.nextLong();
        for (int k = 0; k < 64 && i < n; k++, i++) {
          s += ((bits >>> k) & 1L) == 0 ? d[i] : -d[i];
        }
      }
      if (Math.abs(s) >= observed - eps) {
        atLeast++;
      }
    }
    return (atLeast + 1.0) / (trials + 1.0);
  }

  /** Applies a correction to a family of p-values (returned in the same order). */
  public static double[] correct(double[] p, Correction c) {
    int m = p.length;
    double[] out = new double[m];
    switch (c) {
      case NONE -> System.arraycopy(p, 0, out, 0, m);
      case BONFERRONI -> {
        for (int i = 0; i < m; i++) {
          out[i] = Math.min(1.0, p[i] * m);
        }
      }
      case HOLM -> {
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
          order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double running = 0;
        for (int r = 0; r < m; r++) {
          int i = order[r];
          double adj = Math.min(1.0, (m - r) * p[i]);
          running = Math.max(running, adj);
          out[i] = running;
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  private static void check(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired samples differ in length: " + a.length + " vs "
          + b.length);
    }
    if (a.length == 0) {
      throw new IllegalArgumentException("no paired values");
    }
  }

  private static double[] diffs(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static double sum(double[] d) {
    double s = 0;
    for (double x : d) {
      s += x;
    }
    return s;
  }
}
