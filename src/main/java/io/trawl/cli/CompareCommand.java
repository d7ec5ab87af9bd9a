package io.trawl.cli;

import io.trawl.core.AtomicOutput;
import io.trawl.eval.CompareReports;
import io.trawl.eval.Comparison;
import io.trawl.eval.EvalOptions;
import io.trawl.eval.Measure;
import io.trawl.eval.Qrels;
import io.trawl.eval.Significance;
import io.trawl.io.RunReader;
import io.trawl.io.RunTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl compare}: a baseline against runs, with paired significance tests. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare runs with a baseline per query: means, deltas, wins/losses/ties,"
        + " paired significance tests with Holm or Bonferroni correction.",
    footer = {"", "Examples:",
        "  trawl compare -m nDCG@10 -m AP qrels.txt bm25.txt rm3.txt splade.txt",
        "  trawl compare --test randomization --seed 7 --format html -o report.html qrels.txt a b",
        "  trawl compare --test wilcoxon --continuity-correction qrels.txt a b"})
public final class CompareCommand implements Callable<Integer> {
  /** Output formats. */
  public enum Format { md, tsv, json, html }

  /** Test names on the command line. */
  public enum TestName { t, wilcoxon, randomization }

  /** Correction names on the command line. */
  public enum CorrectionName { holm, bonferroni, none }

  /** Wilcoxon zero handling on the command line (scipy's {@code zero_method}). */
  public enum ZeroMethodName { wilcox, pratt, zsplit }

  /** Wilcoxon p-value methods on the command line (scipy's {@code method}). */
  public enum WilcoxonMethodName { auto, exact, asymptotic }

  @Parameters(index = "0", paramLabel = "QRELS", description = "Qrels file or known qrels name.")
  String qrels;

  @Parameters(index = "1", paramLabel = "BASELINE", description = "Baseline TREC run.")
  String baseline;

  @Parameters(index = "2..*", arity = "1..*", paramLabel = "RUN", description = "Runs to compare.")
  List<String> runs;

  @Option(names = "-m", paramLabel = "MEASURE",
      description = "Measure (repeatable; trec_eval or ir_measures names). Default: nDCG@10, AP.")
  List<String> measures = new ArrayList<>();

  @Option(names = "-l", paramLabel = "LEVEL", defaultValue = "1",
      description = "Minimum relevant grade for binary measures (default 1).")
  int level;

  @Option(names = "-M", paramLabel = "K", description = "Evaluate only the top K per query.")
  Long maxDocs;

  @Option(names = "--test", defaultValue = "t",
      description = "Paired test: t, wilcoxon, randomization (default t).")
  TestName test;

  @Option(names = "--correction", defaultValue = "holm",
      description = "Multiple-comparison correction: holm, bonferroni, none (default holm).")
  CorrectionName correction;

  @Option(names = "--alpha", defaultValue = "0.05", description = "Significance level.")
  double alpha;

  @Option(names = "--trials", defaultValue = "10000", description = "Randomization trials.")
  int trials;

  @Option(names = "--seed", defaultValue = "42", description = "Randomization seed.")
  long seed;

  @Option(names = "--wilcoxon-method", defaultValue = "auto", paramLabel = "METHOD",
      description = "Wilcoxon p-value: auto, exact, asymptotic (scipy's method; default auto:"
          + " exact for n <= 50 without ties or zeros, else all sign flips for n <= 13,"
          + " else asymptotic).")
  WilcoxonMethodName wilcoxonMethod;

  @Option(names = "--zero-method", defaultValue = "wilcox", paramLabel = "METHOD",
      description = "Wilcoxon zero differences: wilcox (dropped), pratt, zsplit (scipy's"
          + " zero_method; default wilcox).")
  ZeroMethodName zeroMethod;

  @Option(names = "--continuity-correction",
      description = "Wilcoxon, asymptotic: move z by 0.5/se towards 0 (scipy's correction=True;"
          + " default off).")
  boolean continuityCorrection;

  @Option(names = "--format", defaultValue = "md", description = "md, tsv, json, html.")
  Format format;

  @Mixin OutputOptions output;

  /** The test, correction and Wilcoxon choices as the library's settings. */
  private Comparison.Settings settings() {
    Significance.Test t = switch (test) {
      case t -> Significance.Test.T;
      case wilcoxon -> Significance.Test.WILCOXON;
      case randomization -> Significance.Test.RANDOMIZATION;
    };
    Significance.Correction c = switch (correction) {
      case holm -> Significance.Correction.HOLM;
      case bonferroni -> Significance.Correction.BONFERRONI;
      case none -> Significance.Correction.NONE;
    };
    Significance.WilcoxonOptions w = new Significance.WilcoxonOptions(
        Significance.ZeroMethod.valueOf(zeroMethod.name().toUpperCase(Locale.ROOT)),
        continuityCorrection,
        Significance.WilcoxonMethod.valueOf(wilcoxonMethod.name().toUpperCase(Locale.ROOT)));
    return new Comparison.Settings(t, c, alpha, trials, seed, w);
  }

