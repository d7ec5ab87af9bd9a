package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs {@code trawl index} (a separate JVM) at several points while it builds, and checks the
 * index folder is then absent or complete, never half-built; and that indexing again afterwards
 * works and gives the same index as an uninterrupted run.
 */
class KillIndexTest {
  static final int DOCS = 60_000;
  static final long SEED = 20261129L;

  @TempDir Path tmp;

  static Path corpus(Path dir) throws IOException {
    Path f = dir.resolve("corpus.jsonl");
    Random r = new Random(SEED);
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < DOCS; i++) {
        sb.setLength(0);
        sb.append("{\"id\": \"d").append(i).append("\", \"contents\": \"");
        int n = 10 + r.nextInt(30);
        for (int j = 0; j < n; j++) {
          sb.append('w').append(Integer.toString(r.nextInt(5000), 36)).append(' ');
        }
        sb.append("\"}\n");
        w.write(sb.toString());
      }
    }
    return f;
  }

  static Process start(Path corpus, Path index, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-D") || a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.trawl.cli.Trawl",
        "index", "--collection", "json", "--input", corpus.toString(), "--index", index.toString(),
        "--threads", "2", "-q"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static boolean tempFolderExists(Path parent) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(".idx.tmp-"));
    }
  }

  static long documents(Path index) throws IOException {
    Cli.Outcome o = Cli.run("index-stats", "--index", index.toString(), "--json");
    assertEquals(0, o.code(), "an index that exists must be complete and readable: " + o.err());
    JsonNode root = new ObjectMapper().readTree(o.out());
    return root.at("/stats/documents").asLong();
  }

  @Test
  void killedIndexingLeavesNoHalfBuiltIndex() throws Exception {
    Path corpus = corpus(tmp);
    int midway = 0;
    long[] delaysMs = {0, 600};
    for (int attempt = 0; attempt < delaysMs.length; attempt++) {
      Path parent = Files.createDirectories(tmp.resolve("k" + attempt));
      Path index = parent.resolve("idx");
      Process p = start(corpus, index, parent.resolve("log.txt"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && !tempFolderExists(parent) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(delaysMs[attempt]);
      boolean wasRunning = p.isAlive();
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      String state = "attempt " + attempt + " (kill " + delaysMs[attempt] + " ms after the build started"
          + (wasRunning ? "" : ", process had already exited") + ")";
      if (Files.exists(index)) {
        assertEquals(DOCS, documents(index), state + ": index exists but is not complete");
      } else if (wasRunning) {
        midway++;
      }
      if (attempt == delaysMs.length - 1) {
        // indexing again (with --force in case the run completed) works and is complete
        Cli.Outcome again = Cli.run("index", "--collection", "json", "--input", corpus.toString(), "--index",
            index.toString(), "--threads", "2", "-q", "--force");
        assertEquals(0, again.code(), state + ": " + again.err());
        assertEquals(DOCS, documents(index), state);
        // the next build of the index clears what the killed build left behind
        assertFalse(tempFolderExists(parent), "a killed build's temporary folder is left in " + parent);
      }
    }
    assertTrue(midway >= 1, "no kill landed while the index was being built; make the corpus larger");
  }
}
