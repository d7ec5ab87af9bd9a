package io.trawl.rerank;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import java.util.ArrayList;
import java.util.List;

/**
 * Reorders a candidate list for a query. Contract (checked for every implementation by
 * {@code RerankerContractTest}): the output is a permutation of (a prefix of) the input; scores are
 * non-increasing in rank order (so trec_eval's re-sort keeps our order); the input is never
 * mutated; empty in gives empty out; the same spec and seed give the same output.
 *
 * <p>Candidates carry their text ({@link io.trawl.core.Candidate#text()}); the caller fills it
 * from the index's stored raw document or a candidates file before calling.
 */
public interface Reranker extends AutoCloseable {

  /** Canonical spec string of this reranker, e.g. {@code monot5(model=/m)}; used in run tags. */
  String spec();

  /** Reranks one query's candidates. */
  RankedList rerank(Query query, RankedList candidates);

  /**
   * Reranks many queries; neural rerankers override this to batch across queries. Results are in
   * the order of the inputs.
   */
  default List<RankedList> rerankAll(List<Query> queries, List<RankedList> lists) {
    List<RankedList> out = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      out.add(rerank(queries.get(i), lists.get(i)));
    }
    return out;
  }

  /**
   * What decides how (not what) this reranker computes and its spec does not show, e.g. the engine
   * and thread count; recorded in the run's metadata ({@code RUN.meta.json}). Empty by default.
   */
  default java.util.Map<String, Object> settings() {
    return java.util.Map.of();
  }

  @Override
  default void close() {}
}
