package io.trawl.cli;

import java.io.PrintWriter;

/** Items/s and ETA on stderr, at most every two seconds, only when stderr is a terminal or forced. */
final class Progress {
  private final PrintWriter err;
  private final String what;
  private final long total;
  private final long start = System.nanoTime();
  private final boolean enabled;
  private long last;

  Progress(PrintWriter err, String what, long total) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.enabled = System.console() != null || Boolean.getBoolean("trawl.progress");
  }

  void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - last < 2_000_000_000L && done < total) {
      return;
    }
    last = now;
    double s = (now - start) / 1e9;
    double rate = done / Math.max(s, 1e-9);
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    err.printf("%s: %d/%d (%.1f/s, ETA %ds)%n", what, done, total, rate, eta);
    err.flush();
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
