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

  /** The thread count a {@code threads} parameter stands for (0: every core). */
  static int threadsUsed(int threads) {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /** {@link #settings()} of a reranker whose only such setting is its thread count. */
  static java.util.Map<String, Object> threadSettings(int threads) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("threads", threadsUsed(threads));
    return m;
  }

  /**
   * The invalid-input error for a candidate without the text a reranker needs (exit 2), naming the
   * reranker, the candidate and its query.
   */
  static io.trawl.core.TrawlException noText(String reranker, io.trawl.core.Candidate c, String queryId) {
    return io.trawl.core.TrawlException.invalid(reranker + ": candidate '" + c.docId() + "' of query '"
        + queryId + "' has no text (rerank a run with --index of an index that stores raw documents,"
        + " or a candidates file with texts)");
  }

  /** Fails with {@link #noText} unless every candidate has its text. */
  static void requireTexts(String reranker, RankedList candidates) {
    for (io.trawl.core.Candidate c : candidates.candidates()) {
      if (c.text() == null) {
        throw noText(reranker, c, candidates.queryId());
      }
    }
  }

  /**
   * The candidates at positions {@code top} first, in that order, then the others in input order,
   * scored n, n-1, ..., 1 (a sort's top k above the untouched rest, as llm-rankers returns it).
   */
  static RankedList topThenRest(RankedList candidates, int[] top) {
    int n = candidates.size();
    java.util.BitSet placed = new java.util.BitSet(n);
    List<io.trawl.core.Candidate> out = new ArrayList<>(n);
    for (int i : top) {
      out.add(candidates.get(i).withScore(n - out.size()));
      placed.set(i);
    }
    for (int i = 0; i < n; i++) {
      if (!placed.get(i)) {
        out.add(candidates.get(i).withScore(n - out.size()));
      }
    }
    return new RankedList(candidates.queryId(), out);
  }
}
