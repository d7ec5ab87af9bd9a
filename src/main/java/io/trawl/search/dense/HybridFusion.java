package io.trawl.search.dense;

import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses a sparse (BM25) and a dense ranking of one query.
 *
 * <ul>
 *   <li>RRF (Cormack, Clarke and Buettcher, SIGIR 2009): {@code score(d) = sum_i 1 / (k + rank_i(d))}
 *       over the top {@code depth} of each list, 1-based ranks, k = 60 by default.
 *   <li>Normalised interpolation: each list's scores over its top {@code depth} are min-max
 *       normalised to [0, 1] (a document absent from a list gets 0 there), then
 *       {@code score(d) = alpha * dense'(d) + (1 - alpha) * sparse'(d)}.
 * </ul>
 *
 * Output: the top {@code outK} by fused score; ties by document id descending (trec_eval's own
 * tie order), so the run file's order is the order trec_eval sees. (A small local implementation until the eval package's fusion is merged.)
 */
public final class HybridFusion {
  private HybridFusion() {}

  public static RankedList rrf(RankedList sparse, RankedList dense, int k, int depth, int outK) {
    if (k < 0) {
      throw TrawlException.invalid("rrf k must be >= 0, got " + k);
    }
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (RankedList l : List.of(sparse, dense)) {
      int n = Math.min(depth, l.size());
      for (int r = 0; r < n; r++) {
        acc.computeIfAbsent(l.get(r).docId(), x -> new double[1])[0] += 1.0 / (k + r + 1);
      }
    }
    return finish(sparse.queryId(), acc, outK);
  }

  public static RankedList interpolate(RankedList sparse, RankedList dense, double alpha, int depth, int outK) {
    if (!(alpha >= 0 && alpha <= 1)) {
      throw TrawlException.invalid("alpha must be in [0, 1], got " + alpha);
    }
    Map<String, Double> s = minMax(sparse, depth);
    Map<String, Double> d = minMax(dense, depth);
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (var e : s.entrySet()) {
      acc.computeIfAbsent(e.getKey(), x -> new double[1])[0] += (1 - alpha) * e.getValue();
    }
    for (var e : d.entrySet()) {
      acc.computeIfAbsent(e.getKey(), x -> new double[1])[0] += alpha * e.getValue();
    }
    return finish(sparse.queryId(), acc, outK);
  }

  private static Map<String, Double> minMax(RankedList l, int depth) {
    int n = Math.min(depth, l.size());
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, l.get(i).score());
      max = Math.max(max, l.get(i).score());
    }
    Map<String, Double> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      double v = max > min ? (l.get(i).score() - min) / (max - min) : 1.0;
      out.merge(l.get(i).docId(), v, Math::max);
    }
    return out;
  }

  private static RankedList finish(String qid, Map<String, double[]> acc, int outK) {
    List<Candidate> c = new ArrayList<>(acc.size());
    for (var e : acc.entrySet()) {
      c.add(new Candidate(e.getKey(), e.getValue()[0]));
    }
    c.sort((a, b) -> {
      int x = Double.compare(b.score(), a.score());
      return x != 0 ? x : b.docId().compareTo(a.docId());
    });
    return new RankedList(qid, c.size() > outK ? c.subList(0, outK) : c);
  }
}
