package io.trawl.eval;

/**
 * One query's ranking as trec_eval sees it after sorting and judging: the relevance of each retrieved
 * document in rank order ({@code >= 0} judged grade, {@link #NONPOOL} not in the qrels,
 * {@link #UNJUDGED} in the qrels with a negative grade) and the qrels' count of documents per grade.
 */
public record JudgedRanking(String queryId, int[] rels, long[] levelCounts) {
  public static final int NONPOOL = -1;
  public static final int UNJUDGED = -2;

  public int numRet() {
    return rels.length;
  }

  /** Judged documents with grade at least {@code level}. */
  public long numRel(int level) {
    long n = 0;
    for (int g = Math.max(level, 0); g < levelCounts.length; g++) {
      n += levelCounts[g];
    }
    return n;
  }

  /** Retrieved documents with grade at least {@code level}. */
  public long numRelRet(int level) {
    long n = 0;
    for (int r : rels) {
      if (r >= 0 && r >= level) {
        n++;
      }
    }
    return n;
  }

  /** Judged documents with grade below {@code level}. */
  public long numNonrel(int level) {
    long n = 0;
    for (int g = 0; g < Math.min(level, levelCounts.length); g++) {
      n += levelCounts[g];
    }
    return n;
  }

  /** 1 + highest grade with at least one judged document (trec_eval's num_rel_levels), 0 if none. */
  public int numRelLevels() {
    for (int g = levelCounts.length - 1; g >= 0; g--) {
      if (levelCounts[g] > 0) {
        return g + 1;
      }
    }
    return 0;
  }

  /** The first {@code k} documents (this ranking when shorter). */
  public JudgedRanking top(int k) {
    if (k >= rels.length) {
      return this;
    }
    return new JudgedRanking(queryId, java.util.Arrays.copyOf(rels, k), levelCounts);
  }
}
