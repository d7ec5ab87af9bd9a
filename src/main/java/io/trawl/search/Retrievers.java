package io.trawl.search;

import io.trawl.core.Params;
import io.trawl.core.Registry;
import io.trawl.core.Spec;
import io.trawl.index.ImpactSimilarity;
import java.util.function.Function;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.LMDirichletSimilarity;
import org.apache.lucene.search.similarities.Similarity;

/**
 * The retriever registry: a spec such as {@code bm25(k1=0.9,b=0.4)} names a model and its
 * parameters; the factory validates them (unknown keys fail, listing the known ones) before any
 * index is opened. {@link Opener#spec()} is the canonical spec (every parameter with its effective
 * value, in the order below), which is also the retriever stage of a run's tag. Models:
 *
 * <ul>
 *   <li>{@code bm25(k1=0.9,b=0.4)}: Lucene {@link BM25Similarity} (Robertson et al.), with Lucene's
 *       one-byte length norm, Anserini's defaults.
 *   <li>{@code qld(mu=1000)}: query likelihood with Dirichlet smoothing (Zhai and Lafferty, 2001),
 *       Lucene {@link LMDirichletSimilarity}.
 *   <li>{@code rm3(fbTerms=10,fbDocs=10,originalQueryWeight=0.5,model=bm25,k1=0.9,b=0.4)}: BM25 + RM3
 *       ({@link Rm3Feedback}).
 *   <li>{@code rocchio(topFbTerms=10,topFbDocs=10,bottomFbTerms=10,bottomFbDocs=10,alpha=1,beta=0.75,gamma=0,useNegative=false,model=bm25,k1=0.9,b=0.4)}:
 *       BM25 + Rocchio ({@link RocchioFeedback}).
 *   <li>{@code impact}: learned sparse retrieval over an impact index ({@code trawl index
 *       --collection json-vector}), Anserini's {@code -impact}: the query's whitespace-separated
 *       tokens, a token repeated n times weighing n, score {@code sum_t n_q(t) x impact_d(t)}
 *       ({@link io.trawl.index.ImpactSimilarity}); exact top k on the eager block-max scorer
 *       (Lucene's pruned search where it does not apply).
 *       {@code impact(encoder=FOLDER,engine=auto|exact|onnxruntime)} encodes each query text with a
 *       SPLADE model first ({@link io.trawl.model.encoder.SpladeEncoder}: Anserini's quantised
 *       SPLADE++ query), so raw topics can be searched; the engine is in the spec because ONNX
 *       Runtime's weights may differ from the exact engine's in the last bits.
 * </ul>
 *
 * A feedback model scores both stages with one similarity, as Anserini's {@code SearchCollection}
 * does (its feedback rerankers search again with the searcher of the first stage): BM25 by
 * default, or query likelihood with {@code model=qld} ({@code -qld -rm3} in Anserini), e.g.
 * {@code rm3(fbTerms=10,fbDocs=10,originalQueryWeight=0.5,model=qld,mu=1000)}: the feedback
 * documents are weighted by their QL scores and the expanded query is scored by QL.
 */
public final class Retrievers {
  /** Opens a retriever over an index with search options; made by a registered factory. */
  public interface Opener {
    Retriever open(LuceneIndex index, SearchOptions options);

    /** The canonical spec with every parameter. */
    String spec();

    /**
     * Opens a retriever over one shard of a collection, scoring with the collection's statistics
     * (null: the index's own). Only models whose scores depend on nothing but those statistics
     * (bm25, qld) support shards.
     */
    default Retriever open(LuceneIndex index, SearchOptions options, SearchStatistics statistics) {
      if (statistics == null) {
        return open(index, options);
      }
      throw io.trawl.core.TrawlException.invalid("retriever " + spec()
          + " cannot search shards with collection-wide statistics; use bm25 or qld");
    }
  }

  /** Makes a retriever over an index, its options and (maybe null) collection statistics. */
  private interface ShardFactory {
    Retriever open(LuceneIndex index, SearchOptions options, SearchStatistics statistics);
  }

  private static final Registry<Opener> REGISTRY = new Registry<>("retriever");

  static {
    REGISTRY.register("bm25", Retrievers::bm25);
    REGISTRY.register("qld", Retrievers::qld);
    REGISTRY.register("rm3", Retrievers::rm3);
    REGISTRY.register("rocchio", Retrievers::rocchio);
    REGISTRY.register("impact", Retrievers::impact);
  }

  private Retrievers() {}

  public static Registry<Opener> registry() {
    return REGISTRY;
  }

