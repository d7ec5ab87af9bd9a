package io.trawl.eval;

import io.trawl.io.RunTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One query's ranking as trec_eval sees it after sorting and judging: the relevance of each retrieved
 * document in rank order ({@code >= 0} judged grade, {@link #NONPOOL} not in the qrels,
 * {@link #UNJUDGED} in the qrels with a negative grade) and the qrels' count of documents per grade.
 */
public record JudgedRanking(String queryId, int[] rels, long[] levelCounts) {
  public static final int NONPOOL = -1;
  public static final int UNJUDGED = -2;

  /**
   * Sorts, cuts and judges every query of the run that the qrels judge, with trec_eval's
   * semantics ({@code form_res_rels.c}): per query, sort by score descending then docno descending
   * (byte order, as {@code strcmp}; {@link RunTable#sort}), keep the top {@code -M}, reject
   * duplicate docnos among those, look up each docno's grade. Result maps query id to its ranking;
   * queries absent from the qrels are left out (as trec_eval does), and never sorted.
   */
  static Map<String, JudgedRanking> judgeAll(RunTable run, Qrels qrels, EvalOptions options) {
    RunTable.Groups groups = run.groups();
    int[] start = groups.start();
    int[] order = groups.order();
    byte[] arena = run.docnoBytes();
    Map<String, JudgedRanking> out = new HashMap<>();
    int[] tmp = new int[0];
    int[] seen = new int[16];
    for (int q = 0; q < run.queryIds().size(); q++) {
      String qid = run.queryIds().get(q);
      int qqix = qrels.queryIndex(qid);
      if (qqix < 0) {
        continue;
      }
      int from = start[q];
      int to = start[q + 1];
      int n = to - from;
      if (tmp.length < n) {
        tmp = new int[n];
      }
      run.sort(order, from, to, tmp);
      int kept = (int) Math.min(n, options.maxDocsPerQuery());
      // duplicate docnos among the kept documents are an error, as in trec_eval
      int cap = Integer.highestOneBit(Math.max(4, kept * 2)) << 1;
      if (seen.length < cap) {
        seen = new int[cap];
      } else {
        Arrays.fill(seen, 0, cap, 0);
      }
      int mask = cap - 1;
      int[] rels = new int[kept];
      int judged = 0;
      for (int k = 0; k < kept; k++) {
        int e = order[from + k];
        int off = run.docnoOffset(e);
        int len = run.docnoLength(e);
        int h = hash(arena, off, len) & mask;
        while (seen[h] != 0) {
          int o = seen[h] - 1;
          int ooff = run.docnoOffset(o);
          if (run.docnoLength(o) == len && Arrays.equals(arena, ooff, ooff + len, arena, off, off + len)) {
            int first = Math.min(run.line(o), run.line(e));
            int second = Math.max(run.line(o), run.line(e));
            throw new Evaluator.Stopped(run.source(), second, "duplicate docno '"
                + new String(arena, off, len, StandardCharsets.UTF_8) + "' for query '" + qid
                + "' (also on line " + first + ")");
          }
          h = (h + 1) & mask;
        }
        seen[h] = e + 1;
        int rel = qrels.rel(qqix, arena, off, len);
        int v = rel == Qrels.NOT_IN_QRELS ? NONPOOL : rel < 0 ? UNJUDGED : rel;
        if (options.judgedOnly()) {
          if (v >= 0) {
            rels[judged++] = v;
          }
        } else {
          rels[k] = v;
        }
      }
      if (options.judgedOnly()) {
        rels = Arrays.copyOf(rels, judged);
      }
      out.put(qid, new JudgedRanking(qid, rels, qrels.levelCounts(qqix)));
    }
    return out;
  }

  private static int hash(byte[] b, int off, int len) {
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + b[i];
    }
    return h ^ (h >>> 15) ^ (h >>> 7);
  }

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
    return new JudgedRanking(queryId, Arrays.copyOf(rels, k), levelCounts);
  }
}
