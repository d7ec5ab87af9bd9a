package io.trawl.eval;

import io.trawl.eval.EvalOptions.TrecEvalVersion;
import io.trawl.eval.Measure.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-query formulas, following trec_eval's definitions (Buckley's trec_eval 9.0.x / 10.0; the
 * formulas are documented in docs/evaluation.md). {@code rels[i]} is the grade of the document at
 * rank i+1; a document is relevant when its grade is at least {@code level}.
 */
final class TrecMeasures {
  private TrecMeasures() {}

  static final double MIN_GEO_MEAN = 0.00001;
  static final double INFAP_EPSILON = 0.00001;

  static void compute(Measure m, JudgedRanking r, int level, TrecEvalVersion v, double[] out,
      int off) {
    int[] rels = r.rels();
    int n = rels.length;
    long numRel = r.numRel(level);
    switch (m.family) {
      case RUNID, NUM_Q -> out[off] = 1;
      case NUM_RET -> out[off] = n;
      case NUM_REL -> out[off] = numRel;
      case NUM_REL_RET -> out[off] = r.numRelRet(level);
      case MAP -> out[off] = ap(rels, n, level, numRel);
      case GM_MAP -> out[off] = ap(rels, n, level, numRel);
      case RPREC -> {
        long rr = 0;
        for (int i = 0; i < Math.min(n, numRel); i++) {
          if (rels[i] >= level) {
            rr++;
          }
        }
        out[off] = numRel > 0 ? (double) rr / numRel : 0;
      }
      case BPREF, GM_BPREF -> out[off] = bpref(r, level, numRel);
      case RECIP_RANK -> {
        double v0 = 0;
        for (int i = 0; i < n; i++) {
          if (rels[i] >= level) {
            v0 = 1.0 / (i + 1);
            break;
          }
        }
        out[off] = v0;
      }
      case IPREC_AT_RECALL -> iprec(rels, level, numRel, m.doubles, v, out, off);
      case ELEVEN_PT_AVG -> {
        double[] tmp = new double[m.doubles.length];
        iprec(rels, level, numRel, m.doubles, v, tmp, 0);
        double s = 0;
        for (double d : tmp) {
          s += d;
        }
        out[off] = tmp.length > 0 ? s / tmp.length : 0;
      }
      case P -> {
        for (int c = 0; c < m.longs.length; c++) {
          out[off + c] = (double) relIn(rels, level, m.longs[c]) / m.longs[c];
        }
      }
      case RECALL -> {
        for (int c = 0; c < m.longs.length; c++) {
          out[off + c] = numRel > 0 ? (double) relIn(rels, level, m.longs[c]) / numRel : 0;
        }
      }
      case RELATIVE_P -> {
        for (int c = 0; c < m.longs.length; c++) {
          long d = Math.min(m.longs[c], numRel);
          out[off + c] = d > 0 ? (double) relIn(rels, level, m.longs[c]) / d : 0;
        }
      }
      case SUCCESS -> {
        for (int c = 0; c < m.longs.length; c++) {
          out[off + c] = relIn(rels, level, m.longs[c]) > 0 ? 1 : 0;
        }
      }
      case MAP_CUT -> {
        for (int c = 0; c < m.longs.length; c++) {
          out[off + c] = ap(rels, (int) Math.min(n, m.longs[c]), level, numRel);
        }
      }
      case NDCG_CUT -> ndcgCut(r, m.longs, out, off);
      case INFAP -> out[off] = infap(rels, level, numRel);
      case RPREC_MULT -> {
        for (int c = 0; c < m.doubles.length; c++) {
          long cut = (long) (m.doubles[c] * numRel + 0.9);
          out[off + c] = cut > 0 ? (double) relIn(rels, level, cut) / cut : 0;
        }
      }
      case UTILITY -> {
        long relRet = r.numRelRet(level);
        double[] p = m.doubles;
        out[off] = p[0] * relRet + p[1] * (n - relRet) + p[2] * (numRel - relRet);
      }
      case SET_P -> out[off] = n > 0 ? (double) r.numRelRet(level) / n : 0;
      case SET_RELATIVE_P -> {
        long d = Math.min(n, numRel);
        out[off] = d > 0 ? (double) r.numRelRet(level) / d : 0;
      }
      case SET_RECALL -> out[off] = numRel > 0 ? (double) r.numRelRet(level) / numRel : 0;
      case SET_MAP -> {
        long rr = r.numRelRet(level);
        double p = n > 0 ? (double) rr / n : 0;
        double rc = numRel > 0 ? (double) rr / numRel : 0;
        out[off] = p * rc;
      }
      case SET_F -> {
        long rr = r.numRelRet(level);
        double p = n > 0 ? (double) rr / n : 0;
        double rc = numRel > 0 ? (double) rr / numRel : 0;
        double b2 = m.doubles[0] * m.doubles[0];
        double den = b2 * p + rc;
        out[off] = den > 0 ? (1 + b2) * p * rc / den : 0;
      }
      case NUM_NONREL_JUDGED_RET -> {
        long c = 0;
        for (int x : rels) {
          if (x >= 0 && x < level) {
            c++;
          }
        }
        out[off] = c;
      }
      case NDCG -> out[off] = ndcg(r, gains(m, r));
      case NDCG_REL -> out[off] = ndcgRel(r, gains(m, r));
      case RNDCG -> out[off] = rndcg(r, gains(m, r), numRel);
      case G -> out[off] = gMeasure(r, gains(m, r));
      case BIN_G -> out[off] = gMeasure(r, binaryGains(r, level));
      case RBP -> out[off] = rbp(r, m.doubles[0], false);
      case RBP_RESID -> out[off] = rbp(r, m.doubles[0], true);
      case UNJ -> {
        for (int c = 0; c < m.longs.length; c++) {
          long k = m.longs[c];
          long u = 0;
          for (int i = 0; i < Math.min(n, k); i++) {
            if (rels[i] < 0) {
              u++;
            }
          }
          out[off + c] = (double) u / k;
        }
      }
      case JUDGED -> {
        for (int c = 0; c < m.longs.length; c++) {
          long k = m.longs[c];
          long j = 0;
          for (int i = 0; i < Math.min(n, k); i++) {
            if (rels[i] >= 0) {
              j++;
            }
          }
          out[off + c] = (double) j / k;
        }
      }
      case RELSTRING -> out[off] = 0;
      default -> throw new IllegalStateException("no formula for " + m.family);
    }
  }

