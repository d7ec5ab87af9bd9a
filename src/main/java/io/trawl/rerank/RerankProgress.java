package io.trawl.rerank;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Reranking progress on stderr: queries and candidates done, candidates/s and ETA. On a terminal
 * one line redrawn at most twice a second (carriage return); otherwise a line every 30 seconds,
 * so a log shows a long job moving. The rate, and so the ETA, is measured over the last minute
 * (after the first one), not since the start.
 */
public final class RerankProgress {
  private final PrintStream err;
  private final String what;
  private final long total;
  private final int queries;
  private final boolean live;
  private final long start = System.nanoTime();
  private long done;
  private int queriesDone;
  private long last = System.nanoTime();
  private long windowStart = System.nanoTime();
  private long windowDone;
  private double recentRate;
  private boolean printed;

  /**
   * @param err where the lines go (null: none)
   * @param live redraw one line (a terminal) instead of writing periodic lines
   */
  public RerankProgress(PrintStream err, String what, long total, int queries, boolean live) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.queries = queries;
    this.live = live;
  }

  /** One more query done, with {@code n} candidates. */
  public synchronized void update(long n) {
    done += n;
    queriesDone++;
    long now = System.nanoTime();
    if (now - windowStart >= 60_000_000_000L) {
      recentRate = (done - windowDone) / ((now - windowStart) / 1e9);
      windowStart = now;
      windowDone = done;
    }
    boolean end = queriesDone == queries;
    if (err == null || !end && now - last < (live ? 500_000_000L : 30_000_000_000L)
        || end && !live && !printed) {
      return; // a log gets no closing line for a job that never needed a periodic one
    }
    printed = true;
    last = now;
    double s = (now - start) / 1e9;
    double rate = recentRate > 0 ? recentRate : done / Math.max(s, 1e-9);
    long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    String msg = String.format(Locale.ROOT, "%s: %d/%d queries, %d/%d candidates, %.1f candidates/s, ETA %s",
        what, queriesDone, queries, done, total, rate, eta >= 3600 ? eta / 3600 + "h" + (eta % 3600) / 60 + "m"
            : eta >= 60 ? eta / 60 + "m" + eta % 60 + "s" : eta + "s");
    if (live) {
      err.print("\r" + msg + (end ? "\n" : ""));
    } else {
      err.println(msg);
    }
    err.flush();
  }
}
