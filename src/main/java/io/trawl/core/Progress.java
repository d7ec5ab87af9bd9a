package io.trawl.core;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one progress reporter of long jobs (indexing, encoding, search, reranking) on stderr:
 * {@code WHAT: DONE/TOTAL UNIT[, DETAIL], RATE UNIT/s, ETA T}.
 *
 * <ul>
 *   <li>{@link Mode#LIVE} (stderr is a terminal): one line redrawn in place ({@code \r}, then the
 *       rest of the old line erased) at the first update and then at most twice a second; cleared
 *       by {@link #close()}, so the command's summary line takes its place.
 *   <li>{@link Mode#LOG} (stderr is a file or a pipe): a plain line every 30 seconds, so a log
 *       shows a long job moving and a short one adds nothing.
 *   <li>{@link Mode#OFF} ({@code --quiet}): nothing.
 * </ul>
 *
 * <p>The rate, and so the ETA, is the throughput of the last 30 seconds (over the whole job until
 * it has run that long), not the average since the start: a job that slows down would otherwise
 * promise too little time. Where items differ in cost (texts, encoded shortest first), the caller
 * also gives the work ({@link #update(long, long, long)}: tokens) and the ETA follows that. A total that is only estimated (indexing
 * knows the bytes read, not the document count) prints with {@code ~}.
 *
 * <p>The system property {@code trawl.progress} ({@code live}, {@code log}, {@code off}) overrides
 * the terminal test. Thread-safe; the clock is injectable for tests.
 */
public final class Progress implements AutoCloseable {
  /** How progress is shown. */
  public enum Mode {
    LIVE, LOG, OFF
  }

  static final long LIVE_INTERVAL = 500_000_000L;
  static final long LOG_INTERVAL = 30_000_000_000L;
  static final long RATE_WINDOW = 30_000_000_000L;

  private final Consumer<String> out;
  private final Mode mode;
  private final String unit;
  private final LongSupplier clock;
  private final long start;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {time, done, work}, oldest first
  private String what;
  private long total;
  private boolean estimated;
  private long done;
  private long work;
  private long workTotal;
  private String detail;
  private long lastDraw;
  private boolean drawn;
  private int width;
  private Thread ticker;

  /**
   * @param out receives each piece of output (already flushed by the caller's sink); null = none
   * @param what the label, such as {@code index} or {@code rerank: monot5}
   * @param unit what is counted, plural ({@code docs}, {@code queries})
   * @param total how many there are ({@code <= 0}: unknown until {@link #total(long, boolean)})
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  public Progress(Consumer<String> out, Mode mode, String what, String unit, long total, LongSupplier clock) {
    this.out = out;
    this.mode = out == null ? Mode.OFF : mode;
    this.what = what;
    this.unit = unit;
    this.total = total;
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastDraw = start;
    samples.add(new long[] {start, 0, 0});
  }

  /** A reporter writing to {@code err} (null: none) on the real clock. */
  public static Progress to(PrintWriter err, Mode mode, String what, String unit, long total) {
    return new Progress(err == null ? null : s -> {
      err.print(s);
      err.flush();
    }, mode, what, unit, total, System::nanoTime);
  }

  /** A reporter writing to {@code err} (null: none) on the real clock. */
  public static Progress to(PrintStream err, Mode mode, String what, String unit, long total) {
    return new Progress(err == null ? null : s -> {
      err.print(s);
      err.flush();
    }, mode, what, unit, total, System::nanoTime);
  }

  /**
   * The mode for stderr: {@code OFF} when quiet, else the {@code trawl.progress} property when
   * set, else {@code LIVE} on a terminal and {@code LOG} otherwise.
   */
  public static Mode mode(boolean quiet) {
    if (quiet) {
      return Mode.OFF;
    }
    String p = System.getProperty("trawl.progress", "");
    return switch (p.toLowerCase(Locale.ROOT)) {
      case "live" -> Mode.LIVE;
      case "log" -> Mode.LOG;
      case "off" -> Mode.OFF;
      default -> stderrIsTerminal() ? Mode.LIVE : Mode.LOG;
    };
  }

  /** True when stderr goes to a terminal. */
  public static boolean stderrIsTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      // Java 22+: a console object exists even when redirected; ask whether it is a terminal
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }

  public Mode mode() {
    return mode;
  }

  /** Seconds since the reporter was made. */
  public double seconds() {
    return (clock.getAsLong() - start) / 1e9;
  }

  /** Renames what is going on (e.g. from {@code indexing} to {@code writing}). */
  public synchronized void label(String what) {
    this.what = what;
  }

  /** Sets the total; {@code estimated} prints it with {@code ~}. */
  public synchronized void total(long total, boolean estimated) {
    this.total = total;
    this.estimated = estimated;
  }

  /** Adds {@code n} to the count done. */
  public synchronized void add(long n) {
    update(done + n, detail);
  }

  /** The count done so far is {@code done}. */
  public synchronized void update(long done) {
    update(done, detail);
  }

  /**
   * The count done so far, and the work done of {@code workTotal} (e.g. tokens, when texts are
   * counted but their cost grows with their length): the ETA then follows the work's recent rate.
   */
  public synchronized void update(long done, long work, long workTotal) {
    this.work = work;
    this.workTotal = workTotal;
    update(done, detail);
  }

  /** The count done so far, with a detail printed after the counts (e.g. {@code 3/43 queries}). */
  public synchronized void update(long done, String detail) {
    this.done = done;
    this.detail = detail;
    long now = clock.getAsLong();
    sample(now);
    if (mode == Mode.OFF) {
      return;
    }
    if (mode == Mode.LIVE) {
      if (drawn && now - lastDraw < LIVE_INTERVAL) {
        return;
      }
      String line = line(now);
      int pad = Math.max(0, width - line.length());
      width = line.length() + pad; // what the terminal line holds now
      // carriage return, the line, blanks over what is left of a longer previous line
      out.accept("\r" + line + " ".repeat(pad));
    } else {
      if (now - lastDraw < LOG_INTERVAL) {
        return;
      }
      out.accept(line(now) + System.lineSeparator());
    }
    drawn = true;
    lastDraw = now;
  }

  /**
   * Calls {@code poll} at once and then every half second on a daemon thread until {@link #close()}, for jobs whose
   * count is read rather than pushed ({@code poll} typically calls {@link #update(long)}).
   */
  public synchronized void poll(Runnable poll) {
    if (mode == Mode.OFF || ticker != null) {
      return;
    }
    ticker = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          poll.run();
          Thread.sleep(LIVE_INTERVAL / 1_000_000);
        }
      } catch (InterruptedException e) {
        // closed
      }
    }, "trawl-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Stops polling and, in live mode, erases the line (the caller prints its summary there). */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = ticker;
      ticker = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (mode == Mode.LIVE && drawn) {
        out.accept("\r" + " ".repeat(width) + "\r");
        drawn = false;
        width = 0;
      }
    }
  }

  /** Keeps samples of the last {@link #RATE_WINDOW}, plus the newest older one as the anchor. */
  private void sample(long now) {
    long[] last = samples.peekLast();
    if (samples.size() > 1 && now - last[0] < 100_000_000L) { // at most ten samples a second
      last[0] = now;
      last[1] = done;
      last[2] = work;
    } else {
      samples.add(new long[] {now, done, work});
    }
    while (samples.size() > 2) {
      java.util.Iterator<long[]> it = samples.iterator();
      it.next();
      if (now - it.next()[0] >= RATE_WINDOW) {
        samples.pollFirst();
      } else {
        break;
      }
    }
  }

  /** Units per second over the last {@link #RATE_WINDOW} (since the start before that). */
  double rate(long now) {
    return rate(now, 1, done);
  }

  private double rate(long now, int field, long value) {
    long[] anchor = samples.peekFirst();
    double s = (now - anchor[0]) / 1e9;
    return s > 0 ? (value - anchor[field]) / s : 0;
  }

  /** Seconds left: from the work's recent rate when there is work to go by, else the count's. */
  long eta(long now) {
    if (workTotal > 0) {
      double r = rate(now, 2, work);
      return r > 0 ? Math.round(Math.max(0, workTotal - work) / r) : -1;
    }
    double r = rate(now);
    return total > 0 && r > 0 ? Math.round(Math.max(0, total - done) / r) : -1;
  }

  String line(long now) {
    StringBuilder sb = new StringBuilder(what).append(": ");
    sb.append(String.format(Locale.ROOT, "%,d", done));
    if (total > 0) {
      sb.append('/').append(estimated ? "~" : "").append(String.format(Locale.ROOT, "%,d", total));
    }
    sb.append(' ').append(unit);
    if (detail != null && !detail.isEmpty()) {
      sb.append(", ").append(detail);
    }
    double rate = rate(now);
    sb.append(String.format(Locale.ROOT, rate >= 100 ? ", %,.0f %s/s" : ", %.1f %s/s", rate, unit));
    long eta = eta(now);
    if (eta >= 0) {
      sb.append(", ETA ").append(duration(eta));
    }
    return sb.toString();
  }

  /** {@code 42s}, {@code 3m05s}, {@code 2h07m}. */
  static String duration(long s) {
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
