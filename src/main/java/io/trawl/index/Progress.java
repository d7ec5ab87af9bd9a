package io.trawl.index;

import io.trawl.corpus.CorpusReader;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long build on stderr: when live (a terminal), a status line redrawn every second
 * with documents, documents per second, percentage and ETA (from the bytes read of the input);
 * otherwise nothing until the caller's summary line. Warnings always go out (unless quiet).
 */
final class Progress {
  private final PrintWriter out;
  private final boolean live;
  private Thread ticker;
  private long started;

  Progress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live && out != null;
  }

  void start(CorpusReader reader) {
    started = System.nanoTime();
    if (!live) {
      return;
    }
    ticker = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(1000);
          draw(reader);
        }
      } catch (InterruptedException e) {
        // stopped
      }
    }, "trawl-index-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  private synchronized void draw(CorpusReader reader) {
    double seconds = (System.nanoTime() - started) / 1e9;
    long docs = reader.documents();
    double rate = docs / Math.max(seconds, 1e-9);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "\rindexing: %,d docs, %,.0f docs/s", docs, rate));
    long total = reader.totalBytes();
    long done = reader.consumedBytes();
    if (total > 0 && done > 0) {
      double fraction = Math.min(1.0, (double) done / total);
      long eta = Math.round(seconds / fraction - seconds);
      sb.append(String.format(Locale.ROOT, ", %.0f%%, ETA %d:%02d", fraction * 100, eta / 60, eta % 60));
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
