package io.trawl.eval;

import io.trawl.core.TrawlException;

/**
 * trec_eval's evaluation flags.
 *
 * @param relevanceLevel {@code -l}: minimum grade counted relevant by binary measures (default 1)
 * @param complete {@code -c}: average over every qrels query; a query the run lacks counts as an
 *     empty ranking
 * @param maxDocsPerQuery {@code -M}: evaluate only the top k of each query after sorting
 * @param judgedOnly {@code -J}: drop documents without a judgment before measuring
 * @param version whose conventions to follow where trec_eval 9.0.x and 10.0 differ
 * @param numDocsInColl {@code -N}: documents in the collection, used only by {@code utility}'s
 *     {@code d} term (trec_eval's default is 0)
 */
public record EvalOptions(int relevanceLevel, boolean complete, long maxDocsPerQuery,
    boolean judgedOnly, TrecEvalVersion version, long numDocsInColl) {

  /** Where trec_eval 9.0.x and 10.0 differ (see docs/evaluation.md). */
  public enum TrecEvalVersion {
    /**
     * 9.0.x: only queries in both run and qrels are evaluated; with -c, qrels queries the run lacks
     * add 0 to every average and print nothing.
     */
    V9,
    /**
     * 10.0: every qrels query is evaluated; one the run lacks stops the evaluation (exit 4) unless
     * -c scores it on a stand-in ranking, printed with -q.
     */
    V10
  }

  /** The options with {@code -N 0}, trec_eval's default. */
  public EvalOptions(int relevanceLevel, boolean complete, long maxDocsPerQuery, boolean judgedOnly,
      TrecEvalVersion version) {
    this(relevanceLevel, complete, maxDocsPerQuery, judgedOnly, version, 0);
  }

  public EvalOptions {
    if (relevanceLevel < 0) {
      throw TrawlException.invalid("relevance level (-l) must be >= 0, got " + relevanceLevel);
    }
    if (maxDocsPerQuery <= 0) {
      throw TrawlException.invalid("-M must be positive, got " + maxDocsPerQuery);
    }
  }

  public static EvalOptions defaults() {
    return new EvalOptions(1, false, Long.MAX_VALUE, false, TrecEvalVersion.V10);
  }

  public EvalOptions withRelevanceLevel(int level) {
    return new EvalOptions(level, complete, maxDocsPerQuery, judgedOnly, version, numDocsInColl);
  }

  public EvalOptions withComplete(boolean c) {
    return new EvalOptions(relevanceLevel, c, maxDocsPerQuery, judgedOnly, version, numDocsInColl);
  }

  public EvalOptions withMaxDocs(long m) {
    return new EvalOptions(relevanceLevel, complete, m, judgedOnly, version, numDocsInColl);
  }

  public EvalOptions withJudgedOnly(boolean j) {
    return new EvalOptions(relevanceLevel, complete, maxDocsPerQuery, j, version, numDocsInColl);
  }

  public EvalOptions withVersion(TrecEvalVersion v) {
    return new EvalOptions(relevanceLevel, complete, maxDocsPerQuery, judgedOnly, v, numDocsInColl);
  }

  public EvalOptions withNumDocsInColl(long n) {
    return new EvalOptions(relevanceLevel, complete, maxDocsPerQuery, judgedOnly, version, n);
  }
}
