package io.trawl.rerank;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of pointwise rerankers: every candidate gets a score of its own, {@code s(q, d)}, and the
 * list is sorted by it. A subclass only scores ({@link #scoreAll}); this class does the rest the
 * same way for every pointwise reranker, so that each meets the {@link Reranker} contract:
 *
 * <ul>
 *   <li>before any model work, every candidate that needs its text ({@link #needsText}) must have
 *       it, or the call fails with invalid input (exit 2) naming the candidate and the query;
 *   <li>a NaN score is a failure (exit 1) naming the candidate, never a silently misplaced document;
 *   <li>the result is the input sorted by score, descending, ties in input order (a stable sort):
 *       a permutation of the input with non-increasing scores, texts kept;
 *   <li>the input is not changed; an empty list gives an empty list; {@link #rerank} is
 *       {@link #rerankAll} of one query.
 * </ul>
 */
public abstract class PointwiseReranker implements Reranker {
  private final String name;

  /** {@code name} is the registry name, used in messages. */
  protected PointwiseReranker(String name) {
    this.name = name;
  }

  /**
   * The score of every candidate of every list, in list order ({@code scores.get(i)[j]} for
   * candidate j of list i). Candidates that need text have it; lists may be empty.
   */
  protected abstract List<double[]> scoreAll(List<Query> queries, List<RankedList> lists);

  /**
   * Whether the candidate at {@code position} of its list needs its text to be scored (true unless
   * the reranker has another source, such as precomputed vectors).
   */
  protected boolean needsText(Candidate candidate, int position) {
    return true;
  }

  @Override
  public final RankedList rerank(Query query, RankedList candidates) {
    return rerankAll(List.of(query), List.of(candidates)).get(0);
  }

  @Override
  public final List<RankedList> rerankAll(List<Query> queries, List<RankedList> lists) {
    if (queries.size() != lists.size()) {
      throw new IllegalArgumentException(queries.size() + " queries but " + lists.size() + " lists");
    }
    for (int i = 0; i < lists.size(); i++) {
      RankedList l = lists.get(i);
      if (!l.queryId().equals(queries.get(i).id())) {
        throw new IllegalArgumentException("list " + i + " is for query " + l.queryId() + ", not "
            + queries.get(i).id());
      }
      for (int j = 0; j < l.size(); j++) {
        Candidate c = l.get(j);
        if (c.text() == null && needsText(c, j)) {
          throw Reranker.noText(name, c, l.queryId());
        }
      }
    }
    List<double[]> scores = scoreAll(queries, lists);
    List<RankedList> out = new ArrayList<>(lists.size());
    for (int i = 0; i < lists.size(); i++) {
      RankedList l = lists.get(i);
      double[] s = scores.get(i);
      if (s.length != l.size()) {
        throw new IllegalStateException(name + ": " + s.length + " scores for " + l.size() + " candidates");
      }
      List<Candidate> scored = new ArrayList<>(l.size());
      for (int j = 0; j < l.size(); j++) {
        if (Double.isNaN(s[j])) {
          throw new TrawlException(TrawlException.RUNTIME, name + ": the model scored candidate '"
              + l.get(j).docId() + "' of query '" + l.queryId() + "' NaN");
        }
        scored.add(l.get(j).withScore(s[j]));
      }
      out.add(new RankedList(l.queryId(), scored).sortedByScore());
    }
    return out;
  }
}
