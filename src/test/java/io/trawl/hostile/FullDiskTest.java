package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code -o} on a full disk: a 1 MiB tmpfs filled to the brim. Each command must say
 * {@code FILE: cannot write: No space left on device} in one line, exit 1, and leave nothing on the
 * disk (no hidden {@code .tmp} file keeping it full). Needs root to mount the tmpfs; skipped with
 * the reason otherwise.
 */
class FullDiskTest {
  @TempDir static Path shared;
  static Path disk;
  static Path index;
  static Path run;
  static Path vectors;
  static Path denseIndex;
  static boolean mounted;
  static final String ENCODER = "all-minilm-l6-v2-q";

  @BeforeAll
  static void mountAndFill() throws Exception {
    disk = Files.createDirectories(shared.resolve("disk"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs (needs root): " + out.strip());
    index = shared.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q").code());
    run = shared.resolve("bm25.txt");
    assertEquals(0, Cli.run("search", "--index", index.toString(), "--topics", "cranfield", "--hits", "100",
        "-o", run.toString(), "--quiet").code());
    vectors = shared.resolve("topics.vec");
    assertEquals(0, Cli.run("encode", "--topics", "cranfield", "--encoder", ENCODER, "-o", vectors.toString(),
        "--quiet").code());
    denseIndex = shared.resolve("dense");
    assertEquals(0, Cli.run("dense-index", "--vectors", vectors.toString(), "--index", denseIndex.toString(),
        "--flat", "--quiet").code());
    // fill the disk: write until the device refuses
    try (OutputStream o = Files.newOutputStream(disk.resolve("filler"))) {
      byte[] b = new byte[4096];
      for (int i = 0; i < 1024; i++) {
        o.write(b);
        o.flush();
      }
    } catch (IOException e) {
      assertTrue(e.getMessage().contains("No space left"), e.getMessage());
    }
  }

  /** Each command starts from a disk holding only the filler (so one's leftovers do not count for another). */
  @BeforeEach
  void onlyTheFiller() throws IOException {
    try (Stream<Path> files = Files.list(disk)) {
      for (Path p : files.toList()) {
        if (!p.getFileName().toString().equals("filler")) {
          try (Stream<Path> tree = Files.walk(p)) {
            for (Path q : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
              Files.delete(q);
            }
          }
        }
      }
    }
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mounted) {
      Process p = new ProcessBuilder("umount", disk.toString()).inheritIO().start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        // busy (a file some library still holds open in this JVM): detach it now, so that the
        // temporary folder can be removed; the kernel frees it when the last file closes
        new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static void fails(String name, String... args) throws IOException {
    String out = disk.resolve(name).toString();
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "-o";
    full[args.length + 1] = out;
    failsWriting(out, true, full);
  }

  /** The command fails with {@code trawl: error: FILE: cannot write: ...} for {@code file}. */
  static void failsWriting(String file, boolean clean, String... full) throws IOException {
    Cli.Outcome o = Cli.run(full);
    String context = String.join(" ", full) + "\nexit " + o.code() + "\n" + o.err();
    assertEquals(1, o.code(), context);
    assertEquals(1, o.err().strip().lines().count(), context);
    assertEquals("trawl: error: " + file + ": cannot write: No space left on device", o.err().strip(), context);
    if (!clean) {
      return;
    }
    try (Stream<Path> left = Files.list(disk)) {
      assertEquals(List.of(disk.resolve("filler")), left.toList(), "left on the full disk: " + context);
    }
  }

  @Test
  void search() throws IOException {
    fails("run.txt", "search", "--index", index.toString(), "--topics", "cranfield", "--quiet");
  }

  @Test
  void eval() throws IOException {
    // every measure for every query: far more than the writer's buffer
    fails("eval.txt", "eval", "-c", "-q", "-m", "all_trec", "cranfield", run.toString());
  }

  @Test
  void fuse() throws IOException {
    fails("fused.txt", "fuse", run.toString(), run.toString());
  }

  @Test
  void compare() throws IOException {
    fails("cmp.md", "compare", "cranfield", run.toString(), run.toString());
  }

  @Test
  void pipeline() throws IOException {
    fails("pipeline.txt", "run", "--pipeline", "bm25@100", "--index", index.toString(), "--topics", "cranfield", "-q");
  }

  @Test
  void index() throws IOException {
    String out = disk.resolve("idx").toString();
    failsWriting(out, true, "index", "--input", "builtin:cranfield", "--index", out, "--quiet");
  }

  @Test
  void rerank() throws IOException {
    // the work file's lock is the first thing written (the empty lock file stays)
    failsWriting(disk.resolve("rr.txt.work.lock").toString(), false, "rerank", "--reranker",
        "embed(encoder=" + ENCODER + ")", "-i", run.toString(), "--index", index.toString(), "--topics", "cranfield",
        "--depth", "2", "-o", disk.resolve("rr.txt").toString(), "--quiet");
  }

  @Test
  void encode() throws IOException {
    fails("v.vec", "encode", "--topics", "cranfield", "--encoder", ENCODER, "--quiet");
  }

  @Test
  void denseIndex() throws IOException {
    String out = disk.resolve("didx").toString();
    failsWriting(out, true, "dense-index", "--vectors", vectors.toString(), "--index", out, "--quiet");
  }

  @Test
  void denseSearch() throws IOException {
    fails("dense.txt", "dense-search", "--index", denseIndex.toString(), "--topics", "cranfield", "--hits", "10",
        "--quiet");
  }

  @Test
  void regressDocs() throws IOException {
    String out = disk.resolve("docs").toString();
    // the folder stays, and the files that were begun (docs are written one by one)
    failsWriting(out, false, "regress", "docs", "-o", out);
  }

  @Test
  void demo() throws IOException {
    String runs = disk.resolve("runs").toString();
    // the runs folder stays (empty)
    failsWriting(runs + "/cranfield.bm25.txt", false, "demo", "--no-rerank", "--index", index.toString(), "--runs", runs,
        "--quiet");
  }
}
