package io.trawl.eval;

import io.trawl.core.TrawlException;
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

  static void compute(Measure m, JudgedRanking r, int level, EvalOptions o, double[] out,
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
      case IPREC_AT_RECALL -> iprec(rels, level, numRel, m.doubles, out, off);
      case ELEVEN_PT_AVG -> {
        double[] tmp = new double[m.doubles.length];
        iprec(rels, level, numRel, m.doubles, tmp, 0);
        // trec_eval adds the interpolated precisions from the last fraction back to the first
        double s = 0;
        for (int c = tmp.length - 1; c >= 0; c--) {
          s += tmp[c];
        }
        out[off] = s / tmp.length;
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
        double[] p = m.doubles;
        if (p.length != 4) {
          throw new TrawlException(Evaluator.EXIT_STOPPED, "measure '" + m + "' takes 4 numbers"
              + " a,b,c,d, got " + p.length + " (trec_eval stops with 'improper number of"
              + " coefficients', exit 4)");
        }
        long relRet = r.numRelRet(level);
        out[off] = p[0] * relRet + p[1] * (n - relRet) + p[2] * (numRel - relRet)
            + p[3] * (o.numDocsInColl() + relRet - n - numRel);
      }
      case SET_P -> out[off] = n > 0 ? (double) r.numRelRet(level) / n : 0;
      case SET_RELATIVE_P -> {
        long d = Math.min(n, numRel);
        out[off] = d > 0 ? (double) r.numRelRet(level) / d : 0;
      }
      case SET_RECALL -> out[off] = numRel > 0 ? (double) r.numRelRet(level) / numRel : 0;
      case SET_MAP -> {
        // relret^2 / (ret * rel) in one division, as trec_eval computes it (not set_P x set_recall)
        double rr = r.numRelRet(level);
        out[off] = n > 0 && numRel > 0 ? (rr * rr) / ((double) n * (double) numRel) : 0;
      }
      case SET_F -> {
        // trec_eval's F: (beta + 1) P R / (beta P + R), beta not squared; 0 when nothing relevant
        long rr = r.numRelRet(level);
        if (rr > 0) {
          double p = (double) rr / n;
          double rc = (double) rr / numRel;
          double x = m.doubles[0];
          out[off] = (x + 1.0) * p * rc / (x * p + rc);
        } else {
          out[off] = 0;
        }
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
      case NDCG -> {
        double[] d = dcg(r, gains(m, r));
        out[off] = d[1] > 0 ? d[0] / d[1] : 0;
      }
      case DCG -> out[off] = dcg(r, gains(m, r))[0];
      case IDEAL_DCG -> out[off] = dcg(r, gains(m, r))[1];
      case YAAP -> {
        double sum = precisionSum(rels, n, level);
        out[off] = Math.log((1.0 + sum) / (1.0 + numRel - sum));
      }
      case NDCG_REL -> out[off] = ndcgRel(r, gains(m, r));
      case RNDCG -> out[off] = rndcg(r, gains(m, r), numRel);
      case G -> out[off] = gMeasure(r, gains(m, r));
      case BIN_G -> {
        long relSoFar = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
          if (rels[i] >= level) {
            relSoFar++;
            sum += 1.0 / log2(3 + i - relSoFar);
          }
        }
        out[off] = relSoFar > 0 ? sum / numRel : 0;
      }
      case RBP -> out[off] = rbp(r, gains(m, r), m.doubles[0]);
      case RBP_RESID -> out[off] = rbpResidual(r, m.doubles[0]);
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
    return numRel > 0 ? precisionSum(rels, n, level) / numRel : 0;
  }

  /** The sum of the precision at each relevant document among the first n: AP times R. */
  private static double precisionSum(int[] rels, int n, int level) {
    long relSoFar = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (rels[i] >= level) {
        relSoFar++;
        sum += (double) relSoFar / (i + 1);
      }
    }
    return sum;
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
   * fraction f becomes a number of relevant documents by rounding f*R (10.0's lround). Precision over an empty ranking (-J with nothing judged retrieved) is 0/0: the
   * fractions reached before any relevant document print as trec_eval's -nan.
   */
  private static void iprec(int[] rels, int level, long numRel, double[] fractions, double[] out,
      int off) {
    int nc = fractions.length;
    int n = rels.length;
    long[] cutoffs = new long[nc];
    for (int c = 0; c < nc; c++) {
      cutoffs[c] = lround(fractions[c] * numRel);
    }
    long numRelRet = relIn(rels, level, n);
    for (int c = 0; c < nc; c++) {
      out[off + c] = 0;
    }
    int cur = nc - 1;
    while (cur >= 0 && cutoffs[cur] > numRelRet) {
      cur--;
    }
    double precis = (double) numRelRet / (double) n;
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

  /** C's lround: to nearest, halves away from zero. */
  static long lround(double x) {
    return x < 0 ? -Math.round(-x) : Math.round(x);
  }

  private static double log2(double x) {
    return Log2.of(x);
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

  /**
   * trec_eval's gain table: the {@code level=gain} parameters whose level is an integer (others are
   * skipped), then every judged grade without a parameter at gain = grade; sorted by gain as
   * trec_eval's qsort does it (glibc's merge sort, comparing (int) (gain1 - gain2), so gains less
   * than 1 apart keep their order).
   */
  private static Gains gains(Measure m, JudgedRanking r) {
    List<long[]> lv = new ArrayList<>();
    List<Double> gs = new ArrayList<>();
    List<Long> cnt = new ArrayList<>();
    String[] pl = m.gainLevels == null ? new String[0] : m.gainLevels;
    for (int i = 0; i < pl.length; i++) {
      if (!pl[i].matches("[-+]?[0-9]+")) {
        continue;
      }
      lv.add(new long[] {Long.parseLong(pl[i].startsWith("+") ? pl[i].substring(1) : pl[i])});
      gs.add(m.gainValues[i]);
      cnt.add(0L);
    }
    long[] lc = r.levelCounts();
    int numLevels = r.numRelLevels();
    int params = lv.size();
    for (int i = 0; i < numLevels; i++) {
      int j = 0;
      while (j < params && lv.get(j)[0] != i) {
        j++;
      }
      if (j < params) {
        cnt.set(j, lc[i]);
      } else {
        lv.add(new long[] {i});
        gs.add((double) i);
        cnt.add(lc[i]);
      }
    }
    int[] idx = new int[lv.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    mergeSortByGain(idx, new int[idx.length], 0, idx.length, gs);
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

  /** glibc's msort: halves of n/2 and n - n/2, merged taking the left one unless it compares > 0. */
  private static void mergeSortByGain(int[] a, int[] tmp, int from, int to, List<Double> gs) {
    int n = to - from;
    if (n <= 1) {
      return;
    }
    int mid = from + n / 2;
    mergeSortByGain(a, tmp, from, mid, gs);
    mergeSortByGain(a, tmp, mid, to, gs);
    int i = from;
    int j = mid;
    int k = 0;
    while (i < mid && j < to) {
      if ((int) (gs.get(a[i]) - gs.get(a[j])) <= 0) {
        tmp[k++] = a[i++];
      } else {
        tmp[k++] = a[j++];
      }
    }
    while (i < mid) {
      tmp[k++] = a[i++];
    }
    System.arraycopy(tmp, 0, a, from, k);
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

  /** {results DCG, ideal DCG} over the whole ranking with trec_eval's gain table. */
  private static double[] dcg(JudgedRanking r, Gains g) {
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
    return new double[] {dcg, idcg};
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
    return sum / changes; // 0/0 (-nan) when the ideal gain never changes, as in trec_eval
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
   * Rank-biased precision (Moffat and Zobel, 2008), persistence p: (1-p) sum gain_i p^(i-1), with
   * trec_eval's gain table scaled to [0,1] by (g - min) / (max - min) when a gain lies outside;
   * min and max start at 0 (trec_eval reads them unset; its builds give this).
   */
  private static double rbp(JudgedRanking r, Gains table, double p) {
    double[] gain = table.gain().clone();
    double min = 0;
    double max = 0;
    for (double g : gain) {
      min = Math.min(min, g);
      max = Math.max(max, g);
    }
    if (min < 0 || max > 1) {
      for (int i = 0; i < gain.length; i++) {
        gain[i] = (gain[i] - min) / (max - min);
      }
    }
    Gains scaled = new Gains(table.level(), gain, table.count());
    double sum = 0;
    double cur = 1;
    for (int x : r.rels()) {
      double g = scaled.get(x);
      if (g != 0) {
        sum += g * cur;
      }
      cur *= p;
    }
    return (1 - p) * sum;
  }

  /** rbp's residual: p^n + (1-p) sum over unjudged p^(i-1), 0 when nothing retrieved is unjudged. */
  private static double rbpResidual(JudgedRanking r, double p) {
    double sum = 0;
    double cur = 1;
    long unj = 0;
    for (int x : r.rels()) {
      if (x < 0) {
        unj++;
        sum += cur;
      }
      cur *= p;
    }
    return unj > 0 ? cur + (1 - p) * sum : 0;
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
      } else if (x > 9) {
        sb.append('>');
      } else if (x >= 0) {
        sb.append((char) ('0' + x));
      } else {
        sb.append('<');
      }
    }
    return sb.append('\'').toString();
  }
}
