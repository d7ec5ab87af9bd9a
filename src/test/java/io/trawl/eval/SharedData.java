package io.trawl.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/data}; tests that need it skip with a message when it is absent. */
public final class SharedData {
  private SharedData() {}

  public static Path dir(String sub) {
    String base = System.getProperty("trawl.shared", "../shared");
    Path p = Path.of(base, "data", sub);
    assumeTrue(Files.isDirectory(p), "shared data folder " + p + " is absent; skipping");
    return p;
  }
}
