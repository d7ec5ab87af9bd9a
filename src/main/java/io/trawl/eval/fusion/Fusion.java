package io.trawl.eval.fusion;

import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.RankedList;
import io.trawl.core.Registry;
import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.io.RunReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Run fusion. Each input list is taken in trec_eval's order (score descending, docid descending) and
 * cut to {@code depth}; rank r is the 1-based position there.
 *
 * <ul>
 *   <li>RRF (Cormack, Clarke and Buettcher, SIGIR 2009): score(d) = sum_i w_i / (k + r_i(d)), k = 60.
 *   <li>CombSUM (Fox and Shaw, 1994): sum_i w_i * norm_i(s_i(d)) over the runs that retrieved d.
 *   <li>CombMNZ: CombSUM times the number of runs that retrieved d.
 *   <li>Interpolation: sum_i w_i * norm_i(s_i(d)), weights given (e.g. 0.7,0.3), a document missing
 *       from a run contributing 0 for it.
 * </ul>
 *
 * Normalisation is per query and per run over the depth-cut list: min-max ((s - min)/(max - min);
 * 1 when all scores are equal) or z-score ((s - mean)/sd, population sd; 0 when sd = 0). The output
 * keeps the top {@code hits} per query in trec_eval's order (fused score descending, then docid
 * descending), so the file order is the order trec_eval evaluates: ties are deterministic.
 * The output does not depend on the order in which the runs are given (with their weights): each
 * document's contributions are summed in ascending order, and queries come in the order given by
 * {@link #queryOrder(List)}.
 */
public final class Fusion {
  private Fusion() {}

  /** Fusion methods. */
  public enum Method { RRF, COMBSUM, COMBMNZ, INTERPOLATE }

  /** Score normalisations. */
  public enum Norm { NONE, MINMAX, ZSCORE }

  /**
   * @param weights one per run (null: all 1; required for interpolation)
   * @param k RRF constant (> 0)
   * @param depth how many of each input list to read per query
   * @param hits how many fused documents to keep per query
   */
  public record Settings(Method method, Norm norm, double k, double[] weights, int depth,
      int hits) {
    public Settings {
      if (method == Method.RRF && norm != Norm.NONE) {
        throw TrawlException.invalid("norm does not apply to rrf (it uses ranks)");
      }
      if (method != Method.RRF) {
        k = 60; // only RRF has a k: other methods' settings are equal whatever k was given
      }
      if (!(k > 0) || Double.isInfinite(k)) {
        throw TrawlException.invalid("k must be a finite number > 0, got " + k);
      }
      if (weights != null) {
        for (double x : weights) {
          if (!Double.isFinite(x)) {
            throw TrawlException.invalid("weights must be finite numbers, got " + x);
          }
        }
      }
      if (depth <= 0 || hits <= 0) {
        throw TrawlException.invalid("depth and hits must be positive, got " + depth + ", " + hits);
      }
    }

    public static Settings rrf() {
      return new Settings(Method.RRF, Norm.NONE, 60, null, 1000, 1000);
    }

    /**
     * The canonical spec: the method with every parameter that applies to it, in this order,
     * defaults included: {@code rrf(k=60,depth=1000,hits=1000)},
     * {@code combsum(norm=minmax,depth=1000,hits=1000)},
     * {@code interpolate(norm=minmax,weights=0.7:0.3,depth=1000,hits=1000)}; {@code weights}
     * (one per run, in run order, joined by {@code :}) only when given. {@link Fusion#parse}
     * makes an equal {@code Settings} from it.
     */
    public String spec() {
      Spec.Builder b = Spec.builder(method.name().toLowerCase(Locale.ROOT));
      if (method == Method.RRF) {
        b.put("k", k);
      } else {
        b.put("norm", norm.name().toLowerCase(Locale.ROOT));
      }
      if (weights != null) {
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < weights.length; i++) {
          w.append(i > 0 ? ":" : "").append(Spec.number(weights[i]));
        }
        b.put("weights", w.toString());
      }
      return b.put("depth", depth).put("hits", hits).toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Settings s && method == s.method && norm == s.norm
          && Double.compare(k, s.k) == 0 && Arrays.equals(weights, s.weights) && depth == s.depth
          && hits == s.hits;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(method, norm, k, Arrays.hashCode(weights), depth, hits);
    }

    @Override
    public String toString() {
      return spec();
    }
  }

  private static final Registry<Settings> REGISTRY = new Registry<Settings>("fusion method")
      .register("rrf", p -> settings(Method.RRF, p))
      .register("combsum", p -> settings(Method.COMBSUM, p))
      .register("combmnz", p -> settings(Method.COMBMNZ, p))
      .register("interpolate", p -> settings(Method.INTERPOLATE, p));

  /** The fusion methods by name: {@code rrf}, {@code combsum}, {@code combmnz}, {@code interpolate}. */
  public static Registry<Settings> registry() {
    return REGISTRY;
  }

  /** Settings from a spec such as {@code rrf(k=60)} or {@code combsum(norm=zscore,hits=100)}. */
  public static Settings parse(Spec spec) {
    if (spec.cutoff() != null) {
      throw TrawlException.invalid("fusion spec '" + spec + "': give the number of fused hits as hits="
          + spec.cutoff() + ", not @" + spec.cutoff());
    }
    return REGISTRY.create(spec);
  }

  private static Settings settings(Method m, Params p) {
    String name = m.name().toLowerCase(Locale.ROOT);
    double k = 60;
    Norm norm = Norm.NONE;
    if (m == Method.RRF) {
      k = p.getDouble("k", 60);
    } else {
      String n = p.getString("norm", "minmax");
      norm = switch (n.toLowerCase(Locale.ROOT)) {
        case "none" -> Norm.NONE;
        case "minmax" -> Norm.MINMAX;
        case "zscore" -> Norm.ZSCORE;
        default -> throw TrawlException.invalid("unknown norm '" + n + "' for " + name
            + "; valid: minmax, zscore, none");
      };
    }
    double[] weights = null;
    String w = p.getString("weights", null);
    if (w != null) {
      String[] parts = w.split("[:,]", -1);
      weights = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          weights[i] = Double.parseDouble(parts[i].trim());
        } catch (NumberFormatException e) {
          throw TrawlException.invalid("weights of " + name + " must be numbers joined by ':', got '" + w + "'");
        }
      }
    }
    int depth = p.getInt("depth", 1000);
    int hits = p.getInt("hits", 1000);
    if (m == Method.RRF) {
      if (p.has("norm")) {
        throw TrawlException.invalid("norm does not apply to rrf (it uses ranks)");
      }
      p.requireEmpty(name, "k", "weights", "depth", "hits");
    } else {
      if (m == Method.INTERPOLATE && weights == null) {
        throw TrawlException.invalid("interpolate needs weights, one per run (--weights 0.7,0.3 for"
            + " trawl fuse, weights=0.7:0.3 in a spec)");
      }
      p.requireEmpty(name, "norm", "weights", "depth", "hits");
    }
    return new Settings(m, norm, k, weights, depth, hits);
  }

  /** Fuses runs; the result's tag is {@link Settings#spec()}. */
  public static Run fuse(List<Run> runs, Settings s) {
    if (runs.isEmpty()) {
      throw TrawlException.invalid("nothing to fuse: no runs given");
    }
    double[] w = s.weights();
    if (w != null && w.length != runs.size()) {
      throw TrawlException.invalid("got " + w.length + " weights for " + runs.size() + " runs");
    }
    if (s.method() == Method.INTERPOLATE && w == null) {
      throw TrawlException.invalid("interpolation needs --weights, one per run (e.g. 0.7,0.3)");
    }
    List<String> qids = queryOrder(runs);
    Map<String, RankedList> out = new LinkedHashMap<>();
    for (String q : qids) {
      Map<String, double[]> acc = new HashMap<>(); // docid -> contribution of each run (NaN: none)
      for (int i = 0; i < runs.size(); i++) {
        RankedList list = runs.get(i).get(q);
        if (list == null || list.size() == 0) {
          continue;
        }
        List<Candidate> cs = new ArrayList<>(list.candidates());
        cs.sort(RunReader.TREC_EVAL_ORDER);
        int n = Math.min(cs.size(), s.depth());
        double[] norm = normalise(cs, n, s.norm());
        double wi = w == null ? 1.0 : w[i];
        for (int r = 0; r < n; r++) {
          double contrib = s.method() == Method.RRF ? wi / (s.k() + r + 1) : wi * norm[r];
          acc.computeIfAbsent(cs.get(r).docId(), d -> nans(runs.size()))[i] = contrib;
        }
      }
      List<Candidate> fused = new ArrayList<>(acc.size());
      for (Map.Entry<String, double[]> e : acc.entrySet()) {
        double[] parts = e.getValue();
        // summed in ascending order, so the sum (to the last bit) does not depend on run order
        Arrays.sort(parts); // NaNs (runs without the document) sort last
        double v = 0;
        int count = 0;
        while (count < parts.length && !Double.isNaN(parts[count])) {
          v += parts[count++];
        }
        if (s.method() == Method.COMBMNZ) {
          v *= count;
        }
        fused.add(new Candidate(e.getKey(), v));
      }
      fused.sort(RunReader.TREC_EVAL_ORDER);
      out.put(q, new RankedList(q, fused.subList(0, Math.min(s.hits(), fused.size()))));
    }
    return new Run(s.spec(), out);
  }

  private static double[] nans(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  /**
   * Queries in an order that does not depend on the order of the runs: by the earliest position
   * a query has in any run, then by qid (byte order). Runs that list their queries in the same
   * order (the usual case) keep that order.
   */
  static List<String> queryOrder(List<Run> runs) {
    Map<String, Integer> first = new HashMap<>();
    for (Run r : runs) {
      int i = 0;
      for (String q : r.lists().keySet()) {
        first.merge(q, i++, Math::min);
      }
    }
    List<String> qids = new ArrayList<>(first.keySet());
    qids.sort(Comparator.comparingInt((String q) -> first.get(q)).thenComparing(RunReader::compareUtf8));
    return qids;
  }

  private static double[] normalise(List<Candidate> cs, int n, Norm norm) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = cs.get(i).score();
    }
    switch (norm) {
      case NONE -> { }
      case MINMAX -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        for (int i = 0; i < n; i++) {
          v[i] = max > min ? (v[i] - min) / (max - min) : 1.0;
        }
      }
      case ZSCORE -> {
        double mean = 0;
        for (double x : v) {
          mean += x;
        }
        mean /= n;
        double var = 0;
        for (double x : v) {
          var += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(var / n);
        for (int i = 0; i < n; i++) {
          v[i] = sd > 0 ? (v[i] - mean) / sd : 0.0;
        }
      }
      default -> throw new IllegalStateException();
    }
    return v;
  }
}
