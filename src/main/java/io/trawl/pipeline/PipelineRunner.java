package io.trawl.pipeline;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Registry;
import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.eval.fusion.Fusion;
import io.trawl.model.encoder.EncoderOptions;
import io.trawl.rerank.IndexDocTexts;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.registry.Rerankers;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import io.trawl.search.dense.DenseSearcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a {@link Pipeline} over topics: the first stage retrieves (from a Lucene index) or reads a
 * list per query from a file; each reranker stage reranks the top {@code @k} of what it receives
 * and passes only those on. Candidates without text get it from the index's stored raw document
 * before the first reranker.
 *
 * <p>The run's tag is the composition of what the components state: each stage as its instantiated
 * retriever or reranker gives its canonical spec ({@link Retriever#spec()}, {@link Reranker#spec()}:
 * every parameter that decides the result, defaults included), with the stage's effective depth as
 * {@code @k}. So {@code bm25@100}, {@code bm25(b=0.40,k1=0.90)@100} and {@code trawl search --hits
 * 100} all tag {@code bm25(k1=0.9,b=0.4)@100}, and the tag, run as a pipeline, repeats the run.
 */
public final class PipelineRunner {
  /** Hits of a retriever stage without {@code @k} (Anserini's default). */
  public static final int DEFAULT_HITS = 1000;

  /**
   * Where the stages find their inputs.
   *
   * @param index the Lucene index (null when the pipeline needs none)
   * @param fields fields searched by retriever stages with their weights; null = the index's
   *     default (from its layout: multifield searches title and contents)
   * @param removeQuery drop a hit whose docid equals the query id (BEIR)
   * @param threads query threads for retrieval
   * @param progress where reranking stages report progress (null: nowhere)
   * @param mode how progress shows ({@link io.trawl.core.Progress})
   */
  public record Context(Path index, Map<String, Float> fields, boolean removeQuery, int threads,
      java.io.PrintWriter progress, io.trawl.core.Progress.Mode mode) {
    public Context {
      fields = fields == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
      threads = Math.max(1, threads);
    }

    /** Without progress. */
    public Context(Path index, Map<String, Float> fields, boolean removeQuery, int threads) {
      this(index, fields, removeQuery, threads, null, io.trawl.core.Progress.Mode.OFF);
    }
  }

  private PipelineRunner() {}

  /**
   * Checks stage names against the retriever and reranker registries, and a retriever's
   * parameters (cheap: no index is opened). Reranker parameters are checked when the reranker is
   * made, since that loads its model.
   */
  public static void check(Pipeline pipeline) {
    pipeline.check(Retrievers.registry(), Rerankers.registry());
    Spec s = pipeline.source();
    if (Pipeline.isFuse(s)) {
      Fusion.parse(Pipeline.fuseMethod(s));
      for (Pipeline p : Pipeline.fuseInputs(s)) {
        check(p);
      }
    } else if (!Pipeline.SOURCES.contains(s.name().toLowerCase(java.util.Locale.ROOT))) {
      Retrievers.parse(retrieverModel(s).toString());
    }
  }

  /**
   * Whether running this pipeline needs a Lucene index: a lexical retriever anywhere (fuse inputs
   * included); a dense or file source followed by rerankers gets texts from it when it can.
   */
  public static boolean needsIndex(Pipeline pipeline) {
    Spec s = pipeline.source();
    if (Pipeline.isFuse(s)) {
      return Pipeline.fuseInputs(s).stream().anyMatch(PipelineRunner::needsIndex);
    }
    return !Pipeline.SOURCES.contains(s.name().toLowerCase(java.util.Locale.ROOT))
        && !s.params().containsKey(Pipeline.INDEX);
  }

  /** A retriever stage's model spec: its parameters less the stage's own {@code index=}. */
  private static Spec retrieverModel(Spec source) {
    Map<String, String> params = new LinkedHashMap<>(source.params());
    params.remove(Pipeline.INDEX);
    return new Spec(source.name(), params, null);
  }

  /** Runs the pipeline over the queries; lists come back in query order. */
  public static Run run(Pipeline pipeline, List<Query> queries, Context ctx) {
    return execute(pipeline, queries, ctx).run();
  }

  /**
   * A pipeline's run and the settings of its rerankers that decide how, not what, they compute
   * (engine, threads, batch: {@link Reranker#settings()}), by stage ({@code "stage 2: embed"}), for
   * the run's metadata.
   */
  public record Result(Run run, Map<String, Object> settings) {}

  /** Runs the pipeline; see {@link Result}. */
  public static Result execute(Pipeline pipeline, List<Query> queries, Context ctx) {
    Map<String, Object> settings = new LinkedHashMap<>();
    Run run = run(pipeline, queries, ctx, Rerankers.registry(), settings, "");
    return new Result(run, settings);
  }

  /** Runs the pipeline with rerankers from {@code rerankers} (tests use their own registry). */
  static Run run(Pipeline pipeline, List<Query> queries, Context ctx, Registry<Reranker> rerankers) {
    return run(pipeline, queries, ctx, rerankers, new LinkedHashMap<>(), "");
  }

  private static Run run(Pipeline pipeline, List<Query> queries, Context ctx, Registry<Reranker> rerankers,
      Map<String, Object> settings, String prefix) {
    pipeline.check(Retrievers.registry(), rerankers);
    LuceneIndex index = null;
    try {
      if (ctx.index() != null) {
        index = LuceneIndex.open(ctx.index(), null);
      }
      List<Spec> canonical = new ArrayList<>(); // each stage as its component states it
      Stage stage = firstStage(pipeline.source(), queries, ctx, index, rerankers, settings, prefix);
      canonical.add(stage.canonical());
      List<RankedList> lists = stage.lists();
      if (!pipeline.rerankers().isEmpty()) {
        lists = withTexts(lists, index, pipeline.source());
      }
      Integer depth = stage.canonical().cutoff();
      int number = 1;
      for (Spec s : pipeline.rerankers()) {
        number++;
        stage = rerank(s, depth, queries, lists, rerankers, settings, prefix + "stage " + number, ctx);
        canonical.add(stage.canonical());
        lists = stage.lists();
        depth = stage.canonical().cutoff();
      }
      Map<String, RankedList> byQuery = new LinkedHashMap<>();
      for (RankedList l : lists) {
        byQuery.put(l.queryId(), l);
      }
      return new Run(new Pipeline(canonical).tag(), byQuery);
    } finally {
      if (index != null) {
        index.close();
      }
    }
  }

  /**
   * What a stage gave: its lists and its canonical spec, with the effective {@code @k} (the depth
   * of its lists; none when unknown, as for a file source without {@code @k}).
   */
  private record Stage(Spec canonical, List<RankedList> lists) {}

  private static Stage firstStage(Spec source, List<Query> queries, Context ctx, LuceneIndex index,
      Registry<Reranker> rerankers, Map<String, Object> settings, String prefix) {
    if (Pipeline.isFuse(source)) {
      return fuse(source, queries, ctx, rerankers, settings, prefix);
    }
    if (source.name().equalsIgnoreCase(Pipeline.DENSE)) {
      return dense(source, queries, ctx);
    }
    if (Pipeline.FILE_SOURCES.contains(source.name().toLowerCase(java.util.Locale.ROOT))) {
      Spec canonical = Spec.builder(source.name().toLowerCase(java.util.Locale.ROOT))
          .put("file", source.params().get("file")).put("format", source.params().get("format")).build()
          .withCutoff(source.cutoff());
      return new Stage(canonical, FileSources.read(source, queries));
    }
    String own = source.params().get(Pipeline.INDEX);
    if (own != null) { // a retriever over its own index, e.g. impact(index=DIR) beside bm25 in fuse(...)
      try (LuceneIndex idx = LuceneIndex.open(Path.of(own), null)) {
        return retrieve(source, queries, ctx, idx, idx.defaultFields(), own);
      }
    }
    if (index == null) {
      throw TrawlException.invalid("pipeline stage '" + source + "' retrieves from an index: give --index"
          + " (or index=DIR in the stage)");
    }
    return retrieve(source, queries, ctx, index, ctx.fields() != null ? ctx.fields() : index.defaultFields(), null);
  }

  /**
   * A retriever stage over {@code index}. Canonical: the retriever's spec, with {@code index=DIR}
   * first when the stage names its own index.
   */
  private static Stage retrieve(Spec source, List<Query> queries, Context ctx, LuceneIndex index,
      Map<String, Float> fields, String own) {
    int k = source.cutoff() != null ? source.cutoff() : DEFAULT_HITS;
    SearchOptions search = new SearchOptions(fields, ctx.removeQuery());
    try (Retriever retriever = Retrievers.open(retrieverModel(source).toString(), index, search)) {
      Spec spec = Spec.parse(retriever.spec());
      if (own != null) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put(Pipeline.INDEX, own);
        params.putAll(spec.params());
        spec = new Spec(spec.name(), params, null);
      }
      return new Stage(spec.withCutoff(k), retrieveAll(retriever, queries, k, ctx.threads()));
    }
  }

  /**
   * A dense index searched with its own encoder (or a named one of the same family): HNSW with
   * {@code ef} (0 = the default, 2k) or exact search ({@code exact=true}, and always for a flat
   * index). Canonical: {@code dense(index=DIR,encoder=NAME,max-length=N,exact=BOOL,ef=N)@k} with
   * the effective values ({@code ef} only for HNSW search; {@code max-length} 0 = the model's).
   */
  private static Stage dense(Spec source, List<Query> queries, Context ctx) {
    int k = source.cutoff() != null ? source.cutoff() : DEFAULT_HITS;
    io.trawl.core.Params p = new io.trawl.core.Params(source.params());
    String dir = p.getString("index", null);
    String encoder = p.getString("encoder", null);
    boolean exact = p.getBoolean("exact", false);
    int ef = p.getInt("ef", 0);
    int maxLength = p.getInt("max-length", 0);
    p.requireEmpty(Pipeline.DENSE, Pipeline.DENSE_KEYS.toArray(new String[0]));
    if (ef < 0) {
      throw TrawlException.invalid("dense: ef must be >= 0 (0 = 2k), got " + ef);
    }
    EncoderOptions options = new EncoderOptions(32, ctx.threads(), maxLength);
    try (DenseSearcher s = DenseSearcher.open(Path.of(dir), encoder, options)) {
      if (s.warning() != null) {
        System.err.println("dense: " + s.warning());
      }
      boolean flat = exact || s.metadata().structure().equals("flat");
      int effectiveEf = flat ? 0 : (ef > 0 ? ef : DenseSearcher.defaultEf(k));
      List<RankedList> lists = s.search(queries, k, ef, flat);
      if (ctx.removeQuery()) { // as the lexical retrievers and Anserini: dropped after ranking
        List<RankedList> kept = new ArrayList<>(lists.size());
        for (RankedList l : lists) {
          kept.add(new RankedList(l.queryId(), l.candidates().stream()
              .filter(c -> !c.docId().equals(l.queryId())).toList()));
        }
        lists = kept;
      }
      Spec.Builder b = Spec.builder(Pipeline.DENSE).put("index", dir).put("encoder", s.encoder().name())
          .put("max-length", s.encoder().maxLength()).put("exact", flat);
      if (!flat) {
        b.put("ef", effectiveEf);
      }
      return new Stage(b.build().withCutoff(k), lists);
    }
  }

  /**
   * Runs each input pipeline (with this context) and fuses their runs. The method's {@code hits}
   * is the stage's {@code @k} when given. Canonical: {@code fuse(METHOD,IN1,IN2,...)@hits} with
   * the method's canonical spec and each input's canonical tag.
   */
  private static Stage fuse(Spec source, List<Query> queries, Context ctx, Registry<Reranker> rerankers,
      Map<String, Object> stageSettings, String prefix) {
    Spec method = Pipeline.fuseMethod(source);
    if (source.cutoff() != null) {
      String given = method.params().get("hits");
      if (given != null && !given.equals(Integer.toString(source.cutoff()))) {
        throw TrawlException.invalid("fuse: hits=" + given + " and @" + source.cutoff()
            + " disagree; give one");
      }
      java.util.Map<String, String> params = new LinkedHashMap<>(method.params());
      params.put("hits", Integer.toString(source.cutoff()));
      method = new Spec(method.name(), params, null);
    }
    Fusion.Settings settings = Fusion.parse(method);
    List<Run> runs = new ArrayList<>();
    List<Pipeline> canonicalInputs = new ArrayList<>();
    int input = 0;
    for (Pipeline p : Pipeline.fuseInputs(source)) {
      input++;
      Run r = run(p, queries, ctx, rerankers, stageSettings, prefix + "fuse input " + input + ", ");
      runs.add(r);
      canonicalInputs.add(Pipeline.parse(r.tag()));
    }
    Run fused = Fusion.fuse(runs, settings);
    List<RankedList> lists = new ArrayList<>(queries.size());
    for (Query q : queries) {
      RankedList l = fused.get(q.id());
      lists.add(l != null ? l : RankedList.empty(q.id()));
    }
    return new Stage(Pipeline.fuse(settings.spec(), canonicalInputs, settings.hits()), lists);
  }

  private static List<RankedList> retrieveAll(Retriever r, List<Query> queries, int k, int threads) {
    if (threads <= 1 || queries.size() < 2) {
      List<RankedList> out = new ArrayList<>(queries.size());
      for (Query q : queries) {
        out.add(r.retrieve(q, k));
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<RankedList>> futures = new ArrayList<>(queries.size());
      for (Query q : queries) {
        futures.add(pool.submit(() -> r.retrieve(q, k)));
      }
      List<RankedList> out = new ArrayList<>(queries.size());
      for (Future<RankedList> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new TrawlException(TrawlException.RUNTIME, "retrieval failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<RankedList> withTexts(List<RankedList> lists, LuceneIndex index, Spec source) {
    boolean missing = lists.stream().flatMap(l -> l.candidates().stream()).anyMatch(c -> c.text() == null);
    if (!missing) {
      return lists;
    }
    if (index == null) {
      throw TrawlException.invalid("rerankers need document texts: '" + source
          + "' has none, so give --index (an index with stored raw documents) or use candidates(file=...)");
    }
    try (IndexDocTexts texts = new IndexDocTexts(index.path())) {
      List<RankedList> out = new ArrayList<>(lists.size());
      for (RankedList l : lists) {
        List<Candidate> cs = new ArrayList<>(l.size());
        for (Candidate c : l.candidates()) {
          if (c.text() != null) {
            cs.add(c);
            continue;
          }
          String text = texts.text(c.docId());
          if (text == null) {
            throw TrawlException.invalid("document '" + c.docId() + "' (query " + l.queryId()
                + ") is not in index " + index.path() + ", so it has no text to rerank");
          }
          cs.add(c.withText(text));
        }
        out.add(new RankedList(l.queryId(), cs));
      }
      return out;
    }
  }

  /**
   * Reranks the top {@code @k} of each list. The stage's effective {@code @k} is the smaller of its
   * own and the incoming depth ({@code bm25@100 >> monot5} reranks 100, as {@code monot5@100} and
   * {@code monot5@1000} do), so equal experiments get equal tags.
   */
  /**
   * Adds a reranking stage's cost (its model work over these queries and the wall time) to the
   * run's metadata ({@link io.trawl.io.RunMetadata#COST}) and prints it with the progress.
   */
  @SuppressWarnings("unchecked")
  private static void recordCost(Reranker reranker, List<Query> queries, double seconds,
      Map<String, Object> settings, String stage, java.io.PrintWriter progress) {
    io.trawl.rerank.Cost cost = reranker.cost();
    if (cost == null) {
      return;
    }
    io.trawl.rerank.Cost.Counts total = cost.sum(queries.stream().map(Query::id).toList());
    ((Map<String, Object>) settings.computeIfAbsent(io.trawl.io.RunMetadata.COST,
        x -> new LinkedHashMap<String, Object>()))
        .put(stage, io.trawl.rerank.Cost.summary(total, queries.size(), seconds));
    if (progress != null) {
      progress.println(stage + ": " + io.trawl.rerank.Cost.line(total, queries.size(), seconds));
      progress.flush();
    }
  }

  private static Stage rerank(Spec stage, Integer depth, List<Query> queries, List<RankedList> lists,
      Registry<Reranker> rerankers, Map<String, Object> settings, String key, Context ctx) {
    Spec model = new Spec(stage.name(), stage.params(), null);
    Integer k = stage.cutoff() == null ? depth : depth == null ? stage.cutoff()
        : Integer.valueOf(Math.min(stage.cutoff(), depth));
    List<RankedList> inputs = new ArrayList<>(lists.size());
    for (RankedList l : lists) {
      inputs.add(stage.cutoff() != null ? l.top(stage.cutoff()) : l);
    }
    try (io.trawl.core.Shutdown.Job job = io.trawl.core.Shutdown.job();
        Reranker reranker = rerankers.create(model)) {
      if (!reranker.settings().isEmpty()) {
        settings.put(key + ": " + stage.name(), reranker.settings());
      }
      // in the groups trawl rerank uses (the same reranker calls, progress between them)
      List<Integer> order = new ArrayList<>(queries.size());
      long total = 0;
      for (int i = 0; i < queries.size(); i++) {
        order.add(i);
        total += inputs.get(i).size();
      }
      List<RankedList> out = new ArrayList<>(queries.size());
      long t0 = System.nanoTime();
      try (io.trawl.core.Progress progress = io.trawl.core.Progress.to(ctx.progress(), ctx.mode(),
          key + ": " + stage.name(), "candidates", total)) {
        long candidatesDone = 0;
        for (List<Integer> group : io.trawl.rerank.QueryGroups.of(order, i -> inputs.get(i).size())) {
          io.trawl.core.Shutdown.check(); // Ctrl-C: no new native call
          List<Query> qs = new ArrayList<>(group.size());
          List<RankedList> ls = new ArrayList<>(group.size());
          for (int i : group) {
            qs.add(queries.get(i));
            ls.add(inputs.get(i));
          }
          List<RankedList> done = reranker.rerankAll(qs, ls);
          out.addAll(done);
          for (RankedList l : ls) {
            candidatesDone += l.size();
          }
          progress.update(candidatesDone, out.size() + "/" + queries.size() + " queries");
        }
      }
      recordCost(reranker, queries, (System.nanoTime() - t0) / 1e9, settings,
          key + ": " + stage.name(), ctx.progress());
      for (int i = 0; i < out.size(); i++) {
        if (!out.get(i).isMonotone()) {
          throw new TrawlException(TrawlException.RUNTIME, "reranker " + reranker.spec()
              + " returned scores that increase in rank order for query " + out.get(i).queryId()
              + " (trec_eval would re-sort them)");
        }
      }
      return new Stage(Spec.parse(reranker.spec()).withCutoff(k), out);
    }
  }
}
