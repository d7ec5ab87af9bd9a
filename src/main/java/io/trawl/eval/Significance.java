package io.trawl.eval;

import io.trawl.core.TrawlException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.stat.inference.TTest;

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
    /** Wilcoxon signed-rank as {@code scipy.stats.wilcoxon} computes it ({@link WilcoxonOptions}). */
    WILCOXON,
    /** Fisher's randomization (sign-flip permutation) test on the mean difference, seeded. */
    RANDOMIZATION
  }

  /** Multiple-comparison corrections. */
  public enum Correction { NONE, BONFERRONI, HOLM }

  /** How the Wilcoxon test treats zero differences (scipy's {@code zero_method}). */
  public enum ZeroMethod {
    /** Drop them before ranking (Wilcoxon 1945); scipy's default. */
    WILCOX,
    /** Rank them with the others, then leave their ranks out of both sums (Pratt 1959). */
    PRATT,
    /** Rank them with the others and give half of their ranks to each sum. */
    ZSPLIT
  }

  /** How the Wilcoxon p-value is computed (scipy's {@code method}). */
  public enum WilcoxonMethod {
    /** Exact when n &lt;= 50 without ties or zeros; sign-flip permutation when n &lt;= 13 else. */
    AUTO,
    /** The exact null distribution of the signed-rank sum. */
    EXACT,
    /** The normal approximation with tie correction. */
    ASYMPTOTIC
  }

  /**
   * Options of the Wilcoxon signed-rank test, named as the arguments of {@code
   * scipy.stats.wilcoxon}; {@link #defaults()} are scipy's defaults.
   *
   * @param zeroMethod zero differences: {@code zero_method}
   * @param continuityCorrection {@code correction}: move z by 0.5/se towards 0 (asymptotic only)
   * @param method {@code method}
   */
  public record WilcoxonOptions(ZeroMethod zeroMethod, boolean continuityCorrection,
      WilcoxonMethod method) {
    public WilcoxonOptions {
      Objects.requireNonNull(zeroMethod, "zeroMethod");
      Objects.requireNonNull(method, "method");
    }

    /** scipy's defaults: zero_method='wilcox', correction=False, method='auto'. */
    public static WilcoxonOptions defaults() {
      return new WilcoxonOptions(ZeroMethod.WILCOX, false, WilcoxonMethod.AUTO);
    }
  }

  /**
   * Two-sided paired t-test p ({@code scipy.stats.ttest_rel}). Identical inputs give 1 (scipy: nan);
   * a constant non-zero difference over two or more pairs gives 0 (t is infinite); a single pair
   * with a non-zero difference gives nan (no variance to estimate; scipy: nan).
   */
  public static double pairedT(double[] a, double[] b) {
    check(a, b);
    double[] d = diffs(a, b);
    if (hasNaN(d)) {
      return Double.NaN;
    }
    boolean allSame = Arrays.stream(d).allMatch(x -> x == d[0]);
    if (allSame && d[0] == 0) {
      return 1.0;
    }
    if (a.length < 2) {
      return Double.NaN;
    }
    if (allSame) {
      return 0.0;
    }
    return new TTest().pairedTTest(a, b);
  }

  /**
   * Two-sided Wilcoxon signed-rank p with scipy's defaults ({@link WilcoxonOptions#defaults()}); see
   * {@link #wilcoxon(double[], double[], WilcoxonOptions)}.
   */
  public static double wilcoxon(double[] a, double[] b) {
    return wilcoxon(a, b, WilcoxonOptions.defaults());
  }

  /**
   * Two-sided Wilcoxon signed-rank test on the differences {@code d = a - b}, computed as
   * {@code scipy.stats.wilcoxon(a, b, zero_method, correction, method=...)} (scipy 1.17) does.
   *
   * <p>The absolute differences are ranked with average ranks for ties: with {@code WILCOX} zeros
   * are dropped first; with {@code PRATT} they are ranked and then left out of both sums; with
   * {@code ZSPLIT} half of each zero's rank goes to each sum. The statistic is R+, the sum of the
   * ranks of the positive differences.
   *
   * <ul>
   *   <li>{@code AUTO} picks as scipy does, counting every pair (zeros included) in {@code n}: more
   *       than 50 pairs: asymptotic; no ties and no zeros: exact; otherwise, n at most 13: the exact
   *       sign-flip permutation distribution of R+ over all 2<sup>n</sup> sign patterns
   *       (scipy's {@code permutation_test}, exhaustive below 9,999 patterns); otherwise asymptotic.
   *   <li>{@code EXACT}: the null distribution of the signed-rank sum for the number of ranked
   *       differences, p = 2 min(P(R &ge; floor R+), P(R &le; ceil R+)), at most 1 (with ties the
   *       rounding makes it conservative, as in scipy).
   *   <li>{@code ASYMPTOTIC}: z = (R+ - n(n+1)/4) / se with se&sup2; = (n(n+1)(2n+1) - &Sigma;(t&sup3;
   *       - t)/2) / 24 over the tie groups t (Pratt also removes the zeros' share from the mean
   *       and the variance); with the continuity correction z moves 0.5/se towards 0; p = 2
   *       &Phi;(-|z|).
   * </ul>
   *
   * <p>All-zero differences give p = 1 (scipy returns 1 for up to 13 pairs and nan above).
   */
  public static double wilcoxon(double[] a, double[] b, WilcoxonOptions o) {
    check(a, b);
    double[] d = diffs(a, b);
    if (hasNaN(d)) {
      return Double.NaN;
    }
    int n = d.length;
    int zeros = 0;
    for (double x : d) {
      if (x == 0) {
        zeros++;
      }
    }
    if (zeros == n) {
      return 1.0;
    }
    SignedRanks r = SignedRanks.of(d, o.zeroMethod());
    WilcoxonMethod m = o.method();
    if (m == WilcoxonMethod.AUTO) {
      if (n > 50) {
        m = WilcoxonMethod.ASYMPTOTIC;
      } else if (!r.ties() && zeros == 0) {
        m = WilcoxonMethod.EXACT;
      } else if (n <= 13) {
        return r.signFlipP();
      } else {
        m = WilcoxonMethod.ASYMPTOTIC;
      }
    }
    return m == WilcoxonMethod.EXACT ? r.exactP() : r.asymptoticP(o.continuityCorrection());
  }

  /** The ranked differences of one Wilcoxon test and its three ways to a p-value. */
  private record SignedRanks(double[] d, double[] rank, ZeroMethod zeroMethod, int count,
      int zeros, double rPlus, double tieSum, boolean ties) {

    static SignedRanks of(double[] d, ZeroMethod zm) {
      int n = d.length;
      Integer[] order = IntStream.range(0, n).filter(i -> zm != ZeroMethod.WILCOX || d[i] != 0)
          .boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingDouble(i -> Math.abs(d[i])));
      int count = order.length;
      double[] rank = new double[n];
      double tieSum = 0;
      boolean ties = false;
      for (int s = 0; s < count; ) {
        int e = s + 1;
        while (e < count && Math.abs(d[order[e]]) == Math.abs(d[order[s]])) {
          e++;
        }
        double avg = (s + 1 + e) / 2.0;
        for (int k = s; k < e; k++) {
          rank[order[k]] = avg;
        }
        double t = e - s;
        ties |= t > 1;
        // Pratt leaves the tie group of the zeros (always the lowest) out of the tie correction
        if (!(zm == ZeroMethod.PRATT && d[order[s]] == 0)) {
          tieSum += t * t * t - t;
        }
        s = e;
      }
      int zeros = 0;
      double rPlus = 0;
      double zeroRanks = 0;
      for (int i = 0; i < n; i++) {
        if (d[i] > 0) {
          rPlus += rank[i];
        } else if (d[i] == 0) {
          zeros++;
          zeroRanks += rank[i];
        }
      }
      if (zm == ZeroMethod.ZSPLIT) {
        rPlus += zeroRanks / 2;
      }
      return new SignedRanks(d, rank, zm, count, zeros, rPlus, tieSum, ties);
    }

    double asymptoticP(boolean continuity) {
      double c = count;
      double mean = c * (c + 1) * 0.25;
      double var = c * (c + 1) * (2 * c + 1);
      if (zeroMethod == ZeroMethod.PRATT) {
        double z0 = zeros;
        mean -= z0 * (z0 + 1) * 0.25;
        var -= z0 * (z0 + 1) * (2 * z0 + 1);
      }
      double se = Math.sqrt((var - tieSum / 2) / 24);
      double z = (rPlus - mean) / se;
      if (continuity) {
        z -= Math.signum(z) * 0.5 / se;
      }
      return 2 * normalSf(Math.abs(z));
    }

    double exactP() {
      if (count > MAX_EXACT) {
        throw TrawlException.invalid("the exact Wilcoxon distribution is computed for at most "
            + MAX_EXACT + " ranked differences, got " + count + "; use the asymptotic method");
      }
      double[] pmf = signedRankPmf(count);
      double mean = count * (count + 1) / 4.0;
      long lo = (long) Math.floor(rPlus);
      long hi = (long) Math.ceil(rPlus);
      // P(R >= lo) and P(R <= hi), each summed from its nearer tail as scipy does
      double sf = lo <= mean ? sum(pmf, lo, pmf.length) : 1 - sum(pmf, 0, lo);
      double cdf = hi <= mean ? sum(pmf, 0, hi + 1) : 1 - sum(pmf, hi + 1, pmf.length);
      return Math.min(1.0, 2 * Math.min(sf, cdf));
    }

    /** R+ under each of the 2^k sign patterns of the non-zero differences (k &lt;= 13). */
    double signFlipP() {
      int[] idx = IntStream.range(0, d.length).filter(i -> d[i] != 0).toArray();
      double base = rPlus;
      for (int i : idx) {
        if (d[i] > 0) {
          base -= rank[i]; // what remains is the zeros' share (zsplit), fixed under sign flips
        }
      }
      long patterns = 1L << idx.length;
      double gamma = Math.abs(100 * Math.ulp(1.0) * rPlus);
      long below = 0;
      long above = 0;
      for (long mask = 0; mask < patterns; mask++) {
        double s = base;
        for (int k = 0; k < idx.length; k++) {
          if ((mask >>> k & 1L) != 0) {
            s += rank[idx[k]];
          }
        }
        if (s <= rPlus + gamma) {
          below++;
        }
        if (s >= rPlus - gamma) {
          above++;
        }
      }
      return Math.min(1.0, 2.0 * Math.min(below, above) / patterns);
    }
  }

  /** Largest number of ranked differences {@code EXACT} accepts (the work grows as n^3). */
  static final int MAX_EXACT = 2000;

  /**
   * P(R = r), r = 0..n(n+1)/2, for the signed-rank sum R of n untied ranks under the null: built
   * one rank at a time, halving, as scipy's {@code _get_wilcoxon_distr} does (every value and
   * partial sum is exact for n &lt;= 53).
   */
  static double[] signedRankPmf(int n) {
    double[] c = {1.0};
    for (int k = 1; k <= n; k++) {
      double[] next = new double[k * (k + 1) / 2 + 1];
      int m = c.length;
      for (int i = 0; i < m; i++) {
        next[i] += c[i] * 0.5;
        next[next.length - m + i] += c[i] * 0.5;
      }
      c = next;
    }
    return c;
  }

  private static double sum(double[] v, long from, long to) {
    double s = 0;
    for (long i = Math.max(0, from); i < Math.min(to, v.length); i++) {
      s += v[(int) i];
    }
    return s;
  }

  /** Standard normal upper tail P(Z &gt; x) for x &gt;= 0, accurate in the far tail. */
  private static double normalSf(double x) {
    return 0.5 * Erf.erfc(x / Math.sqrt(2));
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
    if (hasNaN(d)) {
      return Double.NaN;
    }
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

  /** A nan score makes every test's p nan (scipy's nan_policy='propagate'). */
  private static boolean hasNaN(double[] d) {
    return Arrays.stream(d).anyMatch(Double::isNaN);
  }

  private static double sum(double[] d) {
    double s = 0;
    for (double x : d) {
      s += x;
    }
    return s;
  }
}