  /**
   * The report with each run's reranking cost beside it, from the runs' metadata
   * ({@code RUN.meta.json}, written by {@code trawl rerank} and {@code trawl run}): per query, the
   * prefill passes, decode steps, prompt and generated tokens and wall seconds of each reranking
   * stage. Unchanged when no run has any.
   */
  String withCost(String text, String base, List<String> others) {
    List<String> files = new ArrayList<>();
    files.add(base);
    files.addAll(others);
    List<String[]> rows = new ArrayList<>();
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    for (String f : files) {
      Map<String, Object> cost = io.trawl.io.RunMetadata.readCost(f);
      if (cost == null) {
        continue;
      }
      json.put(f, cost);
      for (Map.Entry<String, Object> e : cost.entrySet()) {
        if (!(e.getValue() instanceof Map<?, ?> m) || !(m.get("per_query") instanceof Map<?, ?> per)) {
          continue;
        }
        rows.add(new String[] {f, e.getKey(), String.valueOf(m.get("queries")),
            String.valueOf(per.get("prefill_passes")), String.valueOf(per.get("decode_steps")),
            String.valueOf(per.get("prompt_tokens")), String.valueOf(per.get("generated_tokens")),
            String.valueOf(per.get("wall_seconds"))});
      }
    }
    if (rows.isEmpty()) {
      return text;
    }
    String[] head = {"run", "stage", "queries", "prefill passes/q", "decode steps/q",
        "prompt tokens/q", "generated tokens/q", "wall s/q"};
    StringBuilder sb = new StringBuilder(text);
    switch (format) {
      case md -> {
        sb.append("\n### Reranking cost (per query, from the runs' metadata)\n\n| ")
            .append(String.join(" | ", head)).append(" |\n|").append("---|".repeat(head.length)).append('\n');
        for (String[] r : rows) {
          sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
      }
      case tsv -> {
        sb.append("\n#cost\t").append(String.join("\t", head)).append('\n');
        for (String[] r : rows) {
          sb.append("cost\t").append(String.join("\t", r)).append('\n');
        }
      }
      case html -> {
        int at = sb.lastIndexOf("</body>");
        StringBuilder t = new StringBuilder("<h3>Reranking cost (per query)</h3>\n<table><tr>");
        for (String h : head) {
          t.append("<th>").append(h).append("</th>");
        }
        t.append("</tr>\n");
        for (String[] r : rows) {
          t.append("<tr>");
          for (String c : r) {
            t.append("<td>").append(c.replace("&", "&amp;").replace("<", "&lt;")).append("</td>");
          }
          t.append("</tr>\n");
        }
        t.append("</table>\n");
        sb.insert(at < 0 ? sb.length() : at, t);
      }
      case json -> {
        try {
          var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
          var root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(text);
          root.set("cost", mapper.valueToTree(json));
          return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (java.io.IOException | ClassCastException e) {
          return text; // not an object: leave the report as it is
        }
      }
    }
    return sb.toString();
  }

  @Override
  public Integer call() {
    List<Measure> ms = Measure.parseAll(measures.isEmpty() ? List.of("nDCG@10", "AP") : measures);
    EvalOptions o = new EvalOptions(level, true, maxDocs == null ? Long.MAX_VALUE : maxDocs, false,
        EvalOptions.TrecEvalVersion.V10);
    Comparison.Settings s = settings();
    Qrels q = Qrels.resolve(qrels);
    List<RunTable> rs = new ArrayList<>();
    runs = io.trawl.io.RunMetadata.runsOnly(runs);
    for (String r : runs) {
      rs.add(RunReader.read(r, RunReader.Mode.STRICT));
    }
    Comparison cmp = Comparison.compare(q, RunReader.read(baseline, RunReader.Mode.STRICT), rs, ms, o, s);
    String text = switch (format) {
      case md -> CompareReports.markdown(cmp);
      case tsv -> CompareReports.tsv(cmp);
      case json -> CompareReports.json(cmp);
      case html -> CompareReports.html(cmp);
    };
    text = withCost(text, baseline, runs);
    try (AtomicOutput out = AtomicOutput.open(output.name())) {
      out.write(text);
      out.commit();
    }
    return 0;
  }
}
