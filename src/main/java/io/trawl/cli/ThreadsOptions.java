package io.trawl.cli;

import io.trawl.core.TrawlException;
import picocli.CommandLine.Option;

/**
 * {@code --threads N}: worker threads for the command's main work, one meaning everywhere; 0 means
 * all cores. The default depends on the kind of work ({@link Work}); docs/cli.md has the table.
 */
public final class ThreadsOptions implements Trawl.Checked {
  /** The kinds of work and their default thread counts. */
  public enum Work {
    /** Query-parallel lexical retrieval (search, run, demo): all cores. */
    RETRIEVAL(false),
    /** Indexing (index; regress run, which indexes and retrieves): all cores, at most 8. */
    INDEXING(true),
    /** Neural encoding (encode, dense-index, dense-search): all cores. */
    NEURAL(false);

    private final boolean capped;

    Work(boolean capped) {
      this.capped = capped;
    }
  }

  /** The most threads indexing takes by default (more rarely pays: merging and memory). */
  static final int INDEXING_CAP = 8;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads for the main work; 0 = all cores (default: all cores;"
          + " index and regress run: all cores, at most " + INDEXING_CAP + ").")
  Integer threads;

  @Override
  public void check() {
    if (threads != null && threads < 0) {
      throw TrawlException.invalid("--threads must be 0 (all cores) or more, got " + threads);
    }
  }

  /** The thread count for this kind of work: given, else the kind's default; 0 = all cores. */
  public int resolve(Work work) {
    check();
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads == null) {
      return work.capped ? Math.max(1, Math.min(INDEXING_CAP, cores)) : cores;
    }
    return threads == 0 ? cores : threads;
  }

  /** For encoders, where 0 already means all cores: the number given, else 0. */
  public int forEncoder() {
    check();
    return threads == null ? 0 : threads;
  }
}
