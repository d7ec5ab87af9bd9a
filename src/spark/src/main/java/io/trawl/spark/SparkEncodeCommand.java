package io.trawl.spark;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl-spark encode}: a bi-encoder over corpus partitions, one vector shard per task. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode a JSONL corpus over Spark into a folder of vector shards (read by trawl dense-index --vectors DIR).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark encode --master local[2] --corpus corpus.jsonl --encoder bge-small-en-v1.5 --output vectors/scifact",
      "  trawl dense-index --vectors vectors/scifact --encoder bge-small-en-v1.5 --index idx/scifact-dense"
    })
public final class SparkEncodeCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--corpus", required = true, description = "JSONL corpus (BEIR _id/title/text or id/contents; .gz ok).")
  String corpus;

  @Option(names = "--encoder", required = true, description = "Encoder name or model folder (as trawl encode).")
  String encoder;

  @Option(names = "--output", required = true, description = "Folder of vector shards to write.")
  String output;

  @Option(names = "--partitions", defaultValue = "0", description = "Corpus partitions = tasks (default: Spark's default parallelism).")
  int partitions;

  @Option(names = "--batch", defaultValue = "32", description = "Texts per ONNX call (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads-per-task", defaultValue = "1", description = "ONNX Runtime threads per task (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--max-length", defaultValue = "0", description = "Maximum tokens per text (0: the model's own).")
  int maxLength;

  @Option(names = "--quiet", description = "No summary on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    try (JavaSparkContext sc = SparkContexts.open(spark.master, "trawl-spark encode")) {
      sc.setLogLevel("ERROR");
      DistributedEncode.Summary s = DistributedEncode.run(sc, new DistributedEncode.Options(corpus,
          encoder, output, partitions, batch, threads, maxLength, spark.failFirstAttempt));
      if (!quiet) {
        System.err.println(String.format(Locale.ROOT,
            "encode: %d documents with %s (dim %d) in %d shards, %.1f s (%.1f docs/s) -> %s",
            s.documents(), s.encoder(), s.dimension(), s.partitions(), s.seconds(),
            s.documents() / Math.max(s.seconds(), 1e-9), output));
      }
    }
    return 0;
  }
}
