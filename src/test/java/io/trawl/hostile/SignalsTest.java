package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.VectorFile;
import java.io.IOException;
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
 * Stopping index builds from outside. SIGTERM (what {@code kill} and service managers send) during
 * {@code trawl index}, at several points of the build: the process ends quietly (no exception, no
 * error line) and leaves no index and no temporary folder. SIGKILL during {@code trawl dense-index}:
 * the index folder is absent or complete (its {@code trawl-dense.json} written), never Lucene files
 * alone, and building again works.
 */
class SignalsTest {
  static final long SEED = 11L;

  @TempDir Path tmp;

  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = Cli.java("-Xmx512m");
    cmd.add("io.trawl.cli.Trawl");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static boolean anyStartsWith(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
    }
  }

  /** Waits until the build has started (its temporary folder, or the target, exists). */
  static void awaitBuild(Process p, Path parent, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && !anyStartsWith(parent, "." + name + ".tmp-") && !Files.exists(parent.resolve(name))
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void sigtermDuringIndexingEndsQuietlyWithoutAnIndex() throws Exception {
    Path corpus = KillIndexTest.corpus(tmp);
    // the old failure (a NullPointerException printed while the hook removed the folder) showed in
    // about one stop in five during the build: many stops, spread over it
    long[] delaysMs = {100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900, 2200, 2600};
    int stoppedMidway = 0;
    for (int attempt = 0; attempt < delaysMs.length; attempt++) {
      Path parent = Files.createDirectories(tmp.resolve("t" + attempt));
      Path log = parent.resolve("log.txt");
      Process p = start(log, "index", "--collection", "json", "--input", corpus.toString(), "--index",
          parent.resolve("idx").toString(), "--threads", "2", "-q");
      awaitBuild(p, parent, "idx");
      Thread.sleep(delaysMs[attempt]);
      boolean running = p.isAlive();
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      String out = Files.readString(log);
      String state = "SIGTERM " + delaysMs[attempt] + " ms into the build (exit " + p.exitValue() + "): " + out;
      if (!running || p.exitValue() == 0) {
        continue; // finished before the signal: a complete index
      }
      if (Files.exists(parent.resolve("idx"))) {
        // the signal landed after the build's atomic rename: the whole index, never a part of it
        assertTrue(Files.isRegularFile(parent.resolve("idx").resolve("trawl-index.json")), state);
        try (io.trawl.search.LuceneIndex idx = io.trawl.search.LuceneIndex.open(parent.resolve("idx"), null)) {
          assertEquals(io.trawl.index.IndexMetadata.read(parent.resolve("idx")).documents(),
              idx.reader().numDocs(), state);
        }
        assertFalse(anyStartsWith(parent, ".idx."), "temporary folder left: " + state);
        continue;
      }
      stoppedMidway++;
      assertEquals(143, p.exitValue(), state);
      assertFalse(out.contains("Exception") || out.contains("error"), state);
      assertFalse(Files.exists(parent.resolve("idx")), state);
      assertFalse(anyStartsWith(parent, ".idx."), "temporary folder left: " + state);
    }
    assertTrue(stoppedMidway >= 6, "only " + stoppedMidway + " signals landed during the build");
  }

  @Test
  void killedDenseIndexingLeavesNoHalfBuiltIndex() throws Exception {
    int n = 8_000;
    int dim = 32;
    Random r = new Random(SEED);
    float[][] v = new float[n][dim];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("d" + i);
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        v[i][j] = (float) r.nextGaussian();
        norm += v[i][j] * v[i][j];
      }
      for (int j = 0; j < dim; j++) {
        v[i][j] /= (float) Math.sqrt(norm);
      }
    }
    Path vectors = tmp.resolve("v.tvec");
    new VectorFile("bge-small-en-v1.5-q", dim, ids, v).write(vectors);
    int midway = 0;
    for (long delay : new long[] {200, 1000}) {
      Path parent = Files.createDirectories(tmp.resolve("d" + delay));
      Path index = parent.resolve("dense");
      Process p = start(parent.resolve("log.txt"), "dense-index", "--vectors", vectors.toString(), "--index",
          index.toString(), "-q");
      awaitBuild(p, parent, "dense");
      Thread.sleep(delay);
      boolean running = p.isAlive();
      p.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      if (running) {
        midway++;
      }
      String state = "SIGKILL " + delay + " ms into the build" + (running ? "" : " (it had finished)");
      if (Files.exists(index)) {
        assertTrue(Files.exists(index.resolve("trawl-dense.json")), "Lucene files without metadata: " + state);
      }
      if (!Files.exists(index)) {
        // a new build of the same target works, and clears what the killed build left
        Cli.Outcome retry = Cli.run("dense-index", "--vectors", vectors.toString(), "--index", index.toString(), "-q");
        assertEquals(0, retry.code(), state + ": " + retry.err());
        assertTrue(Files.exists(index.resolve("trawl-dense.json")), state);
        assertFalse(anyStartsWith(parent, ".dense.tmp-"), "the killed build's folder is left: " + state);
      }
    }
    assertTrue(midway >= 1, "no kill landed during the build; use more vectors");
  }
}