  /** Parses and validates a spec string. */
  public static Opener parse(String spec) {
    Spec s = Spec.parse(spec);
    if (s.cutoff() != null) {
      throw io.trawl.core.TrawlException.invalid(
          "retriever spec '" + spec + "': give the depth with --hits, not @" + s.cutoff());
    }
    return REGISTRY.create(s);
  }

  /** Opens a retriever for {@code spec} over {@code index}. */
  public static Retriever open(String spec, LuceneIndex index, SearchOptions options) {
    return parse(spec).open(index, options);
  }

  private static Opener opener(String spec, Function<LuceneIndex, Function<SearchOptions, Retriever>> f) {
    return new Opener() {
      @Override
      public Retriever open(LuceneIndex index, SearchOptions options) {
        return f.apply(index).apply(options);
      }

      @Override
      public String spec() {
        return spec;
      }
    };
  }

  private static Opener shardable(String spec, ShardFactory f) {
    return new Opener() {
      @Override
      public Retriever open(LuceneIndex index, SearchOptions options) {
        return f.open(index, options, null);
      }

      @Override
      public Retriever open(LuceneIndex index, SearchOptions options, SearchStatistics statistics) {
        return f.open(index, options, statistics);
      }

      @Override
      public String spec() {
        return spec;
      }
    };
  }

  private static float positive(Params p, String key, double def, String owner) {
    double v = p.getDouble(key, def);
    if (!(v > 0)) {
      throw io.trawl.core.TrawlException.invalid(owner + ": " + key + " must be positive, got " + v);
    }
    return (float) v;
  }

  private static float bParam(Params p, String owner) {
    double b = p.getDouble("b", 0.4);
    if (!(b >= 0 && b <= 1)) {
      throw io.trawl.core.TrawlException.invalid(owner + ": b must be in [0, 1], got " + b);
    }
    return (float) b;
  }

  private static Opener bm25(Params p) {
    float k1 = positive(p, "k1", 0.9, "bm25");
    float b = bParam(p, "bm25");
    p.requireEmpty("bm25", "k1", "b");
    String spec = Spec.builder("bm25").put("k1", k1).put("b", b).toString();
    return shardable(spec, (idx, opts, st) -> new LexicalRetriever(idx, new BM25Similarity(k1, b), spec, opts, null, st));
  }

  private static Opener impact(Params p) {
    String encoder = p.getString("encoder", null);
    String engine = p.getString("engine", encoder == null ? null : "auto");
    p.requireEmpty("impact", "encoder", "engine");
    if (encoder == null) {
      if (engine != null) {
        throw io.trawl.core.TrawlException.invalid("impact: engine= needs encoder=");
      }
      String spec = Spec.builder("impact").toString();
      // scores depend on no collection statistics: a shard scores as the whole collection does
      return shardable(spec, (idx, opts, st) -> new LexicalRetriever(checkImpact(idx),
          new ImpactSimilarity(), spec, opts, null, null));
    }
    java.nio.file.Path folder = encoderFolder(encoder);
    if (!java.nio.file.Files.isDirectory(folder)) {
      throw new io.trawl.core.InputException(encoder, "impact: SPLADE encoder folder not found");
    }
    if (!java.util.List.of("auto", "exact", "onnxruntime").contains(engine)) {
      throw io.trawl.core.TrawlException.invalid("impact: unknown engine '" + engine
          + "'; valid: auto, exact, onnxruntime");
    }
    String resolved = engine.equals("auto")
        ? (java.nio.file.Files.isRegularFile(folder.resolve("model.safetensors")) ? "exact" : "onnxruntime")
        : engine;
    String spec = Spec.builder("impact").put("encoder", "path:" + folder).put("engine", resolved).toString();
    return shardable(spec, (idx, opts, st) -> {
      LexicalRetriever inner = new LexicalRetriever(checkImpact(idx), new ImpactSimilarity(), spec,
          opts, null, null);
      return new EncodedQueryRetriever(inner, io.trawl.model.encoder.SpladeEncoder.open(folder, resolved));
    });
  }

  /** An encoder folder as given, or as the canonical spec names it ({@code path:/absolute/folder}). */
  private static java.nio.file.Path encoderFolder(String encoder) {
    String given = encoder.startsWith("path:") ? encoder.substring("path:".length()) : encoder;
    return java.nio.file.Path.of(given).toAbsolutePath().normalize();
  }

