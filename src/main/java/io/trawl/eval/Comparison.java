package io.trawl.eval;

import io.trawl.core.TrawlException;
import io.trawl.io.RunTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A baseline against one or more runs over the same qrels and measures. Per-query scores are aligned
 * on every qrels query (a query a run lacks scores 0, as with {@code -c}); each (run, measure) pair
 * gets its means, delta, wins/losses/ties, a paired test's p-value and a corrected p-value. The family
 * for the correction is every comparison in the report (runs x measures).
 */
public record Comparison(String baseline, List<String> runs, List<String> measures,
    List<String> queryIds, Settings settings, List<Row> rows) {

  /** How to test; {@code wilcoxon} applies to {@link Significance.Test#WILCOXON} only. */
  public record Settings(Significance.Test test, Significance.Correction correction, double alpha,
      int trials, long seed, Significance.WilcoxonOptions wilcoxon) {
    public Settings {
      if (!(alpha > 0 && alpha < 1)) {
        throw TrawlException.invalid("alpha must be in (0, 1), got " + alpha);
      }
      if (trials < 1) {
        throw TrawlException.invalid("trials must be >= 1, got " + trials);
      }
      Objects.requireNonNull(wilcoxon, "wilcoxon");
    }

    /** With scipy's default Wilcoxon options. */
    public Settings(Significance.Test test, Significance.Correction correction, double alpha,
        int trials, long seed) {
      this(test, correction, alpha, trials, seed, Significance.WilcoxonOptions.defaults());
    }

    public static Settings defaults() {
      return new Settings(Significance.Test.T, Significance.Correction.HOLM, 0.05, 10_000, 42L);
    }
  }

  /** One run against the baseline on one measure. */
  public record Row(String run, String measure, double baselineMean, double mean, double delta,
      double p, double pCorrected, int wins, int losses, int ties, double[] perQueryDelta) {
    public boolean significant(double alpha) {
      return pCorrected < alpha;
    }
  }

  public static Comparison compare(Qrels qrels, RunTable baseline, List<RunTable> runs,
      List<Measure> measures, EvalOptions options, Settings s) {
    EvalOptions o = options.withComplete(true);
    EvalResult base = Evaluator.evaluate(qrels, baseline, measures, o);
    List<String> names = base.numericNames();
    if (names.isEmpty()) {
      throw TrawlException.invalid("no per-query measure to compare");
    }
    List<Row> partial = new ArrayList<>();
    List<Double> ps = new ArrayList<>();
    List<String> runNames = new ArrayList<>();
    for (RunTable run : runs) {
      EvalResult r = Evaluator.evaluate(qrels, run, measures, o);
      runNames.add(run.source());
      for (String n : names) {
        double[] b = base.perQuery(n);
        double[] x = r.perQuery(n);
        int w = 0;
        int l = 0;
        int t = 0;
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
          d[i] = x[i] - b[i];
          if (Math.abs(d[i]) <= 1e-12) {
            t++;
          } else if (d[i] > 0) {
            w++;
          } else {
            l++;
          }
        }
        double p = switch (s.test()) {
          case T -> Significance.pairedT(x, b);
          case WILCOXON -> Significance.wilcoxon(x, b, s.wilcoxon());
          case RANDOMIZATION -> Significance.randomization(x, b, s.trials(), s.seed());
        };
        double bm = base.summary(n);
        double m = r.summary(n);
        partial.add(new Row(run.source(), n, bm, m, m - bm, p, Double.NaN, w, l, t, d));
        ps.add(p);
      }
    }
    double[] corrected = Significance.correct(ps.stream().mapToDouble(Double::doubleValue).toArray(),
        s.correction());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < partial.size(); i++) {
      Row r = partial.get(i);
      rows.add(new Row(r.run(), r.measure(), r.baselineMean(), r.mean(), r.delta(), r.p(),
          corrected[i], r.wins(), r.losses(), r.ties(), r.perQueryDelta()));
    }
    return new Comparison(baseline.source(), runNames, names, base.queryIds(), s, rows);
  }
}
