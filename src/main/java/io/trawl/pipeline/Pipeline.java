package io.trawl.pipeline;

import io.trawl.core.Registry;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
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
 * <p>{@link #toString()} ({@code " >> "} between stages) parses back to an equal pipeline. The tag
 * of the run a pipeline makes is not what was written but what its components state: see
 * {@link PipelineRunner}. Syntax errors name the 1-based column in the whole pipeline string.
 */
public record Pipeline(List<Spec> stages) {
  /** Stage names that read a first-stage list from a file instead of retrieving. */
  public static final String CANDIDATES = "candidates";
  public static final String RUN = "run";
  public static final Set<String> FILE_SOURCES = Set.of(CANDIDATES, RUN);

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
    List<Spec> stages = new ArrayList<>();
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= text.length(); i++) {
      boolean end = i == text.length();
      if (!end) {
        char c = text.charAt(i);
        if (quoted && c == '\\') {
          i++;
          continue;
        }
        if (c == '"') {
          quoted = !quoted;
          continue;
        }
      }
      if (end || (!quoted && text.startsWith(">>", i))) {
        if (end && quoted) {
          throw error(text, text.length() + 1, "unterminated quoted value");
        }
        stages.add(parseStage(text, start, i));
        start = i + 2;
        i++;
      }
    }
    return new Pipeline(stages);
  }

  private static Spec parseStage(String text, int from, int to) {
    String part = text.substring(from, to);
    if (part.isBlank()) {
      int col = from + 1;
      throw error(text, col, from == 0 ? "empty stage before '>>'"
          : (to == text.length() ? "empty stage after '>>'" : "empty stage between '>>' and '>>'"));
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
    if (FILE_SOURCES.contains(firstName)) {
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
      valid.addAll(FILE_SOURCES);
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
        String hint = retrievers.contains(name) || FILE_SOURCES.contains(name)
            ? "; '" + name + "' is a first stage and cannot follow '>>'"
            : "";
        throw TrawlException.invalid(
            unknown("reranker (stage " + (i + 1) + ")", s.name(), rerankers.names()) + hint);
      }
    }
  }

  /** "unknown KIND 'x' (did you mean 'y'?); valid: a, b, c". */
  static String unknown(String kind, String name, Collection<String> valid) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String v : valid) {
      int d = Registry.editDistance(name.toLowerCase(Locale.ROOT), v);
      if (d < bestD) {
        bestD = d;
        best = v;
      }
    }
    boolean close = best != null && bestD <= Math.max(2, name.length() / 3);
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
      sb.append(s);
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
      sb.append(s);
    }
    return sb.toString();
  }
}