  /**
   * The SPLADE query encoder a retriever spec names ({@code impact(encoder=DIR,engine=E)}), opened;
   * null for any spec without one. For callers that encode queries once and search elsewhere
   * (Spark shards).
   */
  public static io.trawl.model.encoder.SpladeEncoder queryEncoder(String spec) {
    Spec s = Spec.parse(spec);
    String encoder = s.params().get("encoder");
    if (!s.name().equals("impact") || encoder == null) {
      return null;
    }
    return io.trawl.model.encoder.SpladeEncoder.open(encoderFolder(encoder),
        s.params().getOrDefault("engine", "auto"));
  }

  private static LuceneIndex checkImpact(LuceneIndex idx) {
    if (!idx.impact()) {
      throw io.trawl.core.TrawlException.invalid("retriever impact needs an impact index (trawl index"
          + " --collection json-vector); " + idx.path() + " is not one");
    }
    return idx;
  }

  private static Opener qld(Params p) {
    float mu = positive(p, "mu", 1000, "qld");
    p.requireEmpty("qld", "mu");
    String spec = Spec.builder("qld").put("mu", mu).toString();
    return shardable(spec, (idx, opts, st) -> new LexicalRetriever(idx, new LMDirichletSimilarity(mu), spec, opts, null, st));
  }

  /**
   * The similarity of a feedback model's two stages: {@code model=bm25} (k1, b) or {@code qld} (mu);
   * {@code canonical} adds its parameters to the feedback model's spec.
   */
  private record Stages(Similarity similarity, java.util.function.Consumer<Spec.Builder> canonical,
      String[] keys) {}

  private static Stages stages(Params p, String owner) {
    String model = p.getString("model", "bm25");
    switch (model) {
      case "bm25" -> {
        float k1 = positive(p, "k1", 0.9, owner);
        float b = bParam(p, owner);
        return new Stages(new BM25Similarity(k1, b),
            sb -> sb.put("model", "bm25").put("k1", k1).put("b", b), new String[] {"model", "k1", "b"});
      }
      case "qld" -> {
        float mu = positive(p, "mu", 1000, owner);
        return new Stages(new LMDirichletSimilarity(mu), sb -> sb.put("model", "qld").put("mu", mu),
            new String[] {"model", "mu"});
      }
      default -> throw io.trawl.core.TrawlException.invalid(owner + ": unknown model '" + model
          + "'; valid: bm25, qld");
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Opener rm3(Params p) {
    int fbTerms = p.getInt("fbTerms", 10);
    int fbDocs = p.getInt("fbDocs", 10);
    float w = (float) p.getDouble("originalQueryWeight", 0.5);
    Stages st = stages(p, "rm3");
    p.requireEmpty("rm3", concat(new String[] {"fbTerms", "fbDocs", "originalQueryWeight"}, st.keys()));
    Spec.Builder sb = Spec.builder("rm3").put("fbTerms", fbTerms).put("fbDocs", fbDocs)
        .put("originalQueryWeight", w);
    st.canonical().accept(sb);
    String spec = sb.toString();
    Rm3Feedback fb = new Rm3Feedback(fbTerms, fbDocs, w, spec);
    return opener(spec, idx -> opts -> new LexicalRetriever(idx, st.similarity(), spec, opts, fb));
  }

  private static Opener rocchio(Params p) {
    int topFbTerms = p.getInt("topFbTerms", 10);
    int topFbDocs = p.getInt("topFbDocs", 10);
    int bottomFbTerms = p.getInt("bottomFbTerms", 10);
    int bottomFbDocs = p.getInt("bottomFbDocs", 10);
    float alpha = (float) p.getDouble("alpha", 1.0);
    float beta = (float) p.getDouble("beta", 0.75);
    float gamma = (float) p.getDouble("gamma", 0.0);
    boolean useNegative = p.getBoolean("useNegative", false);
    Stages st = stages(p, "rocchio");
    p.requireEmpty("rocchio", concat(new String[] {"topFbTerms", "topFbDocs", "bottomFbTerms",
        "bottomFbDocs", "alpha", "beta", "gamma", "useNegative"}, st.keys()));
    Spec.Builder sb = Spec.builder("rocchio").put("topFbTerms", topFbTerms).put("topFbDocs", topFbDocs)
        .put("bottomFbTerms", bottomFbTerms).put("bottomFbDocs", bottomFbDocs).put("alpha", alpha)
        .put("beta", beta).put("gamma", useNegative ? gamma : 0f).put("useNegative", useNegative);
    st.canonical().accept(sb);
    String spec = sb.toString();
    RocchioFeedback fb = new RocchioFeedback(topFbTerms, topFbDocs, bottomFbTerms, bottomFbDocs,
        alpha, beta, gamma, useNegative, spec);
    return opener(spec, idx -> opts -> new LexicalRetriever(idx, st.similarity(), spec, opts, fb));
  }
}
