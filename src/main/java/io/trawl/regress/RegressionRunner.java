package io.trawl.regress;

import io.trawl.core.Query;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.corpus.Corpora;
import io.trawl.eval.EvalResult;
import io.trawl.eval.Evaluator;
import io.trawl.eval.Measure;
import io.trawl.eval.Qrels;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.io.RunTable;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs regressions in-process: resolves the spec ({@link RegressionPlan}), reuses the index when
 * its {@code trawl-index.json} matches the spec (corpus, format, options, expected statistics) and
 * builds it otherwise, checks the index statistics, runs every pipeline on every topic set it has
 * expected values for, writes the runs, evaluates them and compares with the expected values.
 */
public final class RegressionRunner {
  private final RegressEnv env;
  private final PrintWriter log;
  private final int threads;
  private final boolean rebuild;

  /**
   * @param env where things are
   * @param log progress messages (null: none)
   * @param threads indexing and retrieval threads
   * @param rebuild rebuild indexes even when a matching one exists
   */
  public RegressionRunner(RegressEnv env, PrintWriter log, int threads, boolean rebuild) {
    this.env = env;
    this.log = log;
    this.threads = Math.max(1, threads);
    this.rebuild = rebuild;
  }

  /** Loads, resolves and runs one spec file. */
  public RegressionResult run(Path file) {
    RegressionSpec spec = RegressionSpecs.load(file);
    return run(RegressionPlan.resolve(file, spec, env));
  }

  /**
   * Builds the spec's dense index from its vector file, afresh every time: a flat index of the
   * vectors takes well under a second, and what it holds then never depends on an earlier run.
   */
  private void buildDense(RegressionPlan.DensePlan d) {
    long t0 = System.nanoTime();
    io.trawl.core.VectorFile vf = io.trawl.core.VectorFile.read(d.vectors());
    io.trawl.model.encoder.EncoderConfig cfg = io.trawl.model.encoder.Encoders.config(vf.encoder());
    io.trawl.index.dense.DenseIndexer.Options o = d.flat()
        ? new io.trawl.index.dense.DenseIndexer.Options(true, 16, 100)
        : io.trawl.index.dense.DenseIndexer.Options.defaults();
    io.trawl.index.dense.DenseIndexer.build(vf, cfg.name(), cfg.family(), o, d.dir(), d.vectors().toString(),
        true);
    say("dense index %s: %d vectors from %s in %.1f s", d.dir(), vf.ids().size(), d.vectors(),
        (System.nanoTime() - t0) / 1e9);
  }

  /** Runs a resolved plan. */
  public RegressionResult run(RegressionPlan plan) {
    long t0 = System.nanoTime();
    String name = plan.spec().name().value();
    if (plan.skipped() != null) {
      return RegressionResult.skipped(name, plan.file(), plan.skipped());
    }
    boolean anyRuns = plan.runs().stream().anyMatch(r -> r.skipped() == null);
    boolean needIndex = plan.indexDir() != null && anyRuns;
    boolean reused = false;
    double indexSeconds = 0;
    List<RegressionResult.StatCheck> stats = new ArrayList<>();
    if (needIndex) {
      long i0 = System.nanoTime();
      IndexMetadata meta = null;
      String why = plan.prebuilt() ? null : rebuild ? "--rebuild given" : reusable(plan);
      if (plan.prebuilt()) {
        reused = true;
        say("index %s: the prebuilt index %s (trawl fetch)", plan.indexDir(),
            plan.corpusInput().substring(RegressionPlan.PREBUILT.length()));
      } else if (why == null) {
        meta = IndexMetadata.read(plan.indexDir());
        reused = true;
        say("index %s: reusing (trawl-index.json matches the spec)", plan.indexDir());
      } else {
        say("index %s: building (%s)", plan.indexDir(), why);
        Indexer.Options o = plan.indexOptions().apply(new Indexer.Options())
            .corpus(Corpora.forInput(plan.corpusFormat(), plan.corpusInput()), plan.corpusInput())
            .index(plan.indexDir())
            .threads(threads)
            .force(true);
        meta = new Indexer(o).run().metadata();
      }
      indexSeconds = (System.nanoTime() - i0) / 1e9;
      RegressionSpec.IndexStats want = plan.prebuilt() ? null : plan.spec().corpus().stats();
      if (want != null) {
        if (want.documents() != null) {
          stats.add(new RegressionResult.StatCheck("documents", want.documents(), meta.documents()));
        }
        if (want.uniqueTerms() != null) {
          stats.add(new RegressionResult.StatCheck("unique terms", want.uniqueTerms(), meta.uniqueTerms()));
        }
        if (want.totalTerms() != null) {
          stats.add(new RegressionResult.StatCheck("total terms", want.totalTerms(), meta.totalTerms()));
        }
      }
    }

    if (plan.dense() != null && anyRuns) {
      buildDense(plan.dense());
    }

    Map<String, List<Query>> topicsCache = new HashMap<>();
    Map<String, Qrels> qrelsCache = new HashMap<>();
    List<RegressionResult.RunResult> runs = new ArrayList<>();
    for (RegressionPlan.PlannedRun pr : plan.runs()) {
      RegressionSpec.RunSpec rs = pr.spec();
      if (pr.skipped() != null) {
        say("run %s: skipped: %s", rs.name().value(), pr.skipped());
        runs.add(new RegressionResult.RunResult(rs.name().value(), rs.pipeline().value(), null,
            pr.skipped(), List.of(), List.of(), 0));
        continue;
      }
      long r0 = System.nanoTime();
      List<Check> checks = new ArrayList<>();
      List<Path> files = new ArrayList<>();
      String tag = null;
      Double tolerance = plan.spec().toleranceOf(rs);
      for (Map.Entry<String, Pipeline> e : pr.pipelines().entrySet()) {
        String topicSet = e.getKey();
        Pipeline pipeline = e.getValue();
        List<Query> queries = topicsCache.computeIfAbsent(topicSet, k -> Topics.read(plan.topics().get(k)));
        say("run %s on %s (%d queries): %s", rs.name().value(), topicSet, queries.size(), pipeline);
        PipelineRunner.Result result = PipelineRunner.execute(pipeline, queries,
            new PipelineRunner.Context(plan.indexDir(), plan.fields(), plan.removeQuery(), threads));
        Run run = result.run();
        tag = tag == null ? run.tag() : tag;
        Path out = env.runsDir().resolve(RegressionPlan.runFileName(plan.spec().name().value(),
            rs.name().value(), topicSet));
        // the reranker settings and each reranking stage's cost go to the run's metadata
        RunWriter.write(out.toString(), RunWriter.Format.TREC, run, result.settings());
        if (result.settings().get(io.trawl.io.RunMetadata.COST) instanceof Map<?, ?> costs) {
          costs.forEach((stage, summary) -> say("run %s on %s: %s: %s", rs.name().value(), topicSet,
              stage, io.trawl.rerank.Cost.line(summary)));
        }
        files.add(out);
        Qrels qrels = qrelsCache.computeIfAbsent(topicSet, k -> Qrels.read(plan.qrels().get(k)));
        Map<String, Double> actual = evaluate(plan, qrels, run, rs.expected().get(topicSet).keySet());
        for (Map.Entry<String, Double> x : rs.expected().get(topicSet).entrySet()) {
          checks.add(new Check(topicSet, x.getKey(), x.getValue(), actual.get(x.getKey()), tolerance));
        }
      }
      runs.add(new RegressionResult.RunResult(rs.name().value(), rs.pipeline().value(), tag, null, checks,
          files, (System.nanoTime() - r0) / 1e9));
    }
    return new RegressionResult(plan.spec().name().value(), plan.file(), null, needIndex ? plan.indexDir() : null,
        reused, indexSeconds, stats, runs, (System.nanoTime() - t0) / 1e9);
  }

