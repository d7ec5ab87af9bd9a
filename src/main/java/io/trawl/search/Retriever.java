package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.core.RankedList;

/**
 * First-stage retrieval: a query in, its top {@code k} documents out, best first, scores
 * non-increasing. Implementations are thread-safe: one retriever serves many query threads.
 */
public interface Retriever extends AutoCloseable {
  /** The top {@code k} documents for {@code query} (fewer if fewer match). */
  RankedList retrieve(Query query, int k);

  /**
   * The canonical spec with every parameter, defaults included, in declared order, e.g. {@code
   * bm25(k1=0.9,b=0.4)}; with the depth ({@code @1000}) it is the retriever's part of a run tag.
   */
  String spec();

  @Override
  default void close() {}
}
