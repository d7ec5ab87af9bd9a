package io.trawl.spark;

import io.trawl.core.TrawlException;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.OnError;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Builds a sharded index with Spark: one task per shard, each running the ordinary
 * {@link Indexer} over its documents ({@link ShardCorpus}), so a shard is an ordinary Trawl index
 * (same analyzer, fields, metadata) that {@code trawl search} could also open on its own. A failed
 * task is simply rerun: the indexer builds in a hidden folder and renames it into place.
 *
 * <p>The shards live in a {@link ShardStore}: a local folder every executor and the driver see at
 * the same path (local mode; NFS or similar on a cluster), or a Hadoop file system ({@code
 * hdfs://}, {@code s3a://}), where each task builds its shard on local disk and publishes it with
 * one rename (see docs/spark.md).
 */
public final class ShardedIndexer {

  /** What to index; everything an executor needs, serializable. */
  public record Spec(String input, String format, String index, int shards, ShardAssignment shardBy,
      Layout layout, String stemmer, boolean keepStopwords, boolean storePositions,
      boolean storeDocvectors, boolean storeRaw, OnError onError, int threadsPerShard, boolean force,
      int failFirstAttemptOfShard) implements Serializable {}

  private ShardedIndexer() {}

  /** A checked job: the spec with absolute input and canonical format, and the input's files. */
  private record Checked(Spec spec, ShardStore index, List<String> files) {}

  /** Every check that needs no Spark and writes nothing (also {@code --dry-run}'s). */
  private static Checked check(Spec spec) {
    if (spec.shards() < 1 || spec.shards() > 99999) {
      throw TrawlException.invalid("--shards must be between 1 and 99999, got " + spec.shards());
    }
    ShardStore index = ShardStore.of(spec.index());
    Corpus corpus = Corpora.forInput(spec.format(), spec.input());
    if (spec.layout() == Layout.MULTIFIELD && !corpus.hasTitles()) {
      throw TrawlException.invalid("layout multifield needs a corpus format with titles (beir); "
          + corpus.format() + " has none");
    }
    String input = BuiltinCollections.isBuiltin(spec.input()) ? spec.input()
        : Path.of(spec.input()).toAbsolutePath().normalize().toString();
    List<String> files;
    try (CorpusReader r = corpus.read(input, OnError.FAIL)) {
      files = r.files();
    }
    if (spec.shardBy() == ShardAssignment.FILE && files.size() < spec.shards()) {
      throw TrawlException.invalid("--shard-by file needs at least as many input files as shards: "
          + files.size() + " file(s), " + spec.shards() + " shards");
    }
    Spec s = new Spec(input, corpus.format(), index.root(), spec.shards(), spec.shardBy(), spec.layout(),
        spec.stemmer(), spec.keepStopwords(), spec.storePositions(), spec.storeDocvectors(),
        spec.storeRaw(), spec.onError(), spec.threadsPerShard(), true, spec.failFirstAttemptOfShard());
    return new Checked(s, index, files);
  }

  /**
   * What {@link #run} would do, without Spark and without reading documents or writing anything:
   * the shards (= Spark tasks), how documents are assigned, and where each shard is built and
   * published. Lists the input's files only.
   */
  public static List<String> plan(Spec spec) {
    Checked c = check(spec);
    Spec s = c.spec();
    List<String> lines = new ArrayList<>();
    lines.add("input: " + s.input() + " (" + s.format() + ", " + c.files().size() + " file(s))");
    lines.add("shards: " + s.shards() + " = Spark tasks (one partition each), " + s.threadsPerShard()
        + " indexing thread(s) per task; assignment " + s.shardBy() + ": "
        + (s.shardBy() == ShardAssignment.DOCID ? ShardManifest.HASH.replace("shards", String.valueOf(s.shards()))
            : "sorted file i -> shard i mod " + s.shards()));
    lines.add("shard root: " + c.index() + (c.index().isHadoop()
        ? " (Hadoop FileSystem: each task builds on its executor's local disk, uploads, renames)"
        : " (a folder every executor sees at this path)"));
    for (int i = 0; i < s.shards(); i++) {
      String line = c.index().plan(i);
      if (s.shardBy() == ShardAssignment.FILE) {
        int n = 0;
        String first = null;
        for (int f = i; f < c.files().size(); f += s.shards()) {
          n++;
          first = first == null ? c.files().get(f) : first;
        }
        line += "; " + n + " file(s), first " + first;
      }
      lines.add(line);
    }
    lines.add("manifest: " + c.index().where(ShardManifest.FILE) + " (written by the driver at the end)");
    return lines;
  }

  public static ShardManifest run(JavaSparkContext sc, Spec spec) {
    Checked c = check(spec);
    Spec s = c.spec();
    ShardStore index = c.index();
    List<String> files = c.files();
    index.prepare(spec.force());
    long t0 = System.nanoTime();
    List<Integer> ids = IntStream.range(0, s.shards()).boxed().toList();
    List<String> metas;
    try {
      metas = sc.parallelize(ids, s.shards()).map(i -> buildShard(s, i, files)).collect();
    } finally {
      index.deleteTemporary(); // uploads of failed or killed attempts
    }
    double seconds = Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
    if (metas.size() != s.shards()) {
      throw new IllegalStateException("expected " + s.shards() + " shard results, got " + metas.size());
    }
    List<Long> docs = new ArrayList<>();
    String analyzer = null;
    try {
      for (int i = 0; i < s.shards(); i++) {
        IndexMetadata m = ShardManifest.shardMetadata(index, i);
        docs.add(m.documents());
        analyzer = m.analyzer();
      }
      ShardManifest manifest = new ShardManifest(ShardManifest.SCHEMA, s.shards(), s.shardBy().toString(),
          s.shardBy() == ShardAssignment.DOCID ? ShardManifest.HASH : "file i -> shard i mod shards",
          s.input(), s.format(), s.layout().toString(), analyzer,
          docs.stream().mapToLong(Long::longValue).sum(), docs, seconds);
      manifest.write(index);
      return ShardManifest.open(index, s.shards());
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, index + ": cannot write manifest: " + e.getMessage(), e);
    }
  }

  /** Runs on an executor: builds shard {@code shard} and returns its metadata as JSON. */
  static String buildShard(Spec s, int shard, List<String> files) throws IOException {
    TaskContext tc = TaskContext.get();
    if (tc != null && tc.attemptNumber() == 0 && shard == s.failFirstAttemptOfShard()) {
      throw new IllegalStateException("test hook: first attempt of shard " + shard + " fails");
    }
    Corpus corpus = new ShardCorpus(Corpora.forInput(s.format(), s.input()), s.shardBy(), shard,
        s.shards(), files);
    ShardStore store = ShardStore.of(s.index());
    Path dir = store.buildDir(shard);
    Indexer.Result r;
    try {
      Indexer.Options o = new Indexer.Options()
          .corpus(corpus, s.input())
          .index(dir)
          .layout(s.layout())
          .threads(s.threadsPerShard())
          .stemmer(s.stemmer())
          .keepStopwords(s.keepStopwords())
          .storePositions(s.storePositions())
          .storeDocvectors(s.storeDocvectors())
          .storeRaw(s.storeRaw())
          .onError(s.onError())
          .force(true);
      r = new Indexer(o).run();
      ShardManifest.writeShardInfo(dir, shard, s.shards(), s.shardBy().toString());
      store.publish(shard, dir, tc == null ? "driver" : "task-" + tc.taskAttemptId());
    } finally {
      if (store.isHadoop()) {
        ShardStore.deleteTree(dir.getParent(), true); // the local staging folder
      }
    }
    return r.metadata().toJson();
  }
}
