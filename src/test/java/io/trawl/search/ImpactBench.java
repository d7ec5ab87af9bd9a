package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.index.IndexFields;
import io.trawl.io.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Micro-benchmark (not a test) of the eager evaluations alone: the queries' Lucene queries are
 * built and their postings cached first, then passes over all queries alternate between the
 * evaluations in one JVM, one thread. Prints microseconds per query (CPU of this thread).
 * Usage: ImpactBench INDEX TOPICS N K PASSES MODE... with MODE flat or blocked:SHIFT.
 */
public final class ImpactBench {
  public static void main(String[] a) throws Exception {
    Path index = Path.of(a[0]);
    List<Query> topics = Topics.read(a[1]);
    int n = Math.min(Integer.parseInt(a[2]), topics.size());
    int k = Integer.parseInt(a[3]);
    int passes = Integer.parseInt(a[4]);
    List<String> modes = List.of(a).subList(5, a.length);
    Map<String, Float> fields = Map.of(IndexFields.CONTENTS, 1.0f);
    var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        LexicalRetriever r = (LexicalRetriever) Retrievers.open("bm25", idx, new SearchOptions(fields, false))) {
      List<org.apache.lucene.search.Query> qs = new ArrayList<>();
      for (Query q : topics.subList(0, n)) {
        qs.add(BagOfWords.build(fields, idx.analyzer(), q.text()));
      }
      for (org.apache.lucene.search.Query q : qs) {
        r.searchImpacts(q, k); // fill the cache
      }
      long check = 0;
      for (int p = 0; p < passes; p++) {
        StringBuilder line = new StringBuilder("pass " + p + ":");
        for (String mode : modes) {
          ImpactScorer.blocked = mode.startsWith("blocked");
          if (ImpactScorer.blocked) {
            ImpactScorer.blockShift = Integer.parseInt(mode.substring(mode.indexOf(':') + 1));
          }
          long c0 = bean.getCurrentThreadCpuTime();
          long sum = 0;
          for (org.apache.lucene.search.Query q : qs) {
            LexicalRetriever.Hits h = r.searchImpacts(q, k);
            sum += h.size() == 0 ? 0 : h.docs()[h.size() - 1];
          }
          long c1 = bean.getCurrentThreadCpuTime();
          if (check == 0) {
            check = sum;
          } else if (check != sum) {
            throw new AssertionError(mode + ": different hits");
          }
          line.append(String.format("  %s %.0f us/q", mode, (c1 - c0) / 1e3 / qs.size()));
        }
        System.out.println(line);
      }
    }
  }
}
