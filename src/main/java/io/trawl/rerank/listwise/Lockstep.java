package io.trawl.rerank.listwise;

import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import java.util.ArrayList;
import java.util.List;

/**
 * Sliding-window reranking of several queries in lockstep, so that each round's windows (the r-th
 * window of every query that has one) go to the model together: the lists sorted by score, the
 * working order each window's permutation is applied to, and the final lists with the input's
 * scores attached to positions. A list of one candidate needs no window.
 */
final class Lockstep {
  private final List<RankedList> inputs;
  private final List<List<Candidate>> work;
  private final List<List<SlidingWindow.Range>> ranges;
  private final int rounds;

  Lockstep(List<RankedList> lists, SlidingWindow sliding) {
    int nq = lists.size();
    inputs = new ArrayList<>(nq);
    work = new ArrayList<>(nq);
    ranges = new ArrayList<>(nq);
    int most = 0;
    for (RankedList list : lists) {
      RankedList in = list.sortedByScore();
      inputs.add(in);
      work.add(new ArrayList<>(in.candidates()));
      List<SlidingWindow.Range> r = in.size() <= 1 ? List.of() : sliding.ranges(in.size());
      ranges.add(r);
      most = Math.max(most, r.size());
    }
    rounds = most;
  }

  int rounds() {
    return rounds;
  }

  /** Query {@code q}'s window in {@code round}, or null when it has no more windows. */
  SlidingWindow.Range window(int q, int round) {
    List<SlidingWindow.Range> r = ranges.get(q);
    return round < r.size() ? r.get(round) : null;
  }

  /** Query {@code q}'s candidates in their current order. */
  List<Candidate> current(int q) {
    return work.get(q);
  }

  /** Reorders query {@code q}'s window by a permutation of window positions. */
  void apply(int q, SlidingWindow.Range r, int[] perm) {
    ListwiseSupport.apply(work.get(q), r, perm);
  }

  /** The reranked lists, in query order. */
  List<RankedList> results() {
    List<RankedList> out = new ArrayList<>(inputs.size());
    for (int q = 0; q < inputs.size(); q++) {
      out.add(ListwiseSupport.withPositionScores(inputs.get(q), work.get(q)));
    }
    return out;
  }
}
