package io.trawl.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The candidates for one query in rank order (best first). Immutable. Scores are expected to be
 * non-increasing in rank order so that trec_eval's re-sort keeps our order; {@link #isMonotone()}
 * checks it.
 */
public record RankedList(String queryId, List<Candidate> candidates) {
  public RankedList {
    Objects.requireNonNull(queryId, "queryId");
    candidates = List.copyOf(candidates);
  }

  public int size() {
    return candidates.size();
  }

  public Candidate get(int i) {
    return candidates.get(i);
  }

  /** The first {@code k} candidates (all if fewer). */
  public RankedList top(int k) {
    return k >= candidates.size() ? this : new RankedList(queryId, candidates.subList(0, k));
  }

  /** True when scores never increase along the ranking. */
  public boolean isMonotone() {
    for (int i = 1; i < candidates.size(); i++) {
      if (candidates.get(i).score() > candidates.get(i - 1).score()) {
        return false;
      }
    }
    return true;
  }

  /** Sorted by score descending; ties keep their current relative order (stable sort). */
  public RankedList sortedByScore() {
    List<Candidate> copy = new ArrayList<>(candidates);
    copy.sort((a, b) -> Double.compare(b.score(), a.score()));
    return new RankedList(queryId, copy);
  }

  public static RankedList empty(String queryId) {
    return new RankedList(queryId, Collections.emptyList());
  }
}
