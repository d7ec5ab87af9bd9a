package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TrawlException;
import io.trawl.corpus.OnError;
import io.trawl.index.Layout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Clear errors with exit code 2 for bad masters and inconsistent sharded indexes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  @TempDir static Path tmp;
  Path two;
  Path three;
  Path unstemmed;

  @BeforeAll
  void build() {
    two = tmp.resolve("two");
    three = tmp.resolve("three");
    unstemmed = tmp.resolve("unstemmed");
    ShardedIndexer.run(SparkTests.context(), spec(two, 2, "porter"));
    ShardedIndexer.run(SparkTests.context(), spec(three, 3, "porter"));
    ShardedIndexer.run(SparkTests.context(), spec(unstemmed, 2, "none"));
  }

  static ShardedIndexer.Spec spec(Path index, int shards, String stemmer) {
    return new ShardedIndexer.Spec("builtin:cranfield", null, index.toString(), shards,
        ShardAssignment.DOCID, Layout.FLAT, stemmer, false, false, false, false, OnError.FAIL, 1,
        false, -1);
  }

  record Result(int code, String err) {}

  static Result cli(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = TrawlSpark.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, err.toString());
  }

  Path copy(Path from, String name) throws IOException {
    Path to = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  static void replaceDir(Path target, Path source) throws IOException {
    try (Stream<Path> walk = Files.walk(target)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.createDirectories(target);
    try (Stream<Path> s = Files.list(source)) {
      for (Path p : s.toList()) {
        Files.copy(p, target.resolve(p.getFileName().toString()));
      }
    }
  }

  @Test
  void unreachableMasterIsAnInputErrorWithinSeconds() {
    long t0 = System.nanoTime();
    Result r = cli("search", "--master", "spark://127.0.0.1:1", "--index", two.toString(),
        "--topics", "cranfield", "-o", tmp.resolve("x.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("cannot reach Spark master spark://127.0.0.1:1"), r.err());
    assertTrue((System.nanoTime() - t0) / 1e9 < SparkContexts.PROBE_SECONDS + 5, "took too long");
    Result bad = cli("index", "--master", "bogus[2]", "--shards", "2", "--input", "builtin:cranfield",
        "--index", tmp.resolve("never").toString());
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("unknown Spark master 'bogus[2]'"), bad.err());
  }

  @Test
  void aShardFromAnotherAnalyzerIsRefused() throws IOException {
    Path mixed = copy(two, "mixed");
    replaceDir(mixed.resolve("shard-00001"), unstemmed.resolve("shard-00001"));
    Result r = cli("search", "--master", "local[1]", "--index", mixed.toString(), "--topics", "cranfield",
        "-o", tmp.resolve("mixed.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("shard-00001 was built with analyzer english(stemmer=none"), r.err());
    assertTrue(r.err().contains("all shards must share one analyzer"), r.err());
  }

  @Test
  void mismatchedShardCountsAreRefused() throws IOException {
    // a shard of the 3-shard index dropped into the 2-shard one, in its own slot
    Path swapped = copy(two, "swapped");
    replaceDir(swapped.resolve("shard-00001"), three.resolve("shard-00001"));
    Result r = cli("search", "--master", "local[1]", "--index", swapped.toString(), "--topics", "cranfield",
        "-o", tmp.resolve("s.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is shard 1 of a 3-shard index"), r.err());
    // an extra shard folder
    Path extra = copy(two, "extra");
    copy(three.resolve("shard-00002"), "extra/shard-00002");
    r = cli("search", "--index", extra.toString(), "--topics", "cranfield", "-o", tmp.resolve("e.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("the manifest says 2 shards but found 3 shard folders; unexpected [shard-00002]"), r.err());
    // a missing one
    Path missing = copy(three, "missing");
    replaceDir(missing.resolve("shard-00002"), missing.resolve("shard-00002"));
    Files.delete(missing.resolve("shard-00002"));
    r = cli("search", "--index", missing.toString(), "--topics", "cranfield", "-o", tmp.resolve("m.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("missing [shard-00002]"), r.err());
    // the count the user expects
    r = cli("search", "--index", two.toString(), "--shards", "4", "--topics", "cranfield", "-o", tmp.resolve("c.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("has 2 shards but --shards 4 was given"), r.err());
    // a single index is not a sharded one
    r = cli("search", "--index", two.resolve("shard-00000").toString(), "--topics", "cranfield", "-o", tmp.resolve("x.run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("it is a single index"), r.err());
  }

  @Test
  void existingFoldersAndTooFewFilesAreRefusedBeforeIndexing() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> ShardedIndexer.run(SparkTests.context(), spec(two, 2, "porter")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("already exists; use --force"), e.getMessage());
    ShardedIndexer.Spec byFile = new ShardedIndexer.Spec("builtin:cranfield", null,
        tmp.resolve("by-file").toString(), 2, ShardAssignment.FILE, Layout.FLAT, "porter", false, false,
        false, false, OnError.FAIL, 1, false, -1);
    e = assertThrows(TrawlException.class, () -> ShardedIndexer.run(SparkTests.context(), byFile));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("at least as many input files as shards"), e.getMessage());
  }
}
