package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.index.IndexFields;
import io.trawl.io.Topics;
import io.trawl.search.impact.ImpactScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Micro-benchmark (not a test) of the eager evaluation alone: the queries' Lucene queries are
 * built and their postings cached first, then passes over all queries alternate between block
 * sizes in one JVM, on {@code -Dbench.threads} threads (1). Prints CPU microseconds per query and
 * queries per second, and at the end
 * what each evaluation did. Usage: ImpactBench INDEX TOPICS N K PASSES SHIFT[:RATIO]... (log2 of the
 * documents per block, 14 by default; the intersect ratio, see ImpactScorer; 1e18 always scans).
 */
public final class ImpactBench {
  public static void main(String[] a) throws Exception {
    Path index = Path.of(a[0]);
    List<Query> topics = Topics.read(a[1]);
    int n = Math.min(Integer.parseInt(a[2]), topics.size());
    int k = Integer.parseInt(a[3]);
    int passes = Integer.parseInt(a[4]);
    // each mode: SHIFT or SHIFT:INTERSECT_RATIO
    List<String> shifts = List.of(a).subList(5, a.length);
    Map<String, Float> fields = Map.of(IndexFields.CONTENTS, 1.0f);
    var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        LexicalRetriever r = (LexicalRetriever) Retrievers.open("bm25", idx, new SearchOptions(fields, false))) {
      List<ImpactScorer.Plan> qs = new ArrayList<>();
      for (Query q : topics.subList(0, n)) {
        qs.add(ImpactScorer.plan(BagOfWords.build(fields, idx.analyzer(), q.text())));
      }
      List<ImpactScorer> scorers = new ArrayList<>();
      for (String mode : shifts) {
        String[] sr = mode.split(":");
        ImpactScorer s = ImpactScorer.open(r.searcher(), Integer.parseInt(sr[0]),
            sr.length > 1 ? Double.parseDouble(sr[1]) : ImpactScorer.DEFAULT_INTERSECT_RATIO);
        for (ImpactScorer.Plan q : qs) {
          s.search(q, k); // fill the cache
        }
        scorers.add(s);
      }
      long check = 0;
      int threads = Integer.getInteger("bench.threads", 1);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      for (int p = 0; p < passes; p++) {
        StringBuilder line = new StringBuilder("pass " + p + ":");
        for (int m = 0; m < shifts.size(); m++) {
          String mode = "shift " + shifts.get(m);
          ImpactScorer scorer = scorers.get(m);
          long w0 = System.nanoTime();
          // thread t takes queries t, t + threads, ...; each sums its CPU time and a hit checksum
          java.util.List<java.util.concurrent.Future<long[]>> parts = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
              long c0 = bean.getCurrentThreadCpuTime();
              long sum = 0;
              for (int i = first; i < qs.size(); i += threads) {
                ImpactScorer.Top h = scorer.search(qs.get(i), k);
                sum += h.size() == 0 ? 0 : h.docs()[h.size() - 1];
              }
              return new long[] {bean.getCurrentThreadCpuTime() - c0, sum};
            }));
          }
          long cpu = 0;
          long sum = 0;
          for (var f : parts) {
            long[] part = f.get();
            cpu += part[0];
            sum += part[1];
          }
          long wall = System.nanoTime() - w0;
          if (check == 0) {
            check = sum;
          } else if (check != sum) {
            throw new AssertionError(mode + ": different hits");
          }
          line.append(String.format("  %s %.0f us/q CPU, %.0f q/s", mode, cpu / 1e3 / qs.size(),
              qs.size() / (wall / 1e9)));
        }
        System.out.println(line);
      }
      pool.shutdown();
      for (int m = 0; m < shifts.size(); m++) {
        System.out.println("shift " + shifts.get(m) + ": " + scorers.get(m).work() + "; "
            + scorers.get(m).cachedTerms() + " terms cached, ranks " + (scorers.get(m).rankBytes() >> 20) + " MiB");
      }
    }
  }
}