  private static long relIn(int[] rels, int level, long k) {
    long c = 0;
    int lim = (int) Math.min(rels.length, k);
    for (int i = 0; i < lim; i++) {
      if (rels[i] >= level) {
        c++;
      }
    }
    return c;
  }

  static double ap(int[] rels, int n, int level, long numRel) {
    long relSoFar = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (rels[i] >= level) {
        relSoFar++;
        sum += (double) relSoFar / (i + 1);
      }
    }
    return numRel > 0 ? sum / numRel : 0;
  }

  private static double bpref(JudgedRanking r, int level, long numRel) {
    long numNonrel = r.numNonrel(level);
    long nonrelSoFar = 0;
    double bpref = 0;
    for (int x : r.rels()) {
      if (x < 0) {
        continue;
      }
      if (x < level) {
        nonrelSoFar++;
      } else if (nonrelSoFar > 0) {
        bpref += 1.0 - (double) Math.min(nonrelSoFar, numRel) / Math.min(numNonrel, numRel);
      } else {
        bpref += 1.0;
      }
    }
    return numRel > 0 ? bpref / numRel : 0;
  }

  private static double infap(int[] rels, int level, long numRel) {
    long nonrel = 0;
    long rel = 0;
    long unjudged = 0;
    double sum = 0;
    for (int j = 0; j < rels.length; j++) {
      int x = rels[j];
      if (x == JudgedRanking.NONPOOL) {
        continue;
      }
      if (x == JudgedRanking.UNJUDGED) {
        unjudged++;
        continue;
      }
      if (x < level) {
        nonrel++;
      } else {
        rel++;
        if (j == 0) {
          sum += 1.0;
        } else {
          double fj = j;
          sum += 1.0 / (fj + 1.0) + (fj / (fj + 1.0)) * ((rel - 1 + nonrel + unjudged) / fj)
              * ((rel - 1 + INFAP_EPSILON) / (rel - 1 + nonrel + 2 * INFAP_EPSILON));
        }
      }
    }
    return numRel > 0 ? sum / numRel : sum;
  }

  /**
   * Interpolated precision at recall fractions: Int_Prec(X) = max Prec(Y) for Y at or after X. The
   * fraction f becomes a number of relevant documents by rounding f*R (matches the 9.0.8 oracle and
   * 10.0's lround).
   */
  private static void iprec(int[] rels, int level, long numRel, double[] fractions,
      TrecEvalVersion v, double[] out, int off) {
    int nc = fractions.length;
    int n = rels.length;
    if (n == 0) {
      for (int c = 0; c < nc; c++) {
        out[off + c] = 0;
      }
      return;
    }
    long[] cutoffs = new long[nc];
    for (int c = 0; c < nc; c++) {
      cutoffs[c] = Math.round(fractions[c] * numRel); // 9.0.8's output and 10.0's lround agree
    }
    long numRelRet = relIn(rels, level, n);
    int cur = nc - 1;
    while (cur >= 0 && cutoffs[cur] > numRelRet) {
      cur--;
    }
    for (int c = cur + 1; c < nc; c++) {
      out[off + c] = 0;
    }
    double precis = (double) numRelRet / n;
    double intPrecis = precis;
    long relSoFar = numRelRet;
    for (int i = n; i > 0 && relSoFar > 0; i--) {
      precis = (double) relSoFar / i;
      if (intPrecis < precis) {
        intPrecis = precis;
      }
      if (rels[i - 1] >= level) {
        while (cur >= 0 && relSoFar == cutoffs[cur]) {
          out[off + cur] = intPrecis;
          cur--;
        }
        relSoFar--;
      }
    }
    while (cur >= 0) {
      out[off + cur] = intPrecis;
      cur--;
    }
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** nDCG at cutoffs: gain = grade, discount log2(rank + 1), ideal from all judged grades. */
  private static void ndcgCut(JudgedRanking r, long[] cuts, double[] out, int off) {
    int[] rels = r.rels();
    long[] lc = r.levelCounts();
    for (int c = 0; c < cuts.length; c++) {
      long k = cuts[c];
      double dcg = 0;
      int lim = (int) Math.min(rels.length, k);
      for (int i = 0; i < lim; i++) {
        if (rels[i] > 0) {
          dcg += i == 0 ? rels[i] : rels[i] / log2(i + 2);
        }
      }
      double idcg = 0;
      long pos = 0;
      for (int g = lc.length - 1; g > 0 && pos < k; g--) {
        for (long j = 0; j < lc[g] && pos < k; j++, pos++) {
          idcg += pos == 0 ? g : g / log2(pos + 2);
        }
      }
      out[off + c] = idcg > 0 ? dcg / idcg : dcg;
    }
  }

  /** Grade to gain table: levels sorted by increasing gain, with counts. */
  record Gains(long[] level, double[] gain, long[] count) {
    double get(int rel) {
      for (int i = 0; i < level.length; i++) {
        if (level[i] == rel) {
          return gain[i];
        }
      }
      return 0.0;
    }
  }

  private static Gains gains(Measure m, JudgedRanking r) {
    List<long[]> lv = new ArrayList<>();
    List<Double> gs = new ArrayList<>();
    List<Long> cnt = new ArrayList<>();
    String[] pl = m.gainLevels == null ? new String[0] : m.gainLevels;
    for (int i = 0; i < pl.length; i++) {
      lv.add(new long[] {Long.parseLong(pl[i].strip().replaceAll("[^-0-9].*$", ""))});
      gs.add(m.gainValues[i]);
      cnt.add(0L);
    }
    long[] lc = r.levelCounts();
    int numLevels = r.numRelLevels();
    for (int i = 0; i < numLevels; i++) {
      int j = 0;
      while (j < lv.size() && lv.get(j)[0] != i) {
        j++;
      }
      if (j < lv.size()) {
        cnt.set(j, lc[i]);
      } else {
        lv.add(new long[] {i});
        gs.add((double) i);
        cnt.add(lc[i]);
      }
    }
    Integer[] idx = new Integer[lv.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(gs.get(a), gs.get(b)));
    long[] level = new long[idx.length];
    double[] gain = new double[idx.length];
    long[] count = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      level[i] = lv.get(idx[i])[0];
      gain[i] = gs.get(idx[i]);
      count[i] = cnt.get(idx[i]);
    }
    return new Gains(level, gain, count);
  }

  private static Gains binaryGains(JudgedRanking r, int level) {
    long[] lc = r.levelCounts();
    int numLevels = r.numRelLevels();
    long[] lvl = new long[numLevels];
    double[] gain = new double[numLevels];
    long[] count = new long[numLevels];
    for (int i = 0; i < numLevels; i++) {
      lvl[i] = i;
      gain[i] = i >= level ? 1.0 : 0.0;
      count[i] = lc[i];
    }
    // sort by gain, stable
    Integer[] idx = new Integer[numLevels];
    for (int i = 0; i < numLevels; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(gain[a], gain[b]));
    long[] l2 = new long[numLevels];
    double[] g2 = new double[numLevels];
    long[] c2 = new long[numLevels];
    for (int i = 0; i < numLevels; i++) {
      l2[i] = lvl[idx[i]];
      g2[i] = gain[idx[i]];
      c2[i] = count[idx[i]];
    }
    return new Gains(l2, g2, c2);
  }

  /** Walks the ideal ranking: gains in decreasing order, each repeated by its count. */
  private static final class Ideal {
    private final Gains g;
    private int cur;
    private long atLevel;
    double gain;

    Ideal(Gains g) {
      this.g = g;
      cur = g.gain().length - 1;
      gain = cur >= 0 ? g.gain()[cur] : 0.0;
    }

    /** Advances one rank; returns the ideal gain at that rank. */
    double next() {
      atLevel++;
      while (cur >= 0 && atLevel > g.count()[cur]) {
        atLevel = 1;
        cur--;
        gain = cur >= 0 ? g.gain()[cur] : 0.0;
      }
      return gain;
    }
  }

  private static double ndcg(JudgedRanking r, Gains g) {
    int[] rels = r.rels();
    double dcg = 0;
    for (int i = 0; i < rels.length; i++) {
      double gain = g.get(rels[i]);
      if (gain != 0) {
        dcg += gain / log2(i + 2);
      }
    }
    Ideal ideal = new Ideal(g);
    double idcg = 0;
    for (int i = 0; ; i++) {
      double ig = ideal.next();
      if (ig <= 0) {
        break;
      }
      idcg += ig / log2(i + 2);
    }
    return idcg > 0 ? dcg / idcg : 0;
  }

  private static double ndcgRel(JudgedRanking r, Gains g) {
    int[] rels = r.rels();
    int n = rels.length;
    double resultsDcg = 0;
    double idealDcg = 0;
    double sum = 0;
    long numRelRet = 0;
    long numRel = 0;
    Ideal ideal = new Ideal(g);
    int i = 0;
    for (; i < n && ideal.gain > 0.0; i++) {
      double rg = g.get(rels[i]);
      if (rg != 0) {
        resultsDcg += rg / log2(i + 2);
      }
      double ig = ideal.next();
      if (ig > 0.0) {
        numRel++;
        idealDcg += ig / log2(i + 2);
      }
      if (rg > 0) {
        sum += resultsDcg / idealDcg;
        numRelRet++;
      }
    }
    for (; i < n; i++) {
      double rg = g.get(rels[i]);
      if (rg != 0) {
        resultsDcg += rg / log2(i + 2);
      }
      if (rg > 0) {
        sum += resultsDcg / idealDcg;
        numRelRet++;
      }
    }
    while (ideal.gain > 0.0) {
      double ig = ideal.next();
      if (ig > 0.0) {
        numRel++;
        idealDcg += ig / log2(i + 2);
      }
      i++;
    }
    sum += (double) (numRel - numRelRet) * resultsDcg / idealDcg;
    return sum > 0.0 ? sum / numRel : 0;
  }

  private static double rndcg(JudgedRanking r, Gains g, long numRelAtLevel) {
    if (numRelAtLevel == 0) {
      return 0;
    }
    int[] rels = r.rels();
    int n = rels.length;
    double resultsDcg = 0;
    double idealDcg = 0;
    double sum = 0;
    long changes = 0;
    Ideal ideal = new Ideal(g);
    double old = ideal.gain;
    int i = 0;
    for (; i < n && ideal.gain > 0.0; i++) {
      double rg = g.get(rels[i]);
      double ig = ideal.next();
      if (old != ig) {
        if (idealDcg > 0.0) {
          sum += resultsDcg / idealDcg;
          changes++;
        }
        old = ig;
      }
      if (rg != 0) {
        resultsDcg += rg / log2(i + 2);
      }
      if (ig > 0.0) {
        idealDcg += ig / log2(i + 2);
      }
    }
    if (i < n) {
      for (; i < n; i++) {
        double rg = g.get(rels[i]);
        if (rg != 0) {
          resultsDcg += rg / log2(i + 2);
        }
      }
      if (idealDcg > 0.0) {
        sum += resultsDcg / idealDcg;
        changes++;
      }
    }
    while (ideal.gain > 0.0) {
      double ig = ideal.next();
      if (old != ig) {
        if (idealDcg > 0.0) {
          sum += resultsDcg / idealDcg;
          changes++;
        }
        old = ig;
      }
      if (ig > 0.0) {
        idealDcg += ig / log2(i + 2);
      }
      i++;
    }
    return changes > 0 ? sum / changes : 0;
  }

  private static double gMeasure(JudgedRanking r, Gains g) {
    int[] rels = r.rels();
    int n = rels.length;
    double resultsG = 0;
    double sumResults = 0;
    double sumIdeal = 0;
    double sumCost = 0;
    double minCost = 1.0;
    Ideal ideal = new Ideal(g);
    int i = 0;
    for (; i < n && ideal.gain > 0.0; i++) {
      double rg = g.get(rels[i]);
      sumResults += rg;
      double ig = ideal.next();
      if (ig > 0.0) {
        sumIdeal += ig;
      }
      sumCost += ig >= minCost ? ig : minCost;
      if (rg != 0) {
        resultsG += rg / log2(2 + sumCost - sumResults);
      }
    }
    for (; i < n; i++) {
      double rg = g.get(rels[i]);
      sumResults += rg;
      sumCost += minCost;
      if (rg != 0) {
        resultsG += rg / log2(2 + sumCost - sumResults);
      }
    }
    while (ideal.gain > 0.0) {
      double ig = ideal.next();
      if (ig > 0.0) {
        sumIdeal += ig;
      }
    }
    return sumIdeal > 0.0 ? resultsG / sumIdeal : 0;
  }

  /**
   * Rank-biased precision (Moffat and Zobel, 2008), persistence p: (1-p) sum gain_i p^(i-1), gains
   * = grades scaled to [0,1] when any lies outside. resid: p^n + (1-p) sum over unjudged p^(i-1)
   * (0 when nothing retrieved is unjudged).
   */
  private static double rbp(JudgedRanking r, double p, boolean resid) {
    int[] rels = r.rels();
    if (resid) {
      double sum = 0;
      double cur = 1;
      long unj = 0;
      for (int x : rels) {
        if (x < 0) {
          unj++;
          sum += cur;
        }
        cur *= p;
      }
      return unj > 0 ? cur + (1 - p) * sum : 0;
    }
    int levels = r.numRelLevels();
    double min = 0;
    double max = Math.max(0, levels - 1);
    double sum = 0;
    double cur = 1;
    for (int x : rels) {
      double gain = x >= 0 && x < levels ? x : 0;
      if (min < 0 || max > 1) {
        gain = (gain - min) / (max - min);
      }
      if (gain != 0) {
        sum += gain * cur;
      }
      cur *= p;
    }
    return (1 - p) * sum;
  }

  static String relstring(JudgedRanking r, int k) {
    int[] rels = r.rels();
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < Math.min(k, rels.length); i++) {
      int x = rels[i];
      if (x == JudgedRanking.NONPOOL) {
        sb.append('-');
      } else if (x == JudgedRanking.UNJUDGED) {
        sb.append('.');
      } else if (x < 10) {
        sb.append((char) ('0' + x));
      } else {
        sb.append('*');
      }
    }
    return sb.append('\'').toString();
  }
}
