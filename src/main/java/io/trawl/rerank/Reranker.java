package io.trawl.rerank;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import java.util.ArrayList;
import java.util.List;

/**
 * Reorders a candidate list for a query. Contract (checked for every registered implementation by
 * a subclass of {@code RerankerContractTest}): the output is a permutation of the input (every
 * candidate once, texts kept); scores are non-increasing in rank order (so trec_eval's re-sort
 * keeps our order); the input is never mutated; empty in gives empty out; a candidate without the
 * text it needs is invalid input naming it and its query; the same input gives the same output,
 * alone or batched with other queries; {@link #spec()} is canonical. Pointwise rerankers extend
 * {@link PointwiseReranker}, which does the checks and the sorting.
 *
 * <p>Candidates carry their text ({@link io.trawl.core.Candidate#text()}); the caller fills it
 * from the index's stored raw document or a candidates file before calling.
 */
public interface Reranker extends AutoCloseable {

  /**
   * The canonical spec: the registry name and every parameter that decides the output, in declared
   * order, with its effective value, defaults included ({@code io.trawl.core.Spec#builder}); made
   * again by the registry it gives a reranker with the same spec and the same output. A pipeline's
   * run tag is made of these.
   */
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

  /**
   * The model work this reranker did, per query ({@link Cost}), counted since it was made; null
   * when it does not count (a reranker without a model). Callers read it after
   * {@link #rerankAll} returns.
   */
  default Cost cost() {
    return null;
  }

  @Override
  default void close() {}
}
