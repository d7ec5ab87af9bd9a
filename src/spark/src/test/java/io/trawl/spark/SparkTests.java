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
}
