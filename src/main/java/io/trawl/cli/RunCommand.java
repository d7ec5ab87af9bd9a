package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import io.trawl.search.SearchOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trawl run}: runs a pipeline ({@code bm25@1000 >> monot5(model=...)@100}) over topics. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a pipeline over topics and write a TREC run tagged with what its stages are: each",
      "component's canonical spec (every parameter, defaults included) and effective depth.",
      "Stages are joined by '>>': first a retriever (bm25, qld, rm3, ...) or a list from a file",
      "(run(file=F) for a TREC run, candidates(file=F) for RankLLM JSON with texts), then rerankers.",
      "'@k' on a retriever is its depth (default 1000), on a reranker how many it reranks and keeps."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl run --pipeline 'bm25(k1=0.9,b=0.4)@1000' --index indexes/cranfield --topics cranfield --output runs/cran.txt",
      "  trawl run --pipeline 'bm25@100 >> monot5(model=models/monot5-base-msmarco)@100' --index indexes/msmarco \\",
      "      --topics dl19-passage --output runs/dl19.monot5.txt",
      "  trawl run --pipeline 'run(file=trec_results_dl19.txt)@100' --topics dl19-passage --output -"
    })
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--pipeline", required = true, paramLabel = "PIPELINE",
      description = "Stages joined by '>>', e.g. 'bm25(k1=0.9,b=0.4)@1000 >> monot5(model=DIR)@100'.")
  String pipeline;

  @Option(names = "--index", paramLabel = "DIR",
      description = "Index for retriever stages and for document texts of rerankers.")
  Path index;

  @Option(names = "--topics", required = true, paramLabel = "NAME|FILE",
      description = "Topics: a name from topics-and-qrels/ (cranfield, dl19-passage, ...) or a file.")
  String topics;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
      description = "Run file to write ('-' for stdout).")
  String output;

  @Option(names = "--fields", paramLabel = "SPEC",
      description = "Fields searched by retriever stages with weights, e.g. title=1.0,contents=1.0 "
          + "(default: from the index layout, as trawl search).")
  String fields;

  @Option(names = "--remove-query", description = "Drop a hit whose docid equals the query id (BEIR).")
  boolean removeQuery;

  @Option(names = "--threads", paramLabel = "N", description = "Retrieval threads (default: cores, at most 8).")
  Integer threads;

  @Option(names = {"-q", "--quiet"}, description = "No summary line on stderr.")
  boolean quiet;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    io.trawl.core.AtomicOutput.check(output);
    Pipeline p = Pipeline.parse(pipeline);
    PipelineRunner.check(p);
    Map<String, Float> fieldMap = fields == null ? null : SearchOptions.parseFields(fields);
    if (threads != null && threads < 1) {
      throw TrawlException.invalid("--threads must be at least 1, got " + threads);
    }
    int n = threads != null ? threads : Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    List<Query> queries = Topics.read(topics);
    Run run = PipelineRunner.run(p, queries, new PipelineRunner.Context(index, fieldMap, removeQuery, n));
    long lines = run.lists().values().stream().mapToLong(RankedList::size).sum();
    if (lines == 0) {
      throw SearchCommand.noHits(topics, queries.size(), index);
    }
    RunWriter.write(output, RunWriter.Format.TREC, run, Map.of());
    if (!quiet) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(String.format(Locale.ROOT, "trawl: %s: %d queries, %d lines in %.1f s -> %s",
          run.tag(), queries.size(), lines, (System.nanoTime() - t0) / 1e9, output));
      err.flush();
    }
    return 0;
  }
}
