package io.trawl.cli;

import java.io.PrintWriter;

/**
 * Items/s and ETA on stderr, at most every two seconds, only when stderr is a terminal or forced;
 * the rate is the last half minute's once there is one.
 */
final class Progress {
  private final PrintWriter err;
  private final String what;
  private final long total;
  private final long start = System.nanoTime();
  private final boolean enabled;
  private long last;
  private long windowStart = System.nanoTime();
  private long windowDone;
  private double recentRate;

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
    // the ETA from the last half minute's rate: long texts late in a corpus slow encoding down,
    // and a rate since the start then promises too little time
    if (now - windowStart >= 30_000_000_000L) {
      recentRate = (done - windowDone) / ((now - windowStart) / 1e9);
      windowStart = now;
      windowDone = done;
    }
    double rate = recentRate > 0 ? recentRate : done / Math.max(s, 1e-9);
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    err.printf("%s: %d/%d (%.1f/s, ETA %ds)%n", what, done, total, rate, eta);
    err.flush();
  }

  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }
}
