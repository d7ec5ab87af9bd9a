package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Query;
import io.trawl.core.TrawlException;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.OnError;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import io.trawl.search.SearchRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SciFact (BEIR flat, BM25 k1=0.9 b=0.4, -removeQuery, top 1000, 300 test queries): a 3-shard index
 * searched with collection-wide statistics gives the single index's run byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedSearchTest {
  static final String BM25 = "bm25(k1=0.9,b=0.4)";

  @TempDir static Path tmp;
  Path corpus;
  Path single;
  Path sharded;
  List<Query> topics;
  String singleRun;

  @BeforeAll
  void build() throws IOException {
    corpus = SparkTests.sharedData("beir-scifact/corpus.jsonl");
    topics = Topics.read(SparkTests.sharedData("beir-scifact/topics.test.tsv").toString());
    single = tmp.resolve("single");
    new Indexer(new Indexer.Options().corpus(Corpora.get("beir"), corpus.toString()).index(single)
        .threads(2)).run();
    sharded = tmp.resolve("sharded");
    ShardedIndexer.run(SparkTests.context(), indexSpec(sharded, 3, ShardAssignment.DOCID, -1));
    singleRun = singleRun(BM25, tmp.resolve("single.run"));
  }

  ShardedIndexer.Spec indexSpec(Path index, int shards, ShardAssignment by, int failShard) {
    return new ShardedIndexer.Spec(corpus.toString(), "beir", index.toString(), shards, by, Layout.FLAT,
        "porter", false, false, false, true, OnError.FAIL, 1, true, failShard);
  }

  String singleRun(String spec, Path out) throws IOException {
    try (LuceneIndex idx = LuceneIndex.open(single, null);
        Retriever r = Retrievers.open(spec, idx, new SearchOptions(idx.defaultFields(), true));
        RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
      SearchRun.run(r, topics, 1000, w, 2, null);
      w.commit();
    }
    return Files.readString(out);
  }

  String shardedRun(Path index, String spec, int failShard, Path out) throws IOException {
    JavaSparkContext sc = SparkTests.context();
    String canonical = Retrievers.parse(spec).spec();
    try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, canonical)) {
      ShardedSearch.run(sc, new ShardedSearch.Spec(index.toString(), canonical, null, true, 1000, failShard), topics, w);
      w.commit();
    }
    return Files.readString(out);
  }

  @Test
  void shardsHoldTheCorpusOnceWithTheSameAnalyzer() {
    ShardManifest m = ShardManifest.open(sharded, 3);
    IndexMetadata one = IndexMetadata.read(single);
    assertEquals(one.documents(), m.documents());
    assertEquals(one.analyzer(), m.analyzer());
    long sum = 0;
    long terms = 0;
    for (int i = 0; i < 3; i++) {
      IndexMetadata s = IndexMetadata.read(ShardManifest.shardDir(sharded, i));
      sum += s.documents();
      terms += s.totalTerms();
      assertTrue(s.documents() > one.documents() / 6, "shard " + i + " is badly unbalanced: " + s.documents());
    }
    assertEquals(one.documents(), sum);
    assertEquals(one.totalTerms(), terms);
  }

  @Test
  void bm25OverShardsEqualsTheSingleIndexRun() throws IOException {
    String run = shardedRun(sharded, BM25, -1, tmp.resolve("sharded.run"));
    assertEquals(singleRun.lines().count(), run.lines().count());
    assertEquals(singleRun, run);
  }

  @Test
  void qldOverShardsEqualsTheSingleIndexRun() throws IOException {
    String one = singleRun("qld(mu=1000)", tmp.resolve("single-qld.run"));
    assertEquals(one, shardedRun(sharded, "qld(mu=1000)", -1, tmp.resolve("sharded-qld.run")));
  }

  @Test
  void withoutGlobalStatisticsTheShardsScoreDifferently() throws IOException {
    // the control: a shard searched with its own statistics gives other scores for the same docs
    try (LuceneIndex shard = LuceneIndex.open(ShardManifest.shardDir(sharded, 0), null);
        LuceneIndex whole = LuceneIndex.open(single, null);
        Retriever local = Retrievers.open(BM25, shard, new SearchOptions(shard.defaultFields(), false));
        Retriever global = Retrievers.open(BM25, whole, new SearchOptions(whole.defaultFields(), false))) {
      Query q = topics.get(0);
      var l = ((io.trawl.search.LexicalRetriever) local).retrieveUnrounded(q, 1);
      var g = ((io.trawl.search.LexicalRetriever) global).retrieveUnrounded(q, 5000);
      double inWhole = g.candidates().stream().filter(c -> c.docId().equals(l.get(0).docId()))
          .findFirst().orElseThrow().score();
      assertNotEquals(inWhole, l.get(0).score());
    }
  }

  @Test
  void aTaskFailingOnceIsRetriedWithoutDuplicatesOrGaps() throws IOException {
    String run = shardedRun(sharded, BM25, 1, tmp.resolve("retried.run"));
    assertEquals(singleRun, run);
  }

  @Test
  void anIndexingTaskFailingOnceIsRetriedAndFileShardingAlsoMatches() throws IOException {
    // SciFact is one file, so file sharding needs one shard; the retried task rebuilds it
    Path idx = tmp.resolve("by-file");
    ShardedIndexer.run(SparkTests.context(), indexSpec(idx, 1, ShardAssignment.FILE, 0));
    assertEquals(singleRun, shardedRun(idx, BM25, -1, tmp.resolve("by-file.run")));
    Path retried = tmp.resolve("retried-index");
    ShardedIndexer.run(SparkTests.context(), indexSpec(retried, 2, ShardAssignment.DOCID, 1));
    assertEquals(singleRun, shardedRun(retried, BM25, -1, tmp.resolve("retried-index.run")));
  }

  @Test
  void feedbackModelsAreRefused() {
    TrawlException e = assertThrows(TrawlException.class, () -> shardedRun(sharded,
        "rm3", -1, tmp.resolve("rm3.run")));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("bm25 or qld"), e.getMessage());
  }
}
