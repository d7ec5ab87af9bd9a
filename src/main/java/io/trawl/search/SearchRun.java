package io.trawl.search;

import io.trawl.core.Progress;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.io.RunWriter;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
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
   * null) is told the number of queries written after each one.
   */
  public static Summary run(Retriever retriever, List<Query> topics, int hits, RunWriter writer,
      int threads, Progress progress) {
    return run(q -> retriever.retrieve(q, hits), topics, writer, threads, progress);
  }

  /** As above, with any per-query function. */
  public static Summary run(Function<Query, RankedList> search, List<Query> topics,
      RunWriter writer, int threads, Progress progress) {
    if (threads < 1) {
      throw TrawlException.invalid("threads must be at least 1, got " + threads);
    }
    long start = System.nanoTime();
    long lines = 0;
    int done = 0;
    if (threads == 1) {
      for (Query q : topics) {
        io.trawl.core.Shutdown.check();
        RankedList list = search.apply(q);
        lines += list.size();
        writer.writeFormatted(writer.format(list));
        done++;
        if (progress != null) {
          progress.update(done);
        }
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
            io.trawl.core.Shutdown.check();
            inFlight.add(pool.submit(() -> {
              RankedList list = search.apply(q);
              return new Object[] {writer.format(list), list.size()};
            }));
          }
          Object[] r = await(inFlight.poll());
          writer.writeFormatted((String) r[0]);
          lines += (Integer) r[1];
          done++;
          if (progress != null) {
          progress.update(done);
        }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
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
}
