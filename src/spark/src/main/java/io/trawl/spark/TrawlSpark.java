package io.trawl.spark;

import io.trawl.core.TrawlException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trawl-spark}: Trawl's scale-out commands on Apache Spark. Same exit codes as
 * {@code trawl}: 0 ok, 1 runtime failure, 2 invalid input or usage.
 */
@Command(name = "trawl-spark", mixinStandardHelpOptions = true, versionProvider = TrawlSpark.Version.class,
    description = "Trawl on Apache Spark: sharded indexing, exact sharded BM25, distributed pipelines, encoding and reranking.",
    subcommands = {
      CommandLine.HelpCommand.class,
      SparkIndexCommand.class,
      SparkSearchCommand.class,
      SparkRunCommand.class,
      SparkRerankCommand.class,
      SparkEncodeCommand.class,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark index --master local[2] --shards 4 --collection beir --input corpus.jsonl --index idx/scifact-4",
      "  trawl-spark search --master local[2] --index idx/scifact-4 --topics beir-scifact-test --remove-query -o run.txt",
      "  trawl-spark run --master local[2] --pipeline 'bm25@1000 >> monot5(model=/m)@100' --index idx/scifact \\",
      "      --topics beir-scifact-test --remove-query -o run.monot5.txt",
      "",
      "Exit codes: 0 ok, 1 runtime failure, 2 invalid input or usage."
    })
public final class TrawlSpark implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with Trawl's error handling (tests use it without exiting). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TrawlSpark());
    return io.trawl.cli.Trawl.withErrorHandling(cl, "trawl-spark", TrawlSpark::trawlCause,
        "error");
  }

  /** A TrawlException raised here or inside a Spark task (Spark wraps task failures). */
  static TrawlException trawlCause(Throwable t) {
    for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
      if (t instanceof TrawlException te) {
        return te;
      }
    }
    return null;
  }

  /** The core's version, Spark's and Java's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trawl-spark " + io.trawl.cli.Trawl.version(),
          "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION(), "Java " + Runtime.version()};
    }
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.out.flush();
    System.exit(code);
  }
}
