package io.trawl.regress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain-text reports: per regression a table of expected against actual values with the
 * difference and a verdict per row, and a summary over several regressions.
 */
public final class RegressionReport {
  private RegressionReport() {}

  /** The table for one regression. */
  public static String render(RegressionResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("== ").append(r.name()).append(" (").append(r.file()).append(")\n");
    if (r.skipped() != null) {
      sb.append("skipped: ").append(r.skipped()).append('\n');
      return sb.toString();
    }
    if (r.index() != null) {
      sb.append("index ").append(r.index()).append(": ")
          .append(r.indexReused() ? "reused (metadata matches the spec)" : "built")
          .append(String.format(Locale.ROOT, " in %.1f s%n", r.indexSeconds()));
    }
    if (!r.stats().isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"index stat", "expected", "actual", "diff", "result"});
      for (RegressionResult.StatCheck s : r.stats()) {
        long d = s.actual() - s.expected();
        rows.add(new String[] {s.stat(), Long.toString(s.expected()), Long.toString(s.actual()),
            d == 0 ? "" : (d > 0 ? "+" : "") + d, s.passed() ? "ok" : "MISMATCH"});
      }
      table(sb, rows, new boolean[] {false, true, true, true, false});
    }
    if (r.runs().stream().allMatch(x -> x.skipped() != null)) {
      for (RegressionResult.RunResult run : r.runs()) {
        sb.append("run ").append(run.run()).append(": skipped: ").append(run.skipped()).append('\n');
      }
      sb.append("result: SKIP (no run can run here)\n");
      return sb.toString();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"run", "topics", "measure", "expected", "actual", "diff", "rule", "result"});
    for (RegressionResult.RunResult run : r.runs()) {
      if (run.skipped() != null) {
        rows.add(new String[] {run.run(), "-", "-", "-", "-", "", "", "skipped: " + run.skipped()});
        continue;
      }
      for (Check c : run.checks()) {
        String diff = c.passed() && c.tolerance() == null ? ""
            : String.format(Locale.ROOT, "%+.4f", c.delta());
        rows.add(new String[] {run.run(), c.topics(), c.measure(), Check.fourDecimals(c.expected()),
            Check.fourDecimals(c.actual()), diff, c.rule(), c.passed() ? "ok" : "MISMATCH"});
      }
    }
    table(sb, rows, new boolean[] {false, false, false, true, true, true, false, false});
    for (RegressionResult.RunResult run : r.runs()) {
      if (run.skipped() == null) {
        sb.append(String.format(Locale.ROOT, "run %s: %s (%.1f s)%n", run.run(), run.tag(), run.seconds()));
      }
    }
    RegressionResult.Status st = r.status();
    sb.append("result: ").append(st);
    if (st == RegressionResult.Status.FAIL) {
      sb.append(" (").append(r.failures()).append(r.failures() == 1 ? " check differs" : " checks differ")
          .append(")");
    }
    long skippedRuns = r.runs().stream().filter(x -> x.skipped() != null).count();
    if (skippedRuns > 0 && st != RegressionResult.Status.SKIP) {
      sb.append(", ").append(skippedRuns).append(skippedRuns == 1 ? " run skipped" : " runs skipped");
    }
    sb.append(String.format(Locale.ROOT, " in %.1f s%n", r.seconds()));
    for (RegressionResult.RunResult run : r.runs()) {
      for (Check c : run.checks()) {
        if (!c.passed()) {
          sb.append(String.format(Locale.ROOT, "  %s / %s / %s: expected %s, got %s (%+.4f, allowed %s)%n",
              run.run(), c.topics(), c.measure(), Check.fourDecimals(c.expected()),
              Check.fourDecimals(c.actual()), c.delta(), c.rule()));
        }
      }
    }
    for (RegressionResult.StatCheck s : r.stats()) {
      if (!s.passed()) {
        sb.append(String.format(Locale.ROOT, "  index %s: expected %d, got %d%n", s.stat(), s.expected(),
            s.actual()));
      }
    }
    return sb.toString();
  }

  /** One line per regression and a total. */
  public static String summary(List<RegressionResult> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"regression", "result", "time", "detail"});
    int pass = 0;
    int fail = 0;
    int skip = 0;
    for (RegressionResult r : results) {
      RegressionResult.Status st = r.status();
      switch (st) {
        case PASS -> pass++;
        case FAIL -> fail++;
        case SKIP -> skip++;
        default -> { }
      }
      String detail = r.skipped() != null ? "skipped: " + r.skipped()
          : st == RegressionResult.Status.FAIL ? r.failures() + " mismatched"
          : st == RegressionResult.Status.SKIP ? "skipped: " + String.join("; ", r.runs().stream()
              .map(x -> x.run() + " " + x.skipped()).toList()) : "";
      rows.add(new String[] {r.name(), st.toString(), String.format(Locale.ROOT, "%.1f s", r.seconds()), detail});
    }
    StringBuilder sb = new StringBuilder();
    table(sb, rows, new boolean[] {false, false, true, false});
    sb.append(String.format(Locale.ROOT, "%d passed, %d failed, %d skipped%n", pass, fail, skip));
    return sb.toString();
  }

  static void table(StringBuilder sb, List<String[]> rows, boolean[] rightAlign) {
    int cols = rows.get(0).length;
    int[] w = new int[cols];
    for (String[] row : rows) {
      for (int i = 0; i < cols; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        if (i > 0) {
          line.append("  ");
        }
        String cell = row[i];
        if (i == cols - 1) {
          line.append(cell);
        } else if (rightAlign[i]) {
          line.append(" ".repeat(w[i] - cell.length())).append(cell);
        } else {
          line.append(cell).append(" ".repeat(w[i] - cell.length()));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
