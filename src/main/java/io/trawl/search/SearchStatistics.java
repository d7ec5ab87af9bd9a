package io.trawl.search;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.TermStatistics;

/**
 * Collection-wide statistics that replace an index's own when that index is one shard of a larger
 * collection. A similarity scores with the field's {@code docCount} and {@code sumTotalTermFreq}
 * (BM25's average length, QL's collection model) and each term's {@code docFreq} and
 * {@code totalTermFreq}; given the sums of these over all shards, a shard scores every document
 * exactly as the single index holding the whole collection would (the per-document length norm is
 * stored with the document, so it does not change).
 *
 * <p>Used by {@link LexicalRetriever} through {@link Retrievers.Opener#open(LuceneIndex,
 * SearchOptions, SearchStatistics)}; the Spark module gathers the sums for the query terms before
 * it searches the shards (distributed frequency search, as in Elasticsearch's DFS query-then-fetch).
 */
public interface SearchStatistics {
  /**
   * The field's statistics over the collection; {@code local} is this shard's own (null when no
   * document of the shard has the field). Return null when no document of the collection has it.
   */
  CollectionStatistics collection(String field, CollectionStatistics local);

  /**
   * The term's statistics over the collection; {@code local} is this shard's own (the term occurs
   * in this shard).
   */
  TermStatistics term(Term term, TermStatistics local);
}
