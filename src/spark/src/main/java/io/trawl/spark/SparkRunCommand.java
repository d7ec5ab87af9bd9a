package io.trawl.spark;

import io.trawl.cli.RunTagOptions;
import io.trawl.cli.TopicsOptions;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl-spark run}: {@code trawl run --pipeline} with the queries split over Spark tasks. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
      "Run a pipeline with Spark: the topics split into partitions, each task runs the whole pipeline",
      "(retrievers, dense(...), fuse(...), rerankers) over its queries; the parts are joined in topic",
      "order into one run identical to trawl run's. Indexes and models must be at the same paths on",
      "every executor."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark run --master local[2] --pipeline 'fuse(rrf(k=60), bm25@1000, dense(index=idx/scifact.bge)@1000)@100' \\",
      "      --index idx/scifact --topics beir-scifact-test --remove-query -o runs/scifact.hybrid.txt"
    })
public final class SparkRunCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--pipeline", required = true, paramLabel = "PIPELINE",
      description = "Stages joined by '>>', as for trawl run.")
  String pipeline;

  @Option(names = "--index", paramLabel = "DIR",
      description = "Index for retriever stages and for document texts of rerankers.")
  String index;

  @Mixin TopicsOptions topics;

  @Option(names = "--fields", paramLabel = "SPEC",
      description = "Fields searched by retriever stages with weights (default: from the index layout).")
  String fields;

  @Option(names = "--remove-query", description = "Drop a hit whose docid equals the query id (BEIR).")
  boolean removeQuery;

  @Option(names = {"--output", "-o"}, required = true, paramLabel = "FILE", description = "Run file to write.")
  String output;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
      description = "Threads per task; 0 = all cores of the executor (default: 1, as Spark runs one task per core).")
  int threads;

  @Option(names = "--partitions", defaultValue = "0", description = "Query partitions = Spark tasks (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--work", description = "Work folder on a shared file system (default: <output>.parts).")
  String work;

  @Option(names = "--resume", description = "Keep the finished partitions of an interrupted run.")
  boolean resume;

  @Mixin RunTagOptions runTag = new RunTagOptions();

  @Option(names = "--quiet", description = "No summary on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    DistributedPipeline.Options o = new DistributedPipeline.Options(pipeline, index, topics.name(), fields,
        removeQuery, threads, output, work, partitions, resume, runTag.given(), spark.failFirstAttempt);
    if (topics.query() != null) {
      throw io.trawl.core.TrawlException.invalid("trawl-spark run needs --topics; one --query runs on one machine: trawl run --query");
    }
    io.trawl.core.AtomicOutput.check(output);
    if (threads < 0) {
      throw io.trawl.core.TrawlException.invalid("--threads must be 0 (all cores) or more, got " + threads);
    }
    if (java.nio.file.Files.exists(java.nio.file.Path.of(output)) && !resume) {
      throw io.trawl.core.TrawlException.invalid(output + ": exists; choose another --output, or remove it");
    }
    // a bad pipeline is an input error before Spark starts
    io.trawl.pipeline.PipelineRunner.check(io.trawl.pipeline.Pipeline.parse(pipeline));
    try (JavaSparkContext sc = SparkContexts.open(spark.master, "trawl-spark run")) {
      sc.setLogLevel("ERROR");
      DistributedPipeline.Summary s = DistributedPipeline.run(sc, o);
      if (!quiet) {
        System.err.println(String.format(Locale.ROOT,
            "trawl-spark: %s: %d queries in %d partitions (%d finished before), %d lines in %.1f s -> %s",
            s.tag(), s.queries(), s.partitions(), s.resumedPartitions(), s.lines(), s.seconds(), output));
      }
    }
    return 0;
  }
}
