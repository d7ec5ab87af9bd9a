package io.trawl.index;

import io.trawl.corpus.CorpusReader;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long build on stderr: when live (a terminal), a status line redrawn every second
 * with documents indexed, documents per second, percentage read and ETA (the total is estimated
 * from the bytes read of the input), then the merge phase; otherwise nothing until the caller's
 * summary line. Warnings always go out (unless quiet).
 */
final class Progress {
  private final PrintWriter out;
  private final boolean live;
  private Thread ticker;
  private long started;
  private volatile String phase = "indexing";

  Progress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live && out != null;
  }

  /** Names what happens now (e.g. "merging"), shown on the status line. */
  void phase(String phase) {
    this.phase = phase;
  }

  void start(CorpusReader reader, LongSupplier indexed) {
    started = System.nanoTime();
    if (!live) {
      return;
    }
    ticker = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(1000);
          draw(reader, indexed.getAsLong());
        }
      } catch (InterruptedException e) {
        // stopped
      }
    }, "trawl-index-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  private synchronized void draw(CorpusReader reader, long docs) {
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = docs / Math.max(seconds, 1e-9);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "\r%s: %,d docs indexed, %,.0f docs/s",
        phase, docs, rate));
    long total = reader.totalBytes();
    long done = reader.consumedBytes();
    if (total > 0 && done > 0 && phase.equals("indexing")) {
      double fraction = Math.min(1.0, (double) done / total);
      double estimatedDocs = reader.documents() / fraction;
      long eta = rate > 0 ? Math.round(Math.max(0, estimatedDocs - docs) / rate) : 0;
      sb.append(String.format(Locale.ROOT, ", %.0f%% read, ETA %d:%02d", fraction * 100, eta / 60, eta % 60));
    }
    sb.append("   ");
    out.print(sb);
    out.flush();
  }

  synchronized void stop() {
    if (ticker != null) {
      ticker.interrupt();
      ticker = null;
      out.print("\r\033[K");
      out.flush();
    }
  }

  void warn(String message) {
    if (out != null) {
      out.println("trawl: warning: " + message);
      out.flush();
    }
  }
}
