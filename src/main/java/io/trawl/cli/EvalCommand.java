package io.trawl.cli;

import io.trawl.core.AtomicOutput;
import io.trawl.eval.EvalOptions;
import io.trawl.eval.EvalReports;
import io.trawl.eval.EvalResult;
import io.trawl.eval.Evaluator;
import io.trawl.eval.Measure;
import io.trawl.eval.Qrels;
import io.trawl.io.RunReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl eval}: trec_eval's flags and output, plus ir_measures names and several runs. */
@Command(name = "eval", versionProvider = EvalCommand.Version.class,
    description = {"Evaluate runs against qrels exactly like trec_eval (same flags, same output).",
        "Measures: trec_eval names (map, P.5,10, ndcg_cut.10, official, all_trec) or ir_measures"
            + " names (nDCG@10, RR(rel=2)@10, R@1000, AP, P@10, Judged@10)."},
    footer = {"", "Examples:", "  trawl eval -c -m ndcg_cut.10 qrels.txt run.txt",
        "  trawl eval -c -l 2 -m map -m recall.1000 dl19-passage run.txt.gz",
        "  trawl eval -m nDCG@10 -m 'RR(rel=2)@10' --format json qrels.txt runA.txt runB.txt",
        "", "trec_eval's long options work too (--measure, --query_eval_wanted, ...).",
        "Exit 4 where trec_eval 10.0 stops while evaluating: a qrels query the run",
        "lacks (without -c), a docno twice for one query."})
public final class EvalCommand implements Callable<Integer> {

  /** Output formats. */
  public enum Format { trec, table, tsv, json }

  @Parameters(index = "0", paramLabel = "QRELS",
      description = "Qrels file (plain, .gz, or - for stdin) or a known qrels name.")
  String qrels;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "RUN",
      description = "TREC run file(s) (plain, .gz, or - for stdin).")
  List<String> runs;

  @Option(names = {"-m", "--measure"}, paramLabel = "MEASURE",
      description = "Measure to compute (repeatable). Default: official.")
  List<String> measures = new ArrayList<>();

  @Option(names = {"-q", "--query_eval_wanted"}, description = "Print per-query values as well as the summary.")
  boolean perQuery;

  @Option(names = {"-c", "--complete_rel_info_wanted"},
      description = "Average over every qrels query (missing queries score 0).")
  boolean complete;

  @Option(names = {"-l", "--level_for_rel"}, paramLabel = "LEVEL", defaultValue = "1",
      description = "Minimum grade counted relevant by binary measures (default 1).")
  int level;

  @Option(names = {"-M", "--Max_retrieved_per_topic"}, paramLabel = "K",
      description = "Evaluate only the top K per query.")
  Long maxDocs;

  @Option(names = {"-n", "--nosummary"}, description = "No summary: only per-query values (with -q).")
  boolean noSummary;

  @Option(names = {"-J", "--Judged_docs_only"},
      description = "Only judged documents count (unjudged ones are removed).")
  boolean judgedOnly;

  @Option(names = {"-N", "--Number_docs_in_coll"}, paramLabel = "N", defaultValue = "0",
      description = "Documents in the collection, for utility's d term (default 0, as trec_eval).")
  long numDocsInColl;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean helpWanted;

  @Option(names = {"-v", "-V", "--version"}, versionHelp = true,
      description = "Print the version and exit (trec_eval's -v).")
  boolean versionWanted;

  @Option(names = "--trec-eval-version", paramLabel = "V", defaultValue = "10",
      description = "Conventions where trec_eval versions differ: 9 (9.0.x) or 10 (default).")
  String version;

  @Option(names = "--format", paramLabel = "FMT",
      description = "trec (default for one run), table (default for several), tsv, json.")
  Format format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-",
      description = "Write here instead of stdout.")
  String output;

  /** What {@code -v} and {@code --version} print. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trawl eval " + Trawl.version() + ": trec_eval 10.0 semantics"
          + " (9.0.x with --trec-eval-version 9)"};
    }
  }

  static EvalOptions.TrecEvalVersion parseVersion(String v) {
    return switch (v) {
      case "9", "9.0", "9.0.8", "9.0.7" -> EvalOptions.TrecEvalVersion.V9;
      case "10", "10.0" -> EvalOptions.TrecEvalVersion.V10;
      default -> throw io.trawl.core.TrawlException.invalid(
          "--trec-eval-version must be 9 or 10, got '" + v + "'");
    };
  }

  @Override
  public Integer call() {
    AtomicOutput.check(output);
    runs = io.trawl.io.RunMetadata.runsOnly(runs);
    List<Measure> ms = Measure.parseAll(measures.isEmpty() ? List.of("official") : measures);
    EvalOptions options = new EvalOptions(level, complete,
        maxDocs == null ? Long.MAX_VALUE : maxDocs, judgedOnly, parseVersion(version), numDocsInColl);
    Qrels q = Qrels.resolve(qrels);
    List<EvalResult> results = new ArrayList<>();
    for (String run : runs) {
      results.add(Evaluator.evaluate(q, RunReader.read(run, RunReader.Mode.STRICT), ms, options));
    }
    Format f = format != null ? format : (runs.size() == 1 ? Format.trec : Format.table);
    String text = switch (f) {
      case trec -> {
        StringBuilder sb = new StringBuilder();
        for (EvalResult r : results) {
          sb.append(r.toTrecEval(perQuery, !noSummary));
        }
        yield sb.toString();
      }
      case table -> EvalReports.table(results, perQuery);
      case tsv -> EvalReports.tsv(results, perQuery);
      case json -> EvalReports.json(results, perQuery);
    };
    try (AtomicOutput out = AtomicOutput.open(output)) {
      out.write(text);
      out.commit();
    }
    return 0;
  }
}
