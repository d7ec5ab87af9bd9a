package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.model.encoder.SpladeEncoder;

/**
 * The {@code impact} retriever over raw query text: each query is encoded by a SPLADE model into
 * Anserini's pseudo-document of repeated word pieces ({@link SpladeEncoder#pseudoDocument}), which
 * the impact retriever then searches exactly as a pre-encoded query. Thread-safe: both engines
 * encode concurrent queries independently.
 */
final class EncodedQueryRetriever implements Retriever {
  private final LexicalRetriever inner;
  private final SpladeEncoder encoder;

  EncodedQueryRetriever(LexicalRetriever inner, SpladeEncoder encoder) {
    this.inner = inner;
    this.encoder = encoder;
  }

  /** The query the impact index is searched with. */
  Query encode(Query query) {
    return new Query(query.id(), encoder.pseudoDocument(query.text()));
  }

  @Override
  public RankedList retrieve(Query query, int k) {
    return inner.retrieve(encode(query), k);
  }

  @Override
  public String spec() {
    return inner.spec();
  }

  @Override
  public void close() {
    try {
      inner.close();
    } finally {
      encoder.close();
    }
  }
}
