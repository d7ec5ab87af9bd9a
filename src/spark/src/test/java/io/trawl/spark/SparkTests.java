package io.trawl.spark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark context for all tests of the module (a JVM holds one at a time): {@code local[2,2]},
 * two threads and a task may fail once and be retried (the fault-injection tests rely on it).
 */
final class SparkTests {
  static final String MASTER = "local[2,2]";
  private static JavaSparkContext context;

  private SparkTests() {}

  static synchronized JavaSparkContext context() {
    if (context == null) {
      context = SparkContexts.open(MASTER, "trawl-spark tests");
      context.setLogLevel("ERROR");
      JavaSparkContext sc = context;
      Runtime.getRuntime().addShutdownHook(new Thread(sc::stop));
    }
    return context;
  }

  /**
   * Stops the shared local context (a JVM runs one Spark context at a time), for a test that
   * starts its own; the next {@link #context()} starts a new one.
   */
  static synchronized void release() {
    if (context != null) {
      context.stop();
      context = null;
    }
  }

  /** {@code ../shared/data/<name>} (or the trawl.shared property), skipping the test when absent. */
  static Path sharedData(String name) {
    Path shared = Path.of(System.getProperty("trawl.shared", "../../../shared"));
    Path p = shared.resolve("data").resolve(name);
    assumeTrue(Files.exists(p), "skipped: " + p + " is absent (the shared data folder is not here)");
    return p;
  }

  static Path sharedGolden(String name) {
    Path shared = Path.of(System.getProperty("trawl.shared", "../../../shared"));
    Path p = shared.resolve("golden").resolve(name);
    assumeTrue(Files.exists(p), "skipped: " + p + " is absent (the shared golden folder is not here)");
    return p;
  }

  /**
   * The tiny golden T5 v1.0 as a monoT5 model folder under {@code dir} (links to ../shared/golden;
   * the Llama-2 SentencePiece vocabulary as its spiece.model), skipping the test when absent.
   */
  static Path tinyMonoT5(Path dir) throws java.io.IOException {
    Path golden = sharedGolden("t5-v1_0-tiny");
    Path spiece = sharedGolden("tokenizers/llama2/tokenizer.model");
    Path model = dir.resolve("tiny-monot5");
    Files.createDirectories(model);
    Files.createSymbolicLink(model.resolve("config.json"), golden.resolve("config.json").toAbsolutePath());
    Files.createSymbolicLink(model.resolve("model.safetensors"), golden.resolve("model.safetensors").toAbsolutePath());
    Files.createSymbolicLink(model.resolve("spiece.model"), spiece.toAbsolutePath());
    return model;
  }

  /** The first 6 DL19 queries with their top 12 BM25 candidates, as a JSONL candidates file. */
  static Path dl19Candidates(Path file) throws java.io.IOException {
    Path dl19 = sharedData("dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json");
    java.util.List<io.trawl.io.QueryCandidates> some = new java.util.ArrayList<>();
    for (io.trawl.io.QueryCandidates q : io.trawl.io.CandidateFiles.read(dl19.toString()).subList(0, 6)) {
      some.add(new io.trawl.io.QueryCandidates(q.query(), q.candidates().top(12)));
    }
    try (java.io.Writer w = Files.newBufferedWriter(file)) {
      io.trawl.io.CandidateFiles.writeJsonl(w, some);
    }
    return file;
  }
}
