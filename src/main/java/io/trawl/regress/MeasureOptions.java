package io.trawl.regress;

import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.List;

/**
 * trec_eval options that a regression measure can carry: {@code -c} (average over all qrels
 * queries, missing ones count 0), {@code -l N} (minimum grade counted relevant by binary measures,
 * default 1), {@code -M N} (keep only the top N of each query).
 *
 * @param complete {@code -c}
 * @param relLevel {@code -l}
 * @param depth {@code -M}; null = no limit
 */
public record MeasureOptions(boolean complete, int relLevel, Integer depth) {
  public static final MeasureOptions DEFAULT = new MeasureOptions(false, 1, null);

  /** Parses {@code "-c -l 2 -M 10"}; the empty string gives {@link #DEFAULT}. */
  public static MeasureOptions parse(String text) {
    String[] tokens = text == null || text.isBlank() ? new String[0] : text.trim().split("\\s+");
    boolean complete = false;
    int level = 1;
    Integer depth = null;
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      switch (t) {
        case "-c" -> complete = true;
        case "-l", "-M" -> {
          if (i + 1 >= tokens.length) {
            throw TrawlException.invalid("trec_eval option " + t + " needs a number");
          }
          int v;
          try {
            v = Integer.parseInt(tokens[++i]);
          } catch (NumberFormatException e) {
            throw TrawlException.invalid("trec_eval option " + t + " needs an integer, got '" + tokens[i] + "'");
          }
          if (t.equals("-l")) {
            level = v;
          } else {
            if (v <= 0) {
              throw TrawlException.invalid("trec_eval option -M needs a positive integer, got " + v);
            }
            depth = v;
          }
        }
        default -> throw TrawlException.invalid("unknown trec_eval option '" + t
            + "' in measure options; valid: -c, -l N, -M N");
      }
    }
    return new MeasureOptions(complete, level, depth);
  }

  /** The evaluator's options (trec_eval 10.0 conventions) with these flags. */
  public io.trawl.eval.EvalOptions toEval() {
    io.trawl.eval.EvalOptions o = io.trawl.eval.EvalOptions.defaults()
        .withComplete(complete).withRelevanceLevel(relLevel);
    return depth == null ? o : o.withMaxDocs(depth);
  }

  /** The options as command-line tokens, e.g. {@code [-c, -l, 2]}. */
  public List<String> tokens() {
    List<String> out = new ArrayList<>();
    if (complete) {
      out.add("-c");
    }
    if (relLevel != 1) {
      out.add("-l");
      out.add(Integer.toString(relLevel));
    }
    if (depth != null) {
      out.add("-M");
      out.add(Integer.toString(depth));
    }
    return out;
  }

  @Override
  public String toString() {
    return String.join(" ", tokens());
  }
}
