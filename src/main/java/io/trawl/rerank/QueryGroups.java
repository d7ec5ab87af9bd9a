package io.trawl.rerank;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * How queries are handed to a reranker, in {@code trawl rerank} and in pipelines alike: consecutive
 * groups of at most {@value #MAX_QUERIES} queries and {@value #MAX_CANDIDATES} candidates (a group
 * holds at least one query), one {@link Reranker#rerankAll} call each. The groups depend on the
 * input alone (query order and candidate counts), so every command, a resumed job and a Spark
 * task holding the same queries give a reranker the same calls; they are small enough to report
 * progress and record finished work often, and large enough to batch across queries.
 */
public final class QueryGroups {
  public static final int MAX_QUERIES = 64;
  public static final int MAX_CANDIDATES = 128;

  private QueryGroups() {}

  /** The items cut into groups; {@code candidates} says how many candidates an item reranks. */
  public static <T> List<List<T>> of(List<T> items, ToIntFunction<T> candidates) {
    List<List<T>> out = new ArrayList<>();
    List<T> cur = new ArrayList<>();
    long n = 0;
    for (T item : items) {
      int c = candidates.applyAsInt(item);
      if (!cur.isEmpty() && (cur.size() == MAX_QUERIES || n + c > MAX_CANDIDATES)) {
        out.add(cur);
        cur = new ArrayList<>();
        n = 0;
      }
      cur.add(item);
      n += c;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }
}
