package io.trawl.spark;

import io.trawl.core.Query;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.search.SearchOptions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl-spark search}: BM25/QL over a sharded index with the collection's statistics. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Search a sharded index with collection-wide statistics; the run equals trawl search on one index.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl-spark search --master local[2] --index idx/scifact-4 --topics beir-scifact-test --remove-query -o run.txt",
      "  trawl-spark search --index idx/msmarco-4 --topics dl19-passage --retriever \"bm25(k1=0.82,b=0.68)\""
    })
public final class SparkSearchCommand implements Callable<Integer> {
  @Mixin SparkOptions spark;

  @Option(names = "--index", required = true, description = "Sharded index (trawl-spark index): a folder, or a Hadoop URI (hdfs://, s3a://, file://).")
  String index;

  @Option(names = "--shards", defaultValue = "0", description = "Expected number of shards (0: whatever the index has).")
  int shards;

  @Option(names = "--topics", required = true, description = "Topics file or name (as trawl search).")
  String topics;

  @Option(names = "--topics-format", defaultValue = "auto", description = "auto, tsv, trec or beir.")
  String topicsFormat;

  @Option(names = "--topic-field", defaultValue = "title", description = "TREC topics field(s).")
  String topicField;

  @Option(names = "--retriever", defaultValue = "bm25", description = "bm25(k1=..,b=..), qld(mu=..), or impact / impact(encoder=DIR) over impact shards (default: ${DEFAULT-VALUE}).")
  String retriever;

  @Option(names = {"--hits", "-k"}, defaultValue = "1000", description = "Documents per query (default: ${DEFAULT-VALUE}).")
  int hits;

  @Option(names = "--remove-query", description = "Drop a hit whose docid equals the query id (BEIR).")
  boolean removeQuery;

  @Option(names = "--fields", description = "Fields searched, as trawl search (default: the index layout's).")
  String fields;

  @Option(names = {"--output", "-o"}, defaultValue = "-", description = "Run file, - for stdout.")
  String output;

  @Option(names = "--format", defaultValue = "trec", description = "trec or msmarco.")
  String format;

  @picocli.CommandLine.Mixin io.trawl.cli.RunTagOptions runTag = new io.trawl.cli.RunTagOptions();

  @Option(names = "--quiet", description = "No summary on stderr.")
  boolean quiet;

  @Option(names = "--dry-run", description = "Print the plan (shards, tasks, where each shard is read) and stop: no Spark, nothing written.")
  boolean dryRun;

  @Override
  public Integer call() {
    ShardStore store = ShardStore.of(index);
    ShardManifest m = ShardManifest.open(store, shards);
    Map<String, Float> fieldMap = fields == null ? null : SearchOptions.parseFields(fields);
    List<Query> queries = Topics.read(topics, topicsFormat, topicField);
    String spec = io.trawl.search.Retrievers.parse(retriever).spec();
    RunWriter.Format fmt = RunWriter.Format.parse(format, RunWriter.Format.TREC, RunWriter.Format.MSMARCO);
    if (dryRun) {
      System.out.println("trawl-spark search: dry run (master " + SparkContexts.describe(spark.master) + ")");
      System.out.println("  index: " + store + ", " + m.shards() + " shards, " + m.documents() + " documents, analyzer "
          + m.analyzer());
      System.out.println("  queries: " + queries.size() + " (" + topics + "), " + spec + ", top " + hits);
      System.out.println("  stage 1: " + m.shards() + " tasks (one per shard): the shard's statistics for the queries' terms;"
          + " the driver sums them");
      System.out.println("  stage 2: " + m.shards() + " tasks (one per shard): top " + hits
          + " per query with the sums; the driver merges by (score, docid)");
      for (int i = 0; i < m.shards(); i++) {
        System.out.println("  " + store.readPlan(i));
      }
      System.out.println("  output: " + ("-".equals(output) ? "stdout" : output));
      return 0;
    }
    try (JavaSparkContext sc = SparkContexts.open(spark.master, "trawl-spark search");
        RunWriter w = RunWriter.open(output, fmt,
            runTag.or(io.trawl.pipeline.Pipeline.retrieval(spec, hits).tag()))) {
      sc.setLogLevel("ERROR");
      ShardedSearch.Summary s = ShardedSearch.run(sc, new ShardedSearch.Spec(index, spec, fieldMap,
          removeQuery, hits, spark.failFirstAttempt), queries, w);
      w.commit();
      if (!quiet) {
        System.err.println(String.format(Locale.ROOT,
            "search: %s over %d shards of %s: %d queries (%d distinct terms), %d lines, %.1f s -> %s",
            spec, s.shards(), index, s.queries(), s.terms(), s.lines(), s.seconds(),
            "-".equals(output) ? "stdout" : output));
      }
    }
    return 0;
  }
}