  /** Evaluates the named measures, grouping those that share trec_eval options. */
  static Map<String, Double> evaluate(RegressionPlan plan, Qrels qrels, Run run, java.util.Set<String> labels) {
    Map<MeasureOptions, List<RegressionPlan.PlannedMeasure>> groups = new LinkedHashMap<>();
    for (String label : labels) {
      RegressionPlan.PlannedMeasure m = plan.measures().get(label);
      groups.computeIfAbsent(m.options(), k -> new ArrayList<>()).add(m);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    RunTable evalRun = RunTable.of(run);
    for (Map.Entry<MeasureOptions, List<RegressionPlan.PlannedMeasure>> g : groups.entrySet()) {
      List<Measure> ms = new ArrayList<>();
      for (RegressionPlan.PlannedMeasure m : g.getValue()) {
        if (!ms.contains(m.measure())) {
          ms.add(m.measure());
        }
      }
      EvalResult r = Evaluator.evaluate(qrels, evalRun, ms, g.getKey().toEval());
      for (RegressionPlan.PlannedMeasure m : g.getValue()) {
        out.put(m.label(), r.summary(m.outputName()));
      }
    }
    return out;
  }

  /**
   * Null when the index at the plan's folder can be reused, else why not: missing, another corpus
   * or format, other options, or statistics that differ from the spec's.
   */
  static String reusable(RegressionPlan plan) {
    Path dir = plan.indexDir();
    if (!Files.isDirectory(dir)) {
      return "no index yet";
    }
    IndexMetadata m;
    try {
      m = IndexMetadata.read(dir);
    } catch (TrawlException e) {
      return "existing folder is not a readable Trawl index: " + e.getMessage();
    }
    if (!sameCorpus(m.corpus(), plan.corpusInput())) {
      return "it was built from " + m.corpus() + ", spec wants " + plan.corpusInput();
    }
    if (!m.format().equalsIgnoreCase(plan.corpusFormat())) {
      return "format " + m.format() + ", spec wants " + plan.corpusFormat();
    }
    String opt = plan.indexOptions().mismatch(m);
    if (opt != null) {
      return opt;
    }
    if (m.skipped() > 0 || m.duplicatesRemoved() > 0) {
      return "it was built skipping bad documents";
    }
    RegressionSpec.IndexStats want = plan.spec().corpus().stats();
    if (want != null) {
      if (want.documents() != null && want.documents() != m.documents()) {
        return "it has " + m.documents() + " documents, spec expects " + want.documents();
      }
      if (want.uniqueTerms() != null && want.uniqueTerms() != m.uniqueTerms()) {
        return "it has " + m.uniqueTerms() + " unique terms, spec expects " + want.uniqueTerms();
      }
      if (want.totalTerms() != null && want.totalTerms() != m.totalTerms()) {
        return "it has " + m.totalTerms() + " total terms, spec expects " + want.totalTerms();
      }
    }
    return null;
  }

  private static boolean sameCorpus(String recorded, String wanted) {
    if (recorded == null || wanted == null) {
      return false;
    }
    if (recorded.equals(wanted)) {
      return true;
    }
    try {
      Path a = Path.of(recorded);
      Path b = Path.of(wanted);
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private void say(String fmt, Object... args) {
    if (log != null) {
      log.println("regress: " + String.format(java.util.Locale.ROOT, fmt, args));
      log.flush();
    }
  }
}
