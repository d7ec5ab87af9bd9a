package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Query;
import io.trawl.core.TrawlException;
import io.trawl.corpus.OnError;
import io.trawl.index.Layout;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded indexes on a Hadoop file system: an in-JVM HDFS ({@link TestHdfs}: {@link MiniDFSCluster},
 * one datanode on 127.0.0.1) and {@code file://}. Cranfield in 2 shards: the runs equal those of the same sharded
 * index in a local folder (itself equal to one index: ShardedSearchTest); publishing is
 * all-or-nothing with one winner per shard; the executor cache checks CRC32C, is reused and is
 * safe under concurrent tasks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardStoreTest {
  static final String BM25 = "bm25(k1=0.9,b=0.4)";
  @TempDir static Path tmp;
  MiniDFSCluster dfs;
  String hdfs;
  List<Query> topics;
  String localRun;
  String cacheBefore;
  long documents;
  /** A 2-shard Cranfield index on HDFS that no test changes. */
  String shared;

  @BeforeAll
  void start() throws IOException {
    cacheBefore = System.getProperty(ShardStore.CACHE_PROPERTY);
    System.setProperty(ShardStore.CACHE_PROPERTY, tmp.resolve("cache").toString());
    dfs = TestHdfs.cluster();
    hdfs = TestHdfs.uri() + "/" + getClass().getSimpleName();
    topics = Topics.read("cranfield");
    Path local = tmp.resolve("local");
    documents = ShardedIndexer.run(SparkTests.context(), spec(local.toString())).documents();
    localRun = search(local.toString(), BM25);
    shared = hdfs + "/indexes/cran-2";
    ShardedIndexer.run(SparkTests.context(), spec(shared));
  }

  @AfterAll
  void stop() {
    if (cacheBefore == null) {
      System.clearProperty(ShardStore.CACHE_PROPERTY);
    } else {
      System.setProperty(ShardStore.CACHE_PROPERTY, cacheBefore);
    }
  }

  static ShardedIndexer.Spec spec(String index) {
    return new ShardedIndexer.Spec("builtin:cranfield", null, index, 2, ShardAssignment.DOCID,
        Layout.FLAT, "porter", false, false, false, false, OnError.FAIL, 1, true, -1);
  }

  String search(String index, String retriever) throws IOException {
    Path out = Files.createTempFile(tmp, "run", ".txt");
    try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, retriever)) {
      ShardedSearch.run(SparkTests.context(), new ShardedSearch.Spec(index, retriever, null, false, 100, -1),
          topics, w);
      w.commit();
    }
    return Files.readString(out);
  }

  FileSystem fs() throws IOException {
    return dfs.getFileSystem();
  }

  List<String> listing(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs().listStatus(new org.apache.hadoop.fs.Path(dir))) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }

  @Test
  void onHdfsTheRunEqualsTheLocalShardsRunAndNoTemporaryNamesRemain() throws IOException {
    assertEquals(documents, ShardManifest.open(ShardStore.of(shared), 2).documents());
    assertEquals(List.of("shard-00000", "shard-00001", ShardManifest.FILE), listing(shared));
    assertEquals(localRun, search(shared, BM25));
    String root = hdfs + "/indexes/retried-2";
    // a retried build (first attempt of shard 1 fails) publishes each shard once
    ShardedIndexer.Spec failing = new ShardedIndexer.Spec("builtin:cranfield", null, root, 2,
        ShardAssignment.DOCID, Layout.FLAT, "porter", false, false, false, false, OnError.FAIL, 1, true, 1);
    ShardedIndexer.run(SparkTests.context(), failing);
    assertEquals(List.of("shard-00000", "shard-00001", ShardManifest.FILE), listing(root));
    assertEquals(localRun, search(root, BM25));
  }

  @Test
  void fileUrisGoThroughHadoopToo() throws IOException {
    String root = tmp.resolve("viaHadoop").toUri().toString(); // file:///...
    assertTrue(root.startsWith("file:/"));
    ShardedIndexer.run(SparkTests.context(), spec(root));
    assertTrue(ShardStore.of(root).isHadoop());
    assertEquals(localRun, search(root, BM25));
    assertFalse(Files.exists(tmp.resolve("viaHadoop").resolve(ShardStore.TEMPORARY)));
  }

  @Test
  void aSecondAttemptNeverLeavesASecondCopy() throws Exception {
    ShardStore store = ShardStore.of(hdfs + "/race");
    store.prepare(false);
    Path a = built("a", "first");
    Path b = built("b", "second");
    assertTrue(store.publish(0, a, "task-1"));
    assertFalse(store.publish(0, b, "task-2"), "the shard was already published");
    assertEquals(List.of("shard-00000"), listing(hdfs + "/race").stream()
        .filter(n -> !n.equals(ShardStore.TEMPORARY)).toList());
    assertEquals("first", store.read("shard-00000/x"));
    store.deleteTemporary();
    assertEquals(List.of("shard-00000"), listing(hdfs + "/race"));
    // speculative attempts racing: whatever the interleaving, exactly one publishes shard 1
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> f = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Path dir = built(1, "racer" + i, "copy " + i);
        String attempt = "task-" + (10 + i);
        f.add(pool.submit(() -> store.publish(1, dir, attempt)));
      }
      int won = 0;
      for (Future<Boolean> x : f) {
        won += x.get() ? 1 : 0;
      }
      assertEquals(1, won);
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of("x"), listing(hdfs + "/race/shard-00001"), "one copy, not one inside another");
    assertTrue(store.read("shard-00001/x").startsWith("copy "));
  }

  /** A one-file folder standing for a built shard. */
  Path built(String name, String content) throws IOException {
    return built(0, name, content);
  }

  Path built(int shard, String name, String content) throws IOException {
    Path dir = tmp.resolve("built-" + name).resolve(ShardManifest.shardName(shard));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("x"), content);
    return dir;
  }

  @Test
  void theCacheIsDownloadedOnceAndSharedByConcurrentTasks() throws Exception {
    String cache = System.getProperty(ShardStore.CACHE_PROPERTY);
    System.setProperty(ShardStore.CACHE_PROPERTY, tmp.resolve("fresh-cache").toString());
    try {
      downloadedOnce();
    } finally {
      System.setProperty(ShardStore.CACHE_PROPERTY, cache);
    }
  }

  void downloadedOnce() throws Exception {
    ShardStore store = ShardStore.of(shared);
    int before = ShardStore.DOWNLOADS.get();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Set<Path> dirs = new HashSet<>();
    try {
      List<Future<Path>> f = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        f.add(pool.submit(() -> store.localize(1)));
      }
      for (Future<Path> x : f) {
        dirs.add(x.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, dirs.size(), "every task opens the same cached copy");
    assertEquals(before + 1, ShardStore.DOWNLOADS.get(), "one download for 8 concurrent tasks");
    Path dir = dirs.iterator().next();
    assertTrue(Files.isRegularFile(dir.resolve("trawl-index.json")));
    assertEquals(dir, store.localize(1));
    assertEquals(before + 1, ShardStore.DOWNLOADS.get(), "reused");
    // a truncated cached copy is replaced
    Path seg = Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".cfs")
        || p.getFileName().toString().endsWith(".si")).findFirst().orElseThrow();
    Files.write(seg, new byte[1]);
    assertEquals(dir, store.localize(1));
    assertEquals(before + 2, ShardStore.DOWNLOADS.get());
  }

  @Test
  void aCorruptFileOnHdfsIsCaughtByItsChecksum() throws IOException {
    String root = hdfs + "/indexes/corrupt-2";
    ShardedIndexer.run(SparkTests.context(), spec(root));
    ShardStore store = ShardStore.of(root);
    ShardManifest.ShardInfo info = ShardManifest.ShardInfo.parse(
        store.read("shard-00000/" + ShardManifest.SHARD_FILE), "x");
    ShardManifest.FileSum victim = info.files().stream().filter(f -> f.bytes() > 16).findFirst().orElseThrow();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root + "/shard-00000/" + victim.name());
    byte[] bytes;
    try (var in = fs().open(p)) {
      bytes = in.readAllBytes();
    }
    bytes[bytes.length / 2] ^= 1;
    try (OutputStream out = fs().create(p, true)) {
      out.write(bytes);
    }
    TrawlException e = assertThrows(TrawlException.class, () -> store.localize(0));
    assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(victim.name()),
        e.getMessage());
    Path cache = tmp.resolve("cache");
    assertFalse(Files.exists(cache.resolve("shard-00000-" + ShardStore.digest(info))), "no cached copy");
    try (var s = Files.list(cache)) {
      assertTrue(s.noneMatch(x -> x.getFileName().toString().startsWith(".shard-")), "no half-copied folder left");
    }
    // a shard described without checksums (an older trawl-spark) is not copied unchecked
    try (OutputStream out = fs().create(new org.apache.hadoop.fs.Path(root + "/shard-00001/" + ShardManifest.SHARD_FILE), true)) {
      out.write("{\"shard\":1,\"shards\":2,\"shardBy\":\"docid\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    e = assertThrows(TrawlException.class, () -> store.localize(1));
    assertTrue(e.getMessage().contains("lists no file checksums") && e.getMessage().contains("rebuild"), e.getMessage());
  }

  @Test
  void dryRunsPrintThePlanAndTouchNothing() throws IOException {
    String root = hdfs + "/indexes/dry-3";
    String out = stdout("index", "--dry-run", "--shards", "3", "--collection", "beir", "--input",
        "builtin:cranfield", "--index", root);
    assertTrue(out.contains("shards: 3 = Spark tasks") && out.contains("shard-00002: built on the executor's local disk")
        && out.contains(root + "/shard-00002"), out);
    assertFalse(fs().exists(new org.apache.hadoop.fs.Path(root)), "a dry run writes nothing");
    out = stdout("search", "--dry-run", "--index", shared, "--topics", "cranfield", "-o", tmp.resolve("dry.run").toString());
    assertTrue(out.contains("2 shards") && out.contains("shard-00001: ") && out.contains("CRC32C checked"), out);
    assertFalse(Files.exists(tmp.resolve("dry.run")));
  }

  static String stdout(String... args) {
    java.io.PrintStream old = System.out;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
      code = TrawlSpark.commandLine().execute(args);
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }
}
