package io.trawl.rerank.listwise;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the listwise rerankers. */
public final class ListwiseSupport {
  private ListwiseSupport() {}

  /**
   * Formatted passage texts of {@code items[range]} for {@code template} ({@code words} scaled to
   * the window as RankLLM does); fails naming a candidate without text.
   */
  public static List<String> passages(Query q, List<Candidate> items, SlidingWindow.Range r,
      ListwisePrompts.Template template, int words, int window) {
    int maxWords = template.wordLimit(words, window, r.size());
    List<String> out = new ArrayList<>(r.size());
    for (int i = r.start(); i < r.end(); i++) {
      out.add(Passages.format(null, text(q, items.get(i)), maxWords));
    }
    return out;
  }

  public static String text(Query q, Candidate c) {
    if (c.text() == null) {
      throw TrawlException.invalid("candidate " + c.docId() + " of query " + q.id()
          + " has no text; rerankers need candidates with text (an index with stored raw"
          + " documents, or a candidates file)");
    }
    return c.text();
  }

  /** Applies a permutation of window positions to {@code items[range]} in place. */
  public static void apply(List<Candidate> items, SlidingWindow.Range r, int[] perm) {
    List<Candidate> window = new ArrayList<>(items.subList(r.start(), r.end()));
    for (int k = 0; k < perm.length; k++) {
      items.set(r.start() + k, window.get(perm[k]));
    }
  }

  /**
   * The reranked list: the i-th candidate gets the input's i-th score (scores stay attached to
   * positions, so the run stays monotone). Where the input has equal scores the later position gets
   * the next smaller double, so trec_eval's re-sort (score, then docid) cannot undo our order.
   */
  public static RankedList withPositionScores(RankedList input, List<Candidate> reordered) {
    List<Candidate> out = new ArrayList<>(reordered.size());
    double prev = Double.POSITIVE_INFINITY;
    for (int i = 0; i < reordered.size(); i++) {
      double s = input.get(i).score();
      if (s >= prev) {
        s = Math.nextDown(prev);
      }
      out.add(reordered.get(i).withScore(s));
      prev = s;
    }
    return new RankedList(input.queryId(), out);
  }
}
