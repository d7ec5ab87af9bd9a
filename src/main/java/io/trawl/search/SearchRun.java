package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.io.RunWriter;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs a retriever over topics on N threads and streams the run in topic order: each query's
 * lines are formatted by its worker and written as soon as every earlier query is written. At
 * most a few queries per thread are in flight, so memory does not grow with the topic count, and
 * the output is byte-identical whatever the thread count.
 */
public final class SearchRun {
  private SearchRun() {}

  /** Summary of a finished run. */
  public record Summary(int queries, long lines, double seconds) {
    public double queriesPerSecond() {
      return seconds > 0 ? queries / seconds : 0;
    }
  }

  /**
   * Retrieves {@code hits} documents for every topic and writes them. {@code progress} (may be
   * null) receives a progress line now and then; it is meant for a terminal.
   */
  public static Summary run(Retriever retriever, List<Query> topics, int hits, RunWriter writer,
      int threads, PrintStream progress) {
    return run(q -> retriever.retrieve(q, hits), topics, writer, threads, progress);
  }

  /** As above, with any per-query function. */
  public static Summary run(Function<Query, RankedList> search, List<Query> topics,
      RunWriter writer, int threads, PrintStream progress) {
    if (threads < 1) {
      throw TrawlException.invalid("threads must be at least 1, got " + threads);
    }
    long start = System.nanoTime();
    long lines = 0;
    int done = 0;
    long lastReport = start;
    if (threads == 1) {
      for (Query q : topics) {
        RankedList list = search.apply(q);
        lines += list.size();
        writer.writeFormatted(writer.format(list));
        done++;
        lastReport = report(progress, done, topics.size(), start, lastReport);
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "trawl-search");
        t.setDaemon(true);
        return t;
      });
      try {
        ArrayDeque<Future<Object[]>> inFlight = new ArrayDeque<>();
        Iterator<Query> it = topics.iterator();
        int window = threads * 4;
        while (it.hasNext() || !inFlight.isEmpty()) {
          while (it.hasNext() && inFlight.size() < window) {
            Query q = it.next();
            inFlight.add(pool.submit(() -> {
              RankedList list = search.apply(q);
              return new Object[] {writer.format(list), list.size()};
            }));
          }
          Object[] r = await(inFlight.poll());
          writer.writeFormatted((String) r[0]);
          lines += (Integer) r[1];
          done++;
          lastReport = report(progress, done, topics.size(), start, lastReport);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (progress != null && done > 0) {
      progress.print("\r\033[K");
      progress.flush();
    }
    return new Summary(done, lines, secs);
  }

  private static Object[] await(Future<Object[]> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + c, c);
    }
  }

  private static long report(PrintStream out, int done, int total, long start, long last) {
    long now = System.nanoTime();
    if (out == null || now - last < 500_000_000L) {
      return last;
    }
    double secs = (now - start) / 1e9;
    double rate = done / secs;
    double eta = rate > 0 ? (total - done) / rate : 0;
    out.print(String.format(Locale.ROOT, "\r\033[Ksearch: %d/%d queries, %.0f q/s, ETA %.0f s",
        done, total, rate, eta));
    out.flush();
    return now;
  }
}
