package io.trawl.eval;

import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation measure as a value with one canonical string that parses back to an equal value.
 *
 * <p>Two spellings are accepted. trec_eval's: a family name with optional parameters after a dot
 * ({@code map}, {@code P.5,10}, {@code ndcg_cut.10}, {@code ndcg.1=3,2=9}) whose output names are
 * trec_eval's ({@code P_5}, {@code P_10}); and ir_measures' ({@code nDCG@10}, {@code RR(rel=2)@10},
 * {@code R@1000}, {@code AP}, {@code P@10}, {@code Judged@10}), one value each, printed under the
 * canonical ir_measures string. Nicknames {@code official}, {@code all_trec} and {@code set} expand to
 * trec_eval's lists ({@link #parseAll}).
 */
public final class Measure {

  /** How per-query values become the summary value. */
  enum Agg { MEAN, SUM, GEOMETRIC, NUM_Q, RUNID, NONE }

  enum ParamKind { NONE, LONG_CUTS, DOUBLE_CUTS, DOUBLES, GAINS, LONG_ONE, DOUBLE_ONE }

  /** Measure families in trec_eval's output order. */
  enum Family {
    RUNID("runid", Agg.RUNID, ParamKind.NONE, null),
    NUM_Q("num_q", Agg.NUM_Q, ParamKind.NONE, null),
    NUM_RET("num_ret", Agg.SUM, ParamKind.NONE, null),
    NUM_REL("num_rel", Agg.SUM, ParamKind.NONE, null),
    NUM_REL_RET("num_rel_ret", Agg.SUM, ParamKind.NONE, null),
    MAP("map", Agg.MEAN, ParamKind.NONE, null),
    GM_MAP("gm_map", Agg.GEOMETRIC, ParamKind.NONE, null),
    RPREC("Rprec", Agg.MEAN, ParamKind.NONE, null),
    BPREF("bpref", Agg.MEAN, ParamKind.NONE, null),
    RECIP_RANK("recip_rank", Agg.MEAN, ParamKind.NONE, null),
    IPREC_AT_RECALL("iprec_at_recall", Agg.MEAN, ParamKind.DOUBLE_CUTS,
        "0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1"),
    P("P", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,15,20,30,100,200,500,1000"),
    RELSTRING("relstring", Agg.NONE, ParamKind.LONG_ONE, "10"),
    RECALL("recall", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,15,20,30,100,200,500,1000"),
    INFAP("infAP", Agg.MEAN, ParamKind.NONE, null),
    GM_BPREF("gm_bpref", Agg.GEOMETRIC, ParamKind.NONE, null),
    RPREC_MULT("Rprec_mult", Agg.MEAN, ParamKind.DOUBLE_CUTS, "0.2,0.4,0.6,0.8,1.0,1.2,1.4,1.6,1.8,2.0"),
    UTILITY("utility", Agg.MEAN, ParamKind.DOUBLES, "1,-1,0,0"),
    ELEVEN_PT_AVG("11pt_avg", Agg.MEAN, ParamKind.DOUBLES, "0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1"),
    BIN_G("binG", Agg.MEAN, ParamKind.NONE, null),
    G("G", Agg.MEAN, ParamKind.GAINS, ""),
    DCG("dcg", Agg.MEAN, ParamKind.GAINS, ""),
    IDEAL_DCG("ideal_dcg", Agg.MEAN, ParamKind.GAINS, ""),
    NDCG("ndcg", Agg.MEAN, ParamKind.GAINS, ""),
    NDCG_REL("ndcg_rel", Agg.MEAN, ParamKind.GAINS, ""),
    RNDCG("Rndcg", Agg.MEAN, ParamKind.GAINS, ""),
    NDCG_CUT("ndcg_cut", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,15,20,30,100,200,500,1000"),
    MAP_CUT("map_cut", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,15,20,30,100,200,500,1000"),
    RELATIVE_P("relative_P", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,15,20,30,100,200,500,1000"),
    SUCCESS("success", Agg.MEAN, ParamKind.LONG_CUTS, "1,5,10"),
    SET_P("set_P", Agg.MEAN, ParamKind.NONE, null),
    SET_RELATIVE_P("set_relative_P", Agg.MEAN, ParamKind.NONE, null),
    SET_RECALL("set_recall", Agg.MEAN, ParamKind.NONE, null),
    SET_MAP("set_map", Agg.MEAN, ParamKind.NONE, null),
    SET_F("set_F", Agg.MEAN, ParamKind.DOUBLE_ONE, "1.0"),
    NUM_NONREL_JUDGED_RET("num_nonrel_judged_ret", Agg.SUM, ParamKind.NONE, null),
    YAAP("yaap", Agg.MEAN, ParamKind.NONE, null),
    RBP("rbp", Agg.MEAN, ParamKind.DOUBLE_ONE, "p=0.9"),
    RBP_RESID("rbp_resid", Agg.MEAN, ParamKind.DOUBLE_ONE, "p=0.9"),
    UNJ("unj", Agg.MEAN, ParamKind.LONG_CUTS, "5,10,20"),
    JUDGED("judged", Agg.MEAN, ParamKind.LONG_CUTS, "10");

    final String trecName;
    final Agg agg;
    final ParamKind kind;
    final String defaults;

    Family(String trecName, Agg agg, ParamKind kind, String defaults) {
      this.trecName = trecName;
      this.agg = agg;
      this.kind = kind;
      this.defaults = defaults;
    }

    boolean isCount() {
      return this == NUM_Q || this == NUM_RET || this == NUM_REL || this == NUM_REL_RET
          || this == NUM_NONREL_JUDGED_RET;
    }

    static Family byTrecName(String name) {
      for (Family f : values()) {
        if (f.trecName.equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  static final List<String> OFFICIAL = List.of("runid", "num_q", "num_ret", "num_rel",
      "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank", "iprec_at_recall", "P");
  static final List<String> ALL_TREC = List.of("runid", "num_q", "num_ret", "num_rel",
      "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank", "iprec_at_recall", "P",
      "relstring", "recall", "infAP", "gm_bpref", "Rprec_mult", "utility", "11pt_avg", "binG", "G",
      "ndcg", "ndcg_rel", "Rndcg", "ndcg_cut", "map_cut", "relative_P", "success", "set_P",
      "set_relative_P", "set_recall", "set_map", "set_F", "num_nonrel_judged_ret", "rbp",
      "rbp_resid", "unj");
  static final List<String> SET = List.of("runid", "num_q", "num_ret", "num_rel", "num_rel_ret",
      "utility", "set_P", "set_recall", "set_relative_P", "set_map", "set_F");

  /** ir_measures names, their family and whether they take {@code @k} and {@code rel=}. */
  private record IrmName(String name, Family plain, Family cut, boolean takesRel) {}

  private static final List<IrmName> IRM = List.of(
      new IrmName("AP", Family.MAP, Family.MAP_CUT, true),
      new IrmName("nDCG", Family.NDCG, Family.NDCG_CUT, false),
      new IrmName("RR", Family.RECIP_RANK, Family.RECIP_RANK, true),
      new IrmName("P", null, Family.P, true),
      new IrmName("R", null, Family.RECALL, true),
      new IrmName("Rprec", Family.RPREC, null, true),
      new IrmName("Bpref", Family.BPREF, null, true),
      new IrmName("infAP", Family.INFAP, null, true),
      new IrmName("Success", null, Family.SUCCESS, true),
      new IrmName("Judged", null, Family.JUDGED, false),
      new IrmName("NumQ", Family.NUM_Q, null, false),
      new IrmName("NumRet", Family.NUM_RET, null, false),
      new IrmName("NumRel", Family.NUM_REL, null, true),
      new IrmName("NumRelRet", Family.NUM_REL_RET, null, true),
      new IrmName("GMAP", Family.GM_MAP, null, true));

  final Family family;
  final String rawParams; // trec style: text after the dot, null when defaults
  final long[] longs;
  final double[] doubles;
  final String[] gainLevels;
  final double[] gainValues;
  final Integer rel; // ir_measures rel= override
  final Integer depth; // ir_measures @k for measures with no cutoff family of their own (RR@10)
  final String irmName; // null for trec style

  private Measure(Family family, String rawParams, long[] longs, double[] doubles,
      String[] gainLevels, double[] gainValues, Integer rel, Integer depth, String irmName) {
    this.family = family;
    this.rawParams = rawParams;
    this.longs = longs;
    this.doubles = doubles;
    this.gainLevels = gainLevels;
    this.gainValues = gainValues;
    this.rel = rel;
    this.depth = depth;
    this.irmName = irmName;
  }

  /** Parses one measure (not a nickname). */
  public static Measure parse(String text) {
    List<Measure> all = parseAll(List.of(text));
    if (all.size() != 1) {
      throw TrawlException.invalid("'" + text + "' names " + all.size() + " measures, expected one");
    }
    return all.get(0);
  }

  /**
   * Parses {@code -m} arguments in order, as trec_eval 10.0 marks them: nicknames expand (a
   * nickname's own parameters are ignored), a trec_eval family named twice is computed once with
   * the parameters of the first {@code -m} that gave some (so {@code -m P.5 -m P.10} is {@code
   * P_5}, and {@code -m all_trec -m P.7} equals {@code -m P.7 -m all_trec}), and the result is in
   * trec_eval's output order (ir_measures names after the trec_eval ones, in the order given).
   */
  public static List<Measure> parseAll(List<String> texts) {
    Map<Family, String> trecParams = new LinkedHashMap<>();
    java.util.Set<Family> marked = java.util.EnumSet.noneOf(Family.class);
    Map<String, Measure> irm = new LinkedHashMap<>();
    for (String raw : texts) {
      String text = raw.strip();
      if (text.isEmpty()) {
        throw TrawlException.invalid("empty measure name; valid: " + validNames());
      }
      int dot = text.indexOf('.');
      String root = dot < 0 ? text : text.substring(0, dot);
      List<String> nick = switch (root) {
        case "official" -> OFFICIAL;
        case "all_trec" -> ALL_TREC;
        case "set" -> SET;
        default -> null;
      };
      if (nick != null && text.indexOf('@') < 0 && text.indexOf('(') < 0) {
        if (dot >= 0 && dot == text.length() - 1) {
          throw TrawlException.invalid("measure '" + text + "': empty parameter list after '.'");
        }
        for (String n : nick) {
          marked.add(Family.byTrecName(n));
        }
        continue;
      }
      if (text.indexOf('@') >= 0 || text.indexOf('(') >= 0) {
        Measure m = parseIrm(text);
        irm.putIfAbsent(m.toString(), m);
        continue;
      }
      Family f = Family.byTrecName(root);
      if (f != null) {
        if (dot == text.length() - 1) {
          throw TrawlException.invalid("measure '" + text + "': empty parameter list after '.'");
        }
        marked.add(f);
        if (dot >= 0) {
          // only these parameters are read (and checked), as trec_eval reads only the first
          trecParams.putIfAbsent(f, text.substring(dot + 1));
        }
        continue;
      }
      Measure m = parseIrm(text);
      irm.putIfAbsent(m.toString(), m);
    }
    List<Measure> out = new ArrayList<>();
    for (Family f : Family.values()) {
      if (marked.contains(f)) {
        String p = trecParams.get(f);
        out.add(parseTrec(p == null ? f.trecName : f.trecName + "." + p));
      }
    }
    out.addAll(irm.values());
    return out;
  }

  /**
   * Every accepted name, in trec_eval's then ir_measures' order, with its parameter shape:
   * nicknames ({@code official}), trec_eval families ({@code ndcg_cut[.params]}), ir_measures
   * names ({@code nDCG[@k]}, {@code RR[@k][(rel=N)]}).
   */
  public static List<String> names() {
    List<String> out = new ArrayList<>(List.of("official", "all_trec", "set"));
    for (Family f : Family.values()) {
      out.add(f.trecName + (f.kind != ParamKind.NONE ? "[.params]" : ""));
    }
    for (IrmName n : IRM) {
      StringBuilder sb = new StringBuilder(n.name);
      if (n.cut != null) {
        sb.append(n.plain == null ? "@k" : "[@k]");
      }
      if (n.takesRel) {
        sb.append("[(rel=N)]");
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Every accepted name, for error messages. */
  public static String validNames() {
    return String.join(", ", names());
  }

  private static TrawlException unknown(String text) {
    String hint = suggestion(text);
    return TrawlException.invalid("unknown measure '" + text + "'"
        + (hint != null ? " (did you mean '" + hint + "'?)" : "") + "; valid: " + validNames());
  }

  /**
   * A "did you mean" for a measure: the {@code -m} spelling of a name as trec_eval prints it
   * ({@code ndcg_cut_10} -> {@code ndcg_cut.10}, {@code P_5} -> {@code P.5}), else the nearest
   * name by edit distance.
   */
  private static String suggestion(String text) {
    for (int i = text.lastIndexOf('_'); i > 0; i = text.lastIndexOf('_', i - 1)) {
      String dotted = text.substring(0, i) + "." + text.substring(i + 1);
      if (Family.byTrecName(text.substring(0, i)) != null) {
        try {
          parse(dotted);
          return dotted;
        } catch (TrawlException e) {
          // not this split
        }
      }
    }
    List<String> plain = new ArrayList<>();
    for (String n : names()) {
      int cut = n.indexOf('[');
      int at = n.indexOf('@');
      int end = cut < 0 ? at : at < 0 ? cut : Math.min(cut, at);
      plain.add(end < 0 ? n : n.substring(0, end));
    }
    int end = text.length();
    for (char c : new char[] {'.', '@', '('}) {
      int i = text.indexOf(c);
      end = i > 0 ? Math.min(end, i) : end;
    }
    String best = io.trawl.core.Registry.closest(text.substring(0, end), plain);
    return best == null ? null : best + text.substring(end);
  }

  private static Measure parseTrec(String text) {
    int dot = text.indexOf('.');
    String root = dot < 0 ? text : text.substring(0, dot);
    String params = dot < 0 ? null : text.substring(dot + 1);
    Family f = Family.byTrecName(root);
    if (f == null) {
      throw unknown(text);
    }
    if (params != null && params.isEmpty()) {
      throw TrawlException.invalid("measure '" + text + "': empty parameter list after '.'");
    }
    if (f.kind == ParamKind.NONE) {
      // trec_eval ignores parameters given to a measure that takes none (map.5 is map)
      return new Measure(f, null, null, null, null, null, null, null, null);
    }
    String p = params == null ? f.defaults : params;
    String raw = params;
    try {
      if (f == Family.RBP || f == Family.RBP_RESID) {
        return parseRbp(f, text, p, raw);
      }
      switch (f.kind) {
        case LONG_CUTS: {
          long[] cuts = Arrays.stream(p.split(",", -1)).mapToLong(Measure::atol).sorted().toArray();
          if (cuts[0] <= 0) {
            throw TrawlException.invalid("measure '" + text + "': cutoffs must be positive");
          }
          requireDistinct(text, Arrays.stream(cuts).asDoubleStream().toArray());
          return new Measure(f, raw, cuts, null, null, null, null, null, null);
        }
        case LONG_ONE: {
          // relstring reads its length like trec_eval: the first number, as a double, truncated
          double len = Double.parseDouble(p.split(",", -1)[0]);
          return new Measure(f, raw, new long[] {(long) len}, null, null, null, null, null, null);
        }
        case DOUBLE_CUTS: {
          double[] cuts = Arrays.stream(p.split(",", -1)).mapToDouble(Double::parseDouble).sorted()
              .toArray();
          requireDistinct(text, cuts);
          return new Measure(f, raw, null, cuts, null, null, null, null, null);
        }
        case DOUBLES:
        case DOUBLE_ONE: {
          // utility's count of 4 is checked when evaluating, where trec_eval checks it (exit 4)
          double[] v = Arrays.stream(p.split(",", -1)).mapToDouble(Double::parseDouble).toArray();
          return new Measure(f, raw, null, v, null, null, null, null, null);
        }
        case GAINS: {
          if (p.isEmpty()) {
            return new Measure(f, null, null, null, new String[0], new double[0], null, null, null);
          }
          String[] pairs = p.split(",", -1);
          String[] levels = new String[pairs.length];
          double[] gains = new double[pairs.length];
          for (int i = 0; i < pairs.length; i++) {
            int eq = pairs[i].indexOf('=');
            if (eq < 0) {
              throw TrawlException.invalid("measure '" + text + "': expected level=gain pairs");
            }
            levels[i] = pairs[i].substring(0, eq);
            gains[i] = Double.parseDouble(pairs[i].substring(eq + 1));
          }
          return new Measure(f, raw, null, null, levels, gains, null, null, null);
        }
        default:
          throw new IllegalStateException();
      }
    } catch (NumberFormatException e) {
      throw TrawlException.invalid("measure '" + text + "': bad number in parameters");
    }
  }

  /**
   * rbp's parameters are trec_eval's {@code name=value} pairs: {@code p=} the persistence (the last
   * one counts), integer names extra gains as for ndcg.
   */
  private static Measure parseRbp(Family f, String text, String p, String raw) {
    double persistence = 0.9;
    List<String> levels = new ArrayList<>();
    List<Double> gains = new ArrayList<>();
    for (String item : p.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw TrawlException.invalid("measure '" + text + "': expected name=value pairs, e.g. "
            + f.trecName + ".p=0.95 (trec_eval: malformed pair parameters)");
      } else if (item.substring(0, eq).equals("p")) {
        persistence = Double.parseDouble(item.substring(eq + 1));
      } else {
        levels.add(item.substring(0, eq));
        gains.add(Double.parseDouble(item.substring(eq + 1)));
      }
    }
    return new Measure(f, raw, null, new double[] {persistence}, levels.toArray(String[]::new),
        gains.stream().mapToDouble(Double::doubleValue).toArray(), null, null, null);
  }

  /** trec_eval refuses a cutoff given twice ("duplicate cutoffs detected", exit 2). */
  private static void requireDistinct(String text, double[] sorted) {
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw TrawlException.invalid("measure '" + text + "': duplicate cutoffs (trec_eval refuses"
            + " them)");
      }
    }
  }

  /** Like C's atol: leading integer part ("23.4" is 23). */
  private static long atol(String s) {
    String t = s.strip();
    int i = 0;
    if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
      i++;
    }
    int j = i;
    while (j < t.length() && Character.isDigit(t.charAt(j))) {
      j++;
    }
    if (j == i) {
      throw new NumberFormatException(s);
    }
    return Long.parseLong(t.substring(0, j));
  }

  private static Measure parseIrm(String text) {
    Spec spec;
    try {
      spec = Spec.parse(text);
    } catch (TrawlException e) {
      throw unknown(text);
    }
    IrmName n = null;
    for (IrmName c : IRM) {
      if (c.name.equals(spec.name())) {
        n = c;
      }
    }
    if (n == null) {
      for (IrmName c : IRM) {
        if (c.name.equalsIgnoreCase(spec.name())) {
          throw TrawlException.invalid("unknown measure '" + text + "' (did you mean '" + c.name
              + text.substring(Math.min(text.length(), spec.name().length())) + "'?); valid: " + validNames());
        }
      }
      throw unknown(text);
    }
    Integer rel = null;
    for (Map.Entry<String, String> e : spec.params().entrySet()) {
      if (!e.getKey().equals("rel") || !n.takesRel) {
        throw TrawlException.invalid("unknown parameter '" + e.getKey() + "' for " + n.name
            + (n.takesRel ? "; known: rel" : "; it takes none"));
      }
      try {
        rel = Integer.parseInt(e.getValue());
      } catch (NumberFormatException ex) {
        throw TrawlException.invalid("parameter 'rel' must be an integer, got '" + e.getValue() + "'");
      }
      if (rel < 0) {
        throw TrawlException.invalid("parameter 'rel' must be >= 0, got " + rel);
      }
    }
    Integer k = spec.cutoff();
    if (k == null) {
      if (n.plain == null) {
        throw TrawlException.invalid("measure '" + n.name + "' needs a cutoff, e.g. " + n.name + "@10");
      }
      return new Measure(n.plain, null, null, null, new String[0], new double[0], rel, null, n.name);
    }
    if (n.cut == null) {
      throw TrawlException.invalid("measure '" + n.name + "' takes no @cutoff");
    }
    if (n.cut == n.plain) {
      return new Measure(n.plain, null, null, null, null, null, rel, k, n.name);
    }
    return new Measure(n.cut, null, new long[] {k}, null, null, null, rel, null, n.name);
  }

  /** True for ir_measures-style measures. */
  public boolean isIrStyle() {
    return irmName != null;
  }

  /** The relevance level this measure uses given the global {@code -l}. */
  int level(EvalOptions o) {
    return rel != null ? rel : o.relevanceLevel();
  }

  /** Names of the values this measure produces, in output order. */
  public List<String> outputNames() {
    if (irmName != null) {
      return List.of(toString());
    }
    String n = family.trecName;
    List<String> out = new ArrayList<>();
    switch (family.kind) {
      case LONG_CUTS -> {
        for (long c : longs) {
          out.add(n + "_" + c);
        }
      }
      case DOUBLE_CUTS -> {
        for (double c : doubles) {
          out.add(n + "_" + EvalResult.cFixed(c, 2, 3));
        }
      }
      default -> out.add(rawParams == null ? n : n + "_" + rawParams);
    }
    return out;
  }

  /** Number of values per query. */
  public int width() {
    if (irmName != null) {
      return 1;
    }
    return switch (family.kind) {
      case LONG_CUTS -> longs.length;
      case DOUBLE_CUTS -> doubles.length;
      default -> 1;
    };
  }

  boolean isCount() {
    return family.isCount();
  }

  /** trec_eval prints this per query (with -q). */
  boolean perQuery() {
    return family.agg != Agg.GEOMETRIC && family.agg != Agg.NUM_Q && family.agg != Agg.RUNID;
  }

  /** trec_eval prints this in the summary. */
  boolean inSummary() {
    return family.agg != Agg.NONE;
  }

  /** Computes this measure's values for one query into {@code out[off..off+width)}. */
  void compute(JudgedRanking q, EvalOptions o, double[] out, int off) {
    JudgedRanking r = depth != null ? q.top(depth) : q;
    TrecMeasures.compute(this, r, level(o), o, out, off);
  }

  /**
   * What trec_eval 10.0 resets after scoring a {@code -c} query the run lacks on its stand-in
   * ranking (one document that is not in the pool): by printed name, {@code num_ret}, {@code
   * utility}, {@code relstring}, every {@code unj_k} and {@code rbp_resid}. A measure given with
   * parameters prints another name and keeps its value, as there.
   */
  void resetForMissingQuery(double[] out, int off, String[] strings) {
    boolean plain = rawParams == null;
    switch (family) {
      case NUM_RET, UNJ -> Arrays.fill(out, off, off + width(), 0.0);
      case UTILITY, RBP_RESID -> {
        if (plain) {
          out[off] = 0.0;
        }
      }
      case RELSTRING -> {
        if (plain) {
          strings[off] = "''";
        }
      }
      default -> { }
    }
  }

  /** The per-query string of string-valued measures (relstring), else null. */
  String computeString(JudgedRanking q, EvalOptions o) {
    return family == Family.RELSTRING ? TrecMeasures.relstring(q, (int) longs[0]) : null;
  }

  @Override
  public String toString() {
    if (irmName != null) {
      Map<String, String> p = new LinkedHashMap<>();
      if (rel != null) {
        p.put("rel", Integer.toString(rel));
      }
      Integer k = depth != null ? depth : (longs != null ? Integer.valueOf((int) longs[0]) : null);
      return new Spec(irmName, p, k).toString();
    }
    return rawParams == null ? family.trecName : family.trecName + "." + rawParams;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Measure m && m.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
