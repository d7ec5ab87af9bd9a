package io.trawl.regress;

import java.nio.file.Path;
import java.util.List;

/**
 * What running one regression gave.
 *
 * @param name the spec's name
 * @param file the spec file
 * @param skipped why the whole spec was skipped (null when it ran)
 * @param index the index used (null when none)
 * @param indexReused true when an existing matching index was reused
 * @param indexSeconds time spent building or checking the index
 * @param stats the index statistics checks
 * @param runs one result per run
 * @param seconds total wall time
 */
public record RegressionResult(String name, Path file, String skipped, Path index, boolean indexReused,
    double indexSeconds, List<StatCheck> stats, List<RunResult> runs, double seconds) {

  public enum Status { PASS, FAIL, SKIP }

  public static RegressionResult skipped(String name, Path file, String reason) {
    return new RegressionResult(name, file, reason, null, false, 0, List.of(), List.of(), 0);
  }

  public Status status() {
    if (skipped != null) {
      return Status.SKIP;
    }
    if (stats.stream().anyMatch(s -> !s.passed())
        || runs.stream().anyMatch(r -> r.checks().stream().anyMatch(c -> !c.passed()))) {
      return Status.FAIL;
    }
    if (runs.stream().allMatch(r -> r.skipped() != null)) {
      return Status.SKIP;
    }
    return Status.PASS;
  }

  /** Number of failed checks (index stats and values). */
  public long failures() {
    return stats.stream().filter(s -> !s.passed()).count()
        + runs.stream().flatMap(r -> r.checks().stream()).filter(c -> !c.passed()).count();
  }

  /**
   * One index statistic.
   *
   * @param stat documents, unique terms or total terms
   * @param expected from the spec
   * @param actual from the index metadata
   */
  public record StatCheck(String stat, long expected, long actual) {
    public boolean passed() {
      return expected == actual;
    }
  }

  /**
   * One run.
   *
   * @param run the run's name
   * @param pipeline the pipeline template as written
   * @param tag the canonical pipeline actually run (the run tag), per first topic set; null if skipped
   * @param skipped why it did not run (null when it ran)
   * @param checks the value checks
   * @param runFiles the run files written
   * @param seconds wall time
   */
  public record RunResult(String run, String pipeline, String tag, String skipped, List<Check> checks,
      List<Path> runFiles, double seconds) {}
}
