package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.io.RunWriter;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trawl run}: runs a pipeline ({@code bm25@1000 >> monot5(model=...)@100}) over topics. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a pipeline over topics and write a TREC run tagged with what its stages are: each",
      "component's canonical spec (every parameter, defaults included) and effective depth.",
      "Stages are joined by '>>': first a retriever ('trawl list retrievers') or a list from a file",
      "(run(file=F) for a TREC run, candidates(file=F) for RankLLM JSON with texts), then rerankers.",
      "('trawl list rerankers'). '@k' on a retriever is its depth (default 1000), on a reranker",
      "how many it reranks and keeps."
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

  @Mixin TopicsOptions topics;

  @Mixin OutputOptions output;

  @Option(names = "--fields", paramLabel = "SPEC",
      description = "Fields searched by retriever stages with weights, e.g. title=1.0,contents=1.0 "
          + "(default: from the index layout, as trawl search).")
  String fields;

  @Option(names = "--remove-query", description = "Drop a hit whose docid equals the query id (BEIR).")
  boolean removeQuery;

  @Mixin ThreadsOptions threads;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Pipeline p = Pipeline.parse(pipeline);
    PipelineRunner.check(p);
    Map<String, Float> fieldMap = fields == null ? null : SearchOptions.parseFields(fields);
    int n = threads.resolve(ThreadsOptions.Work.RETRIEVAL);
    List<Query> queries = topics.read();
    PipelineRunner.Result result = PipelineRunner.execute(p, queries,
        new PipelineRunner.Context(index, fieldMap, removeQuery, n, logging.err(), logging.progress()));
    Run run = result.run();
    long lines = run.lists().values().stream().mapToLong(RankedList::size).sum();
    if (lines == 0) {
      throw SearchCommand.noHits(topics.name(), queries.size(), index);
    }
    Map<String, Object> settings = new java.util.LinkedHashMap<>(result.settings());
    settings.put("threads", n);
    RunWriter.write(output.name(), RunWriter.Format.TREC, run, settings);
    PrintWriter err = logging.err();
    err.println(String.format(Locale.ROOT, "trawl: %s: %d queries, %d lines in %.1f s -> %s",
        run.tag(), queries.size(), lines, (System.nanoTime() - t0) / 1e9, output.name()));
    err.flush();
    return 0;
  }
}
