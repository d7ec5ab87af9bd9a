package io.trawl.search;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Shared test data for search tests (indexes are built with the project's Indexer). */
final class TestIndexes {
  private TestIndexes() {}

  /** {@code <trawl.shared>/data/<sub>}, or skips the test with a clear message when absent. */
  static Path shared(String sub) {
    String s = System.getProperty("trawl.shared", "../shared");
    Path p = Path.of(s, "data", sub);
    Assumptions.assumeTrue(Files.exists(p), "shared test data not found at " + p + "; skipping");
    return p;
  }
}
