package io.trawl.pipeline;

import io.trawl.core.Registry;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A retrieval pipeline: stages joined by {@code >>}, e.g.
 * {@code bm25(k1=0.9,b=0.4)@1000 >> monot5(model=/m)@100 >> first(model=/f)@20}.
 *
 * <p>Each stage is a {@link Spec}. The first stage is a source: a retriever from the retriever
 * registry ({@code @k} = hits), or a list read from a file, {@code candidates(file=...)} (a
 * candidates file with texts: RankLLM JSON/JSONL) or {@code run(file=...)} (a TREC run). Every
 * later stage is a reranker from the reranker registry; its {@code @k} says how many of the
 * incoming candidates it reranks, and only those are passed on (so {@code @20} after {@code @100}
 * keeps 20).
 *
 * <p>Two more sources: {@code dense(index=PATH)@k} searches a dense index (from {@code trawl
 * dense-index}) with its encoder, and {@code fuse(METHOD, PIPELINE, PIPELINE, ...)} fuses the runs
 * of sub-pipelines, e.g. {@code fuse(rrf(k=60), bm25@1000, dense(index=idx/scifact.bge)@1000) >>
 * monot5(model=/m)@100}; the method is a fusion spec ({@code rrf}, {@code combsum}, {@code
 * combmnz}, {@code interpolate(weights=0.3:0.7)}, see {@code Fusion}), each input a whole pipeline
 * (it may hold {@code >>}), and {@code @k} after the closing parenthesis the number of fused hits
 * (the method's {@code hits}).
 *
 * <p>{@link #toString()} ({@code " >> "} between stages) parses back to an equal pipeline. The tag
 * of the run a pipeline makes is not what was written but what its components state: see
 * {@link PipelineRunner}. Syntax errors name the 1-based column in the whole pipeline string.
 */
public record Pipeline(List<Spec> stages) {
  /** Stage names that read a first-stage list from a file instead of retrieving. */
  public static final String CANDIDATES = "candidates";
  public static final String RUN = "run";
  public static final Set<String> FILE_SOURCES = Set.of(CANDIDATES, RUN);
  /** A dense index searched with its encoder. */
  public static final String DENSE = "dense";
  /** Fusion of the runs of sub-pipelines. */
  public static final String FUSE = "fuse";
  /** Every first stage that is not a lexical retriever. */
  public static final Set<String> SOURCES = Set.of(CANDIDATES, RUN, DENSE, FUSE);
  /** Parameter of a fuse stage holding its method; its inputs are {@code 1}, {@code 2}, ... */
  public static final String FUSE_METHOD = "method";
  /** Parameters of a dense stage, in canonical order. */
  /** A stage's own index ({@code dense(index=DIR)}, or a retriever's, {@code impact(index=DIR)}). */
  public static final String INDEX = "index";

  public static final List<String> DENSE_KEYS = List.of("index", "encoder", "max-length", "exact", "ef");

  private static final Pattern SPEC_COLUMN = Pattern.compile("at column (\\d+): (.*)$");

  public Pipeline {
    stages = List.copyOf(stages);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a pipeline has at least one stage");
    }
  }

  /** The first stage: a retriever or a file source. */
  public Spec source() {
    return stages.get(0);
  }

  /** The stages after the first: rerankers, in order. */
  public List<Spec> rerankers() {
    return stages.subList(1, stages.size());
  }

  /** True when the first stage reads its list from a file. */
  public boolean sourceIsFile() {
    return FILE_SOURCES.contains(source().name().toLowerCase(Locale.ROOT));
  }

  /** Parses {@code stage >> stage >> ...}; {@code >>} inside double quotes does not split. */
  public static Pipeline parse(String text) {
    Objects.requireNonNull(text, "pipeline");
    return parse(text, 0, text.length());
  }

  /** Parses {@code text[from, to)}; columns in errors count in the whole text. */
  private static Pipeline parse(String text, int from, int to) {
    List<Spec> stages = new ArrayList<>();
    int start = from;
    for (int i : topLevel(text, from, to, '>')) {
      stages.add(parseStage(text, start, i, from, to));
      start = i + 2;
    }
    stages.add(parseStage(text, start, to, from, to));
    return new Pipeline(stages);
  }

  /**
   * Positions in {@code text[from, to)} of {@code >>} (sep {@code '>'}) or {@code ,} (sep {@code
   * ','}) outside double quotes and parentheses; an unterminated quote is an error.
   */
  private static List<Integer> topLevel(String text, int from, int to, char sep) {
    List<Integer> at = new ArrayList<>();
    boolean quoted = false;
    int depth = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (depth == 0 && sep == '>' && text.startsWith(">>", i)) {
        at.add(i);
        i++;
      } else if (depth == 0 && sep == ',' && c == ',') {
        at.add(i);
      }
    }
    if (quoted) {
      throw error(text, to + 1, "unterminated quoted value");
    }
    return at;
  }

  private static Spec parseStage(String text, int from, int to, int pipeFrom, int pipeTo) {
    String part = text.substring(from, to);
    if (part.isBlank()) {
      int col = from + 1;
      throw error(text, col, from == pipeFrom ? "empty stage before '>>'"
          : (to == pipeTo ? "empty stage after '>>'" : "empty stage between '>>' and '>>'"));
    }
    int lead = 0;
    while (Character.isWhitespace(part.charAt(lead))) {
      lead++;
    }
    if (part.regionMatches(true, lead, FUSE, 0, FUSE.length())) {
      int open = lead + FUSE.length();
      while (open < part.length() && Character.isWhitespace(part.charAt(open))) {
        open++;
      }
      if (open < part.length() && part.charAt(open) == '(') {
        return parseFuse(text, from + open, to);
      }
    }
    try {
      return Spec.parse(part);
    } catch (TrawlException e) {
      Matcher m = SPEC_COLUMN.matcher(e.getMessage());
      if (m.find()) {
        int col = from + Integer.parseInt(m.group(1));
        throw error(text, col, m.group(2));
      }
      throw error(text, from + 1, e.getMessage());
    }
  }

  /** {@code fuse(METHOD, PIPELINE, ...)@k}: {@code open} is its '(' and {@code to} its end. */
  private static Spec parseFuse(String text, int open, int to) {
    int close = -1;
    int depth = 0;
    boolean quoted = false;
    for (int i = open; i < to && close < 0; i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        close = i;
      }
    }
    if (close < 0) {
      throw error(text, to + 1, "fuse(...) is not closed: expected ')'");
    }
    Integer cutoff = null;
    String tail = text.substring(close + 1, to).strip();
    if (!tail.isEmpty()) {
      if (!tail.matches("@\\d{1,9}") || Integer.parseInt(tail.substring(1)) <= 0) {
        throw error(text, close + 2, "expected '@k' (k > 0) or '>>' after fuse(...), got '" + tail + "'");
      }
      cutoff = Integer.parseInt(tail.substring(1));
    }
    List<Integer> commas = topLevel(text, open + 1, close, ',');
    if (commas.size() < 2) {
      throw error(text, open + 2, "fuse needs a method and at least two pipelines, e.g. "
          + "fuse(rrf, bm25@1000, dense(index=DIR)@1000)");
    }
    Map<String, String> params = new LinkedHashMap<>();
    int start = open + 1;
    List<Integer> ends = new ArrayList<>(commas);
    ends.add(close);
    for (int j = 0; j < ends.size(); j++) {
      int end = ends.get(j);
      if (text.substring(start, end).isBlank()) {
        throw error(text, start + 1, "empty argument of fuse(...)");
      }
      if (j == 0) {
        String method = text.substring(start, end).strip();
        try {
          Spec.parse(method);
        } catch (TrawlException e) {
          throw error(text, start + 1, "fusion method: " + e.getMessage());
        }
        params.put(FUSE_METHOD, method);
      } else {
        params.put(Integer.toString(j), parse(text, start, end).toString());
      }
      start = end + 1;
    }
    return new Spec(FUSE, params, cutoff);
  }

  /** True when {@code s} is a fuse stage. */
  public static boolean isFuse(Spec s) {
    return s.name().equalsIgnoreCase(FUSE) && s.params().containsKey(FUSE_METHOD);
  }

  /** The fusion method spec of a fuse stage, e.g. {@code rrf(k=60)}. */
  public static Spec fuseMethod(Spec fuse) {
    return Spec.parse(fuse.params().get(FUSE_METHOD));
  }

  /** The input pipelines of a fuse stage, in order. */
  public static List<Pipeline> fuseInputs(Spec fuse) {
    List<Pipeline> out = new ArrayList<>();
    for (int i = 1; fuse.params().containsKey(Integer.toString(i)); i++) {
      out.add(parse(fuse.params().get(Integer.toString(i))));
    }
    return out;
  }

  /** A fuse stage from its method and input pipelines. */
  public static Spec fuse(String method, List<Pipeline> inputs, Integer hits) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put(FUSE_METHOD, method);
    for (int i = 0; i < inputs.size(); i++) {
      params.put(Integer.toString(i + 1), inputs.get(i).toString());
    }
    return new Spec(FUSE, params, hits);
  }

  /** A stage as text: a spec, or {@code fuse(method,p1,p2)@k} (inputs in tag or display form). */
  private static String stage(Spec s, boolean tag) {
    if (!isFuse(s)) {
      return s.toString();
    }
    StringBuilder sb = new StringBuilder(FUSE).append('(').append(s.params().get(FUSE_METHOD));
    for (Pipeline p : fuseInputs(s)) {
      sb.append(tag ? "," : ", ").append(tag ? p.tag() : p.toString());
    }
    sb.append(')');
    if (s.cutoff() != null) {
      sb.append('@').append(s.cutoff());
    }
    return sb.toString();
  }

  private static TrawlException error(String text, int column, String what) {
    return TrawlException.invalid("invalid pipeline '" + text + "' at column " + column + ": " + what);
  }

  /**
   * Checks stage names against the registries: the first stage must be a retriever or a file
   * source with a {@code file} parameter, every later stage a reranker. Unknown names fail with
   * the list of valid names (and a suggestion when one is close).
   */
  public void check(Registry<?> retrievers, Registry<?> rerankers) {
    Spec first = source();
    String firstName = first.name().toLowerCase(Locale.ROOT);
    if (isFuse(first)) {
      for (Pipeline p : fuseInputs(first)) {
        p.check(retrievers, rerankers);
      }
    } else if (firstName.equals(DENSE)) {
      if (!first.params().containsKey("index")) {
        throw TrawlException.invalid("pipeline stage 1 '" + first + "': missing parameter 'index' (a"
            + " folder made by trawl dense-index)");
      }
      for (String key : first.params().keySet()) {
        if (!DENSE_KEYS.contains(key)) {
          throw TrawlException.invalid("unknown parameter '" + key + "' for dense; known: "
              + String.join(", ", DENSE_KEYS));
        }
      }
    } else if (FILE_SOURCES.contains(firstName)) {
      if (!first.params().containsKey("file")) {
        throw TrawlException.invalid("pipeline stage 1 '" + first + "': missing parameter 'file'");
      }
      for (String key : first.params().keySet()) {
        if (!key.equals("file") && !key.equals("format")) {
          throw TrawlException.invalid("unknown parameter '" + key + "' for " + firstName
              + "; known: file, format");
        }
      }
    } else if (!retrievers.contains(firstName)) {
      Set<String> valid = new TreeSet<>(retrievers.names());
      valid.addAll(SOURCES);
      String hint = rerankers.contains(firstName)
          ? "; '" + firstName + "' is a reranker and needs a first stage before it (e.g. bm25@100 >> "
              + firstName + ")"
          : "";
      throw TrawlException.invalid(unknown("first stage (retriever or file source)", first.name(), valid)
          + hint);
    }
    for (int i = 1; i < stages.size(); i++) {
      Spec s = stages.get(i);
      String name = s.name().toLowerCase(Locale.ROOT);
      if (!rerankers.contains(name)) {
        String hint = retrievers.contains(name) || SOURCES.contains(name)
            ? "; '" + name + "' is a first stage and cannot follow '>>'"
            : "";
        throw TrawlException.invalid(
            unknown("reranker (stage " + (i + 1) + ")", s.name(), rerankers.names()) + hint);
      }
    }
  }

  /** "unknown KIND 'x' (did you mean 'y'?); valid: a, b, c". */
  static String unknown(String kind, String name, Collection<String> valid) {
    String best = Registry.closest(name, valid);
    boolean close = best != null;
    return "unknown " + kind + " '" + name + "'" + (close ? " (did you mean '" + best + "'?)" : "")
        + "; valid: " + (valid.isEmpty() ? "(none registered)" : String.join(", ", new TreeSet<>(valid)));
  }

  /**
   * The one-stage pipeline of a retriever searched to depth {@code hits}, e.g. {@code
   * bm25(k1=0.9,b=0.4)@1000} from the retriever's canonical spec: what {@code trawl search} does, so
   * its tag is the one {@code trawl run} gives the same experiment.
   */
  public static Pipeline retrieval(String retrieverSpec, int hits) {
    return new Pipeline(List.of(Spec.parse(retrieverSpec).withCutoff(hits)));
  }

  /**
   * The stages joined by {@code >>} without spaces (a run file's tag column is one token); parses
   * back to this pipeline. The tag of a run is this string of the pipeline of canonical stages
   * that {@link PipelineRunner} made.
   */
  public String tag() {
    StringBuilder sb = new StringBuilder();
    for (Spec s : stages) {
      if (sb.length() > 0) {
        sb.append(">>");
      }
      sb.append(stage(s, true));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Spec s : stages) {
      if (sb.length() > 0) {
        sb.append(" >> ");
      }
      sb.append(stage(s, false));
    }
    return sb.toString();
  }
}
