package io.trawl.spark;

import io.trawl.corpus.OnError;
import io.trawl.index.Layout;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl-spark index}: a sharded index, one Spark task per shard. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Build a sharded index: one ordinary Trawl index per shard, built in parallel by Spark.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark index --master local[2] --shards 4 --collection beir --input corpus.jsonl --index idx/scifact-4",
      "  spark-submit --master spark://head:7077 target/trawl-spark.jar index --shards 64 --shard-by file \\",
      "      --collection json --input /shared/msmarco-v2.1 --index /shared/idx/msmarco-v2.1-64"
    })
public final class SparkIndexCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--collection", paramLabel = "FORMAT", description = "Corpus format: json, beir, tsv, trec, trecweb.")
  String format;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Corpus file or folder (every executor must see it).")
  String input;

  @Option(names = "--index", required = true, paramLabel = "DIR|URI",
      description = "Sharded index to create: a folder every executor sees, or a Hadoop URI (hdfs://, s3a://, file://).")
  String index;

  @Option(names = "--shards", required = true, paramLabel = "N", description = "Number of shards (= Spark tasks).")
  int shards;

  @Option(names = "--shard-by", defaultValue = "docid", paramLabel = "docid|file",
      description = "docid: murmur3 hash of the docid mod N (default); file: input file i to shard i mod N.")
  String shardBy;

  @Option(names = "--layout", defaultValue = "flat", paramLabel = "flat|multifield", description = "Field layout (default: ${DEFAULT-VALUE}).")
  String layout;

  @Option(names = "--stemmer", defaultValue = "porter", paramLabel = "porter|none", description = "Stemmer (default: ${DEFAULT-VALUE}).")
  String stemmer;

  @Option(names = "--keep-stopwords", description = "Keep stopwords.")
  boolean keepStopwords;

  @Option(names = "--store-positions", description = "Index term positions.")
  boolean storePositions;

  @Option(names = "--store-docvectors", description = "Store term vectors.")
  boolean storeDocvectors;

  @Option(names = "--no-store-raw", negatable = false, description = "Do not store the raw documents.")
  boolean noStoreRaw;

  @Option(names = "--threads-per-shard", defaultValue = "1", paramLabel = "N", description = "Indexing threads inside one task (default: ${DEFAULT-VALUE}).")
  int threadsPerShard;

  @Option(names = "--on-error", defaultValue = "fail", paramLabel = "fail|skip", description = "Bad documents: fail or skip (default: ${DEFAULT-VALUE}).")
  String onError;

  @Option(names = "--force", description = "Replace an existing sharded index.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "No summary on stderr.")
  boolean quiet;

  @Option(names = "--dry-run", description = "Print the plan (shards, tasks, where each shard goes) and stop: no Spark, nothing written.")
  boolean dryRun;

  @Override
  public Integer call() {
    ShardedIndexer.Spec spec = new ShardedIndexer.Spec(input, format, index, shards,
        ShardAssignment.parse(shardBy), Layout.parse(layout), stemmer, keepStopwords, storePositions,
        storeDocvectors, !noStoreRaw, OnError.parse(onError), threadsPerShard, force,
        spark.failFirstAttempt);
    if (dryRun) {
      System.out.println("trawl-spark index: dry run (master " + SparkContexts.describe(spark.master) + ")");
      ShardedIndexer.plan(spec).forEach(l -> System.out.println("  " + l));
      return 0;
    }
    try (JavaSparkContext sc = SparkContexts.open(spark.master, "trawl-spark index")) {
      sc.setLogLevel("ERROR");
      ShardManifest m = ShardedIndexer.run(sc, spec);
      if (!quiet) {
        System.err.println(String.format(Locale.ROOT,
            "index: %d documents in %d shards (%s) %s, %.1f s (%.0f docs/s) -> %s",
            m.documents(), m.shards(), m.shardBy(), m.shardDocuments(), m.seconds(),
            m.documents() / Math.max(m.seconds(), 1e-9), index));
      }
    }
    return 0;
  }
}
