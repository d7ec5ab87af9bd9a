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
 */
public record EvalOptions(int relevanceLevel, boolean complete, long maxDocsPerQuery,
    boolean judgedOnly, TrecEvalVersion version) {

  /** Where trec_eval 9.0.x and 10.0 differ (see docs/evaluation.md). */
  public enum TrecEvalVersion {
    /** 9.0.x: with -c -q, qrels queries the run lacks are averaged in but not printed. */
    V9,
    /** 10.0: with -c -q, qrels queries the run lacks are printed with their (zero) values. */
    V10
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
    return new EvalOptions(level, complete, maxDocsPerQuery, judgedOnly, version);
  }

  public EvalOptions withComplete(boolean c) {
    return new EvalOptions(relevanceLevel, c, maxDocsPerQuery, judgedOnly, version);
  }

  public EvalOptions withMaxDocs(long m) {
    return new EvalOptions(relevanceLevel, complete, m, judgedOnly, version);
  }

  public EvalOptions withJudgedOnly(boolean j) {
    return new EvalOptions(relevanceLevel, complete, maxDocsPerQuery, j, version);
  }

  public EvalOptions withVersion(TrecEvalVersion v) {
    return new EvalOptions(relevanceLevel, complete, maxDocsPerQuery, judgedOnly, v);
  }
}
