package io.trawl.spark;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.io.RunWriter;
import io.trawl.search.LexicalRetriever;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.index.Term;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * BM25 (or QL) over a sharded index with the collection's statistics, in two Spark stages (the
 * distributed-frequency scheme of Elasticsearch's DFS query-then-fetch):
 *
 * <ol>
 *   <li>every shard reports, for the analyzed terms of all queries, its {@code docFreq} and
 *       {@code totalTermFreq} and its fields' {@code docCount}, {@code sumTotalTermFreq},
 *       {@code sumDocFreq}; the driver sums them ({@link ShardStatistics}) and broadcasts the sums;
 *   <li>every shard runs each query with those sums in place of its own statistics
 *       ({@link io.trawl.search.SearchStatistics}) and returns its unrounded top k per query; the
 *       driver merges them per query by (score, docid) ({@link Ranking#merge}) as they arrive.
 * </ol>
 *
 * <p>The driver then applies Anserini's rounding and tie nudges and {@code --remove-query} exactly
 * as {@code trawl search} does ({@link LexicalRetriever#finish}). Because a document's BM25 score
 * depends only on its own length norm and term frequencies and on those statistics, and the
 * per-shard top k (with Lucene's exact pruning and the docid tie-break at the cut) contains the
 * global top k's members of that shard, the run equals the single-index run line for line.
 *
 * <p>Shards on a Hadoop file system are copied once into each executor's local shard cache
 * ({@link ShardStore#localize}) and opened from there with Lucene's {@code MMapDirectory}.
 */
public final class ShardedSearch {

  /** What to search; serializable for the executors. */
  public record Spec(String index, String retriever, Map<String, Float> fields, boolean removeQuery,
      int hits, int failFirstAttemptOfShard) implements Serializable {}

  /** What a search did. */
  public record Summary(int queries, long lines, int shards, int terms, double seconds) {}

  private ShardedSearch() {}

  public static Summary run(JavaSparkContext sc, Spec spec, List<Query> topics, RunWriter out) {
    if (spec.hits() <= 0) {
      throw TrawlException.invalid("--hits must be positive, got " + spec.hits());
    }
    ShardStore index = ShardStore.of(spec.index());
    ShardManifest m = ShardManifest.open(index, 0);
    Retrievers.Opener opener = Retrievers.parse(spec.retriever());
    String shardRetriever = opener.spec();
    // learned sparse from raw text: each query is encoded once, here, by the SPLADE model; the
    // shards search the encoded queries with the plain impact retriever (the same query the
    // single-index retriever builds)
    try (io.trawl.model.encoder.SpladeEncoder enc = Retrievers.queryEncoder(opener.spec())) {
      if (enc != null) {
        List<Query> encoded = new java.util.ArrayList<>(topics.size());
        for (Query q : topics) {
          encoded.add(new Query(q.id(), enc.pseudoDocument(q.text())));
        }
        topics = encoded;
        shardRetriever = "impact";
      }
    }
    Spec s = new Spec(index.root(), shardRetriever, spec.fields(), spec.removeQuery(), spec.hits(),
        spec.failFirstAttemptOfShard());
    // fail on the driver, before any task, for models that cannot use collection statistics
    // (shard 0 of a Hadoop root is copied into the driver's shard cache for this)
    try (LuceneIndex idx = LuceneIndex.open(index.localize(0), null)) {
      open(s, idx, new ShardStatistics()).close();
    }
    long t0 = System.nanoTime();
    List<Integer> shards = IntStream.range(0, m.shards()).boxed().toList();
    Broadcast<List<Topic>> queries = sc.broadcast(Topic.of(topics));
    ShardStatistics stats = sc.parallelize(shards, m.shards())
        .map(i -> shardStatistics(s, i, queries.value()))
        .reduce(ShardStatistics::plus);
    Broadcast<ShardStatistics> global = sc.broadcast(stats);
    int k = s.hits();
    // the shards' rankings are merged per query as their tasks finish (Spark's reduce combines task
    // results on the driver); measured 2x faster than a reduceByKey shuffle at k = 1000
    Map<String, Ranking> merged = sc.parallelize(shards, m.shards())
        .map(i -> byQuery(searchShard(s, i, queries.value(), global.value())))
        .reduce((a, b) -> mergeByQuery(a, b, k));
    long lines = 0;
    for (Query q : topics) {
      Ranking r = merged.get(q.id());
      if (r == null) {
        continue;
      }
      RankedList list = LexicalRetriever.finish(q.id(), r.ids.clone(), r.scores.clone(), r.size(),
          s.removeQuery());
      out.write(list);
      lines += list.size();
    }
    return new Summary(topics.size(), lines, m.shards(), stats.termCount(),
        (System.nanoTime() - t0) / 1e9);
  }

  private static HashMap<String, Ranking> byQuery(List<Tuple2<String, Ranking>> list) {
    HashMap<String, Ranking> m = new HashMap<>(list.size() * 2);
    for (Tuple2<String, Ranking> t : list) {
      m.put(t._1(), t._2());
    }
    return m;
  }

  static HashMap<String, Ranking> mergeByQuery(HashMap<String, Ranking> a, HashMap<String, Ranking> b,
      int k) {
    HashMap<String, Ranking> out = new HashMap<>(a);
    b.forEach((q, r) -> out.merge(q, r, (x, y) -> Ranking.merge(x, y, k)));
    return out;
  }

  private static LexicalRetriever open(Spec s, LuceneIndex idx, ShardStatistics stats) {
    SearchOptions opts = new SearchOptions(s.fields() != null ? s.fields() : idx.defaultFields(),
        s.removeQuery());
    Retriever r = Retrievers.parse(s.retriever()).open(idx, opts, stats);
    if (!(r instanceof LexicalRetriever lr)) {
      throw TrawlException.invalid(s.retriever() + " is not a lexical retriever");
    }
    return lr;
  }

  /** Stage 1, on an executor: one shard's statistics for every query term. */
  static ShardStatistics shardStatistics(Spec s, int shard, List<Topic> queries) throws Exception {
    try (LuceneIndex idx = LuceneIndex.open(ShardStore.of(s.index()).localize(shard), null)) {
      LexicalRetriever r = open(s, idx, null);
      Set<Term> terms = new HashSet<>();
      for (Topic t : queries) {
        terms.addAll(r.queryTerms(t.query()));
      }
      return ShardStatistics.of(idx.reader(), terms);
    }
  }

  /** Stage 2, on an executor: one shard's unrounded top k for every query. */
  static List<Tuple2<String, Ranking>> searchShard(Spec s, int shard, List<Topic> queries,
      ShardStatistics stats) throws Exception {
    TaskContext tc = TaskContext.get();
    if (tc != null && tc.attemptNumber() == 0 && shard == s.failFirstAttemptOfShard()) {
      throw new IllegalStateException("test hook: first attempt of shard " + shard + " fails");
    }
    List<Tuple2<String, Ranking>> out = new ArrayList<>(queries.size());
    try (LuceneIndex idx = LuceneIndex.open(ShardStore.of(s.index()).localize(shard), null)) {
      LexicalRetriever r = open(s, idx, stats);
      for (Topic t : queries) {
        Query q = t.query();
        RankedList list = r.retrieveUnrounded(q, s.hits());
        if (list.size() > 0) {
          out.add(new Tuple2<>(q.id(), Ranking.of(list)));
        }
      }
    }
    return out;
  }
}
