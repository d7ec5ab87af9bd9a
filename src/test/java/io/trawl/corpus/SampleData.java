package io.trawl.corpus;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code ../shared/data} for tests (system property {@code trawl.shared}, which surefire
 * sets, or the relative path {@code ../shared}); tests that need it are skipped with a clear
 * message when it is absent.
 */
public final class SampleData {
  private SampleData() {}

  /** {@code <shared>/data/<relative>}, or the test is skipped when it does not exist. */
  public static Path require(String relative) {
    String prop = System.getProperty("trawl.shared");
    Path shared = prop != null ? Path.of(prop) : Path.of("..", "shared");
    Path p = shared.resolve("data").resolve(relative);
    assumeTrue(Files.exists(p), "shared test data absent (" + p.toAbsolutePath()
        + "); set -Dtrawl.shared or check out ../shared to run this test");
    return p;
  }

  /** A file or folder under {@code anserini-test-samples/sample_docs}. */
  public static String sampleDocs(String relative) {
    return require("anserini-test-samples/sample_docs/" + relative).toString();
  }
}
