/**
 * Internal: the eager BM25 scorer behind {@link io.trawl.search.LexicalRetriever}. Not an API;
 * only the lexical retriever uses it, and it may change with any release.
 *
 * <p>{@link io.trawl.search.impact.ImpactScorer} scores each query term's postings once with
 * Lucene's own term scorer, caches them as (document, score) arrays, and evaluates a query over
 * the arrays block by block (block-max MaxScore), giving exactly the ranking Lucene's exhaustive
 * evaluation gives (scores bit for bit, ties by external docid). It has no switches: the retriever
 * uses it for every query it can evaluate ({@code ImpactScorer.plan}) and Lucene's searcher for
 * the rest. The oracles it is checked against (Lucene's exhaustive sort, Lucene's pruned
 * searcher) live in the tests: {@code SciFactParityTest}, {@code LexicalOracles}.
 */
package io.trawl.search.impact;
