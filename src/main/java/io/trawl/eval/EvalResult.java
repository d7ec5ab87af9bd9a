package io.trawl.eval;

import io.trawl.core.TrawlException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-query and summary values of one run; formats them like trec_eval. */
public final class EvalResult {
  private final String source;
  private final String tag;
  private final List<Measure> measures;
  private final List<String> names;
  private final List<Measure> owner;
  private final List<String> queryIds;
  private final List<Boolean> inRun;
  private final double[][] values;
  private final String[][] strings;
  private final EvalOptions options;
  private final double[] summary;

  /**
   * @param completeNumRel with {@code -c}, trec_eval's summary {@code num_rel}: every judgment
   *     above 0 in the qrels, whatever {@code -l} says; -1 otherwise (the sum over queries)
   */
  EvalResult(String source, String tag, List<Measure> measures, List<String> names,
      List<Measure> owner, List<String> queryIds, List<Boolean> inRun, double[][] values,
      String[][] strings, EvalOptions options, long completeNumRel) {
    this.source = source;
    this.tag = tag;
    this.measures = List.copyOf(measures);
    this.names = List.copyOf(names);
    this.owner = List.copyOf(owner);
    this.queryIds = List.copyOf(queryIds);
    this.inRun = List.copyOf(inRun);
    this.values = values;
    this.strings = strings;
    this.options = options;
    this.summary = new double[names.size()];
    int nq = queryIds.size();
    for (int c = 0; c < names.size(); c++) {
      Measure m = owner.get(c);
      double s = 0;
      switch (m.family.agg) {
        case GEOMETRIC -> {
          for (double[] row : values) {
            s += Math.log(Math.max(row[c], TrecMeasures.MIN_GEO_MEAN));
          }
          summary[c] = nq > 0 ? Math.exp(s / nq) : 0;
        }
        case SUM -> {
          for (double[] row : values) {
            s += row[c];
          }
          summary[c] = m.family == Measure.Family.NUM_REL && !m.isIrStyle() && completeNumRel >= 0
              ? completeNumRel : s;
        }
        case NUM_Q -> summary[c] = nq;
        case MEAN -> {
          for (double[] row : values) {
            s += row[c];
          }
          summary[c] = nq > 0 ? s / nq : 0;
        }
        default -> summary[c] = 0;
      }
    }
  }

  public String source() {
    return source;
  }

  public String tag() {
    return tag;
  }

  public List<Measure> measures() {
    return measures;
  }

  /** Output names in order ({@code P_5}, {@code nDCG@10}, ...). */
  public List<String> names() {
    return names;
  }

  /** Evaluated query ids, sorted (with {@code -c}: every qrels query). */
  public List<String> queryIds() {
    return queryIds;
  }

  /** Summary value of an output name. */
  public double summary(String name) {
    return summary[column(name)];
  }

  /** Per-query values of an output name, aligned with {@link #queryIds()}. */
  public double[] perQuery(String name) {
    int c = column(name);
    double[] out = new double[values.length];
    for (int q = 0; q < values.length; q++) {
      out[q] = values[q][c];
    }
    return out;
  }

  /** Per-query values as a map query id to value. */
  public Map<String, Double> perQueryMap(String name) {
    double[] v = perQuery(name);
    Map<String, Double> m = new LinkedHashMap<>();
    for (int q = 0; q < v.length; q++) {
      m.put(queryIds.get(q), v[q]);
    }
    return Collections.unmodifiableMap(m);
  }

  private int column(String name) {
    int c = names.indexOf(name);
    if (c < 0) {
      for (Measure m : measures) {
        if (m.toString().equals(name) && m.width() == 1) {
          return names.indexOf(m.outputNames().get(0));
        }
      }
      throw TrawlException.invalid("measure '" + name + "' was not evaluated; have: " + names);
    }
    return c;
  }

  /** trec_eval's value formatting: {@code %6.4f} rounded exactly as C's printf, counts as integers. */
  static String formatValue(double v, boolean count) {
    if (count) {
      return Long.toString((long) v);
    }
    return cFixed(v, 4, 6);
  }

  /**
   * C's {@code printf("%W.Df", v)} as glibc prints it: the exact binary value rounded half-even,
   * the sign kept on values that round to zero ({@code -0.0000}), NaN as {@code -nan} (trec_eval's
   * NaNs come from 0/0, whose sign bit is set on x86-64) and infinities as {@code inf}.
   */
  static String cFixed(double v, int decimals, int width) {
    String s;
    if (Double.isNaN(v)) {
      s = "-nan";
    } else if (Double.isInfinite(v)) {
      s = v < 0 ? "-inf" : "inf";
    } else {
      s = new BigDecimal(v).abs().setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
      if (v < 0 || (v == 0 && 1 / v < 0)) {
        s = "-" + s;
      }
    }
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static void line(StringBuilder sb, String name, String qid, String value) {
    sb.append(name);
    for (int i = name.length(); i < 22; i++) {
      sb.append(' ');
    }
    sb.append('\t').append(qid).append('\t').append(value).append('\n');
  }

  /**
   * trec_eval's output: with {@code perQuery}, each query's lines (queries in sorted order), then
   * the summary ({@code all}) unless {@code summaryToo} is false.
   */
  public String toTrecEval(boolean perQuery, boolean summaryToo) {
    StringBuilder sb = new StringBuilder();
    if (perQuery) {
      for (int q = 0; q < queryIds.size(); q++) {
        if (!inRun.get(q) && options.version() == EvalOptions.TrecEvalVersion.V9) {
          continue; // 9.0.x: -c averages over missing queries but prints nothing for them
        }
        for (int c = 0; c < names.size(); c++) {
          Measure m = owner.get(c);
          if (!m.perQuery()) {
            continue;
          }
          String v = strings[q] != null && strings[q][c] != null ? strings[q][c]
              : formatValue(values[q][c], m.isCount());
          line(sb, names.get(c), queryIds.get(q), v);
        }
      }
    }
    if (summaryToo) {
      for (int c = 0; c < names.size(); c++) {
        Measure m = owner.get(c);
        if (!m.inSummary()) {
          continue;
        }
        String v = m.family == Measure.Family.RUNID ? tag
            : formatValue(summary[c], m.isCount() || m.family == Measure.Family.NUM_Q);
        line(sb, names.get(c), "all", v);
      }
    }
    return sb.toString();
  }

  /** Summary values by output name (runid and string measures left out). */
  public Map<String, Double> summaries() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int c = 0; c < names.size(); c++) {
      Measure ms = owner.get(c);
      if (ms.inSummary() && ms.family != Measure.Family.RUNID) {
        m.put(names.get(c), summary[c]);
      }
    }
    return m;
  }

  /** Whether an output name prints as an integer. */
  public boolean isCount(String name) {
    Measure m = owner.get(column(name));
    return m.isCount();
  }

  /** Output names that have per-query numeric values (for tables and significance tests). */
  public List<String> numericNames() {
    List<String> out = new ArrayList<>();
    for (int c = 0; c < names.size(); c++) {
      Measure m = owner.get(c);
      if (m.perQuery() && m.family != Measure.Family.RELSTRING) {
        out.add(names.get(c));
      }
    }
    return out;
  }

  boolean inRun(int q) {
    return inRun.get(q);
  }

  String stringValue(int q, String name) {
    int c = column(name);
    return strings[q] == null ? null : strings[q][c];
  }
}
