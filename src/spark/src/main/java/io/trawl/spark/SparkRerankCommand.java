package io.trawl.spark;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl-spark rerank}: queries partitioned over executors, resumable, merged in order. */
@Command(name = "rerank", mixinStandardHelpOptions = true,
    description = "Rerank with Spark: queries split over tasks (one model load per task), resumable, merged into one run identical to trawl rerank.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark rerank --master local[2] --reranker \"monot5(model=models/monot5-base)\" \\",
      "      --input retrieve_results_dl19.json --output runs/dl19.monot5.txt",
      "  trawl-spark rerank --reranker \"monot5(model=/m)\" --input run.txt --index idx --topics dl19-passage \\",
      "      --depth 100 --partitions 16 --output run.monot5.txt --resume"
    })
public final class SparkRerankCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--reranker", required = true, description = "Reranker spec, e.g. \"monot5(model=DIR)\".")
  String reranker;

  @Option(names = "--input", required = true, description = "Candidates file (RankLLM JSON/JSONL, retrieve-results JSON) or a TREC run.")
  String input;

  @Option(names = "--index", description = "Index for document texts (TREC run input).")
  String index;

  @Option(names = "--topics", description = "Topics (TREC run input).")
  String topics;

  @Option(names = "--depth", description = "Rerank only the top k of each list.")
  Integer depth;

  @Option(names = {"--output", "-o"}, required = true, description = "Output run (trec) or .jsonl.")
  String output;

  @Option(names = "--format", description = "trec or jsonl (default: from the output name).")
  String format;

  @Option(names = "--partitions", defaultValue = "0", description = "Query partitions = Spark tasks (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--work", description = "Work folder on a shared file system (default: <output>.parts).")
  String work;

  @Option(names = "--resume", description = "Keep finished partitions and per-query progress of an interrupted run.")
  boolean resume;

  @picocli.CommandLine.Mixin io.trawl.cli.RunTagOptions runTag = new io.trawl.cli.RunTagOptions();

  @Option(names = "--quiet", description = "No summary on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    DistributedRerank.Options o = new DistributedRerank.Options(reranker, input, index, topics, depth,
        output, format, work, partitions, resume, runTag.given(), spark.failFirstAttempt);
    try (JavaSparkContext sc = SparkContexts.open(spark.master, "trawl-spark rerank")) {
      sc.setLogLevel("ERROR");
      DistributedRerank.Summary s = DistributedRerank.run(sc, o);
      if (!quiet) {
        System.err.println(String.format(Locale.ROOT,
            "rerank: %d queries in %d partitions (%d finished before), %.1f s -> %s",
            s.queries(), s.partitions(), s.resumedPartitions(), s.seconds(), output));
      }
    }
    return 0;
  }
}
