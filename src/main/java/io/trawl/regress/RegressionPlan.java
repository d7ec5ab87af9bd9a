package io.trawl.regress;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.corpus.Corpora;
import io.trawl.eval.Measure;
import io.trawl.io.TopicsAndQrels;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import io.trawl.search.SearchOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spec resolved against an environment: files found, names checked against the registries,
 * pipelines expanded and parsed, or the reason it cannot run here. Every problem in the spec is an
 * {@link InputException} naming the spec file and the line of the offending value (exit 2);
 * missing capabilities (gpu, model folders, data, an API endpoint) are skip reasons instead.
 * Rerankers that call a server get the endpoint and key variable the user chose ({@link Endpoints}).
 *
 * @param file the spec file
 * @param spec the spec
 * @param skipped why the whole spec cannot run here (null when it can)
 * @param corpusInput {@code trawl index --input}: an absolute path or {@code builtin:NAME}
 * @param corpusFormat the corpus format name
 * @param indexOptions how to index
 * @param indexDir where the index lives
 * @param fields fields and weights for retriever stages (null: the index's default)
 * @param removeQuery BEIR's remove-query rule for retriever stages
 * @param topics topic set name -> topics file (or registry-resolved file)
 * @param qrels topic set name -> qrels file
 * @param measures spec measure string -> measure and options
 * @param runs one plan per run, in spec order
 */
public record RegressionPlan(Path file, RegressionSpec spec, String skipped, String corpusInput,
    String corpusFormat, IndexOptions indexOptions, Path indexDir, Map<String, Float> fields,
    boolean removeQuery, DensePlan dense,
    Map<String, String> topics, Map<String, String> qrels, Map<String, PlannedMeasure> measures,
    List<PlannedRun> runs) {

  /** The spec's dense index: built from {@code vectors} into {@code dir} (null when the spec has none). */
  public record DensePlan(Path vectors, Path dir, boolean flat) {}

  /** A measure with its options. */
  public record PlannedMeasure(String label, Measure measure, MeasureOptions options, String outputName) {}

  /**
   * A run.
   *
   * @param spec the run as written
   * @param skipped why it cannot run here (null when it can)
   * @param pipelines topic set name -> the expanded pipeline (empty when skipped)
   */
  public record PlannedRun(RegressionSpec.RunSpec spec, String skipped, Map<String, Pipeline> pipelines) {}

  /** {@link #corpusInput()} of a plan that searches a prebuilt index instead of building one. */
  public static final String PREBUILT = "prebuilt:";

  /** Whether the plan searches a fetched prebuilt index (nothing to build or reuse-check). */
  public boolean prebuilt() {
    return corpusInput != null && corpusInput.startsWith(PREBUILT);
  }

  /** Resolves {@code spec} (loaded from {@code file}) in {@code env}. */
  public static RegressionPlan resolve(Path file, RegressionSpec spec, RegressEnv env) {
    String f = file.toString();
    List<String> unmet = env.unmet(spec.requires());
    if (!unmet.isEmpty()) {
      return skipped(file, spec, "needs " + String.join(" and ", unmet));
    }
    if (usesCollections(spec) && !env.hasCollections()) {
      return skipped(file, spec, "needs the collections root (--collections or "
          + RegressEnv.COLLECTIONS_VAR + ")" + (env.collections() == null ? "" : ": no folder " + env.collections()));
    }

    String corpusInput = null;
    String corpusFormat = null;
    IndexOptions indexOptions = null;
    Path indexDir = null;
    RegressionSpec.Corpus corpus = spec.corpus();
    if (corpus != null) {
      Located path = corpus.path();
      try {
        if (BuiltinCollections.isBuiltin(path.value())) {
          corpusInput = path.value();
          corpusFormat = Corpora.forInput(corpus.format() == null ? null : corpus.format().value(),
              corpusInput).format();
        } else {
          corpusFormat = Corpora.get(corpus.format().value()).format();
          Path p = env.data(path.value());
          if (!Files.exists(p)) {
            throw at(f, path, "corpus " + p + ": no such file or folder" + underRoot(env, path.value()));
          }
          corpusInput = p.toAbsolutePath().normalize().toString();
        }
      } catch (InputException e) {
        if (e.file() != null && e.file().equals(f)) {
          throw e;
        }
        throw at(f, corpus.format() != null ? corpus.format() : path, e.getMessage());
      } catch (TrawlException e) {
        throw at(f, corpus.format() != null ? corpus.format() : path, e.getMessage());
      }
      try {
        indexOptions = IndexOptions.parse(spec.index().options());
      } catch (TrawlException e) {
        throw at(f, spec.index().name(), e.getMessage());
      }
      indexDir = env.indexRoot().resolve(spec.index().name().value());
    }

    if (spec.index() != null && spec.index().prebuilt() != null) {
      String name = spec.index().prebuilt().value();
      indexDir = io.trawl.fetch.Fetcher.cachedIndex(name);
      if (indexDir == null) {
        return skipped(file, spec, "needs prebuilt index " + name + " (trawl fetch " + name + ")");
      }
      corpusInput = PREBUILT + name;
    }

    DensePlan dense = null;
    if (spec.denseIndex() != null) {
      RegressionSpec.DenseIndex d = spec.denseIndex();
      if (d.name() == null || d.vectors() == null) {
        throw at(f, d.name() != null ? d.name() : d.vectors(), "dense_index needs a name and a vectors file");
      }
      Path base = file.toAbsolutePath().getParent();
      Path vectors = base.resolve(d.vectors().value()).normalize();
      if (!Files.isRegularFile(vectors)) {
        throw at(f, d.vectors(), "vector file " + vectors + ": no such file (relative paths resolve"
            + " against the spec's folder)");
      }
      String structure = d.structure() == null ? "flat" : d.structure().value();
      if (!structure.equals("flat") && !structure.equals("hnsw")) {
        throw at(f, d.structure(), "structure must be flat or hnsw, got '" + structure + "'");
      }
      dense = new DensePlan(vectors, env.indexRoot().resolve(d.name().value()), structure.equals("flat"));
    }

    Map<String, Float> fields = null;
    try {
      if (spec.search().fields() != null) {
        fields = SearchOptions.parseFields(spec.search().fields().value());
      }
    } catch (TrawlException e) {
      throw at(f, spec.search().fields(), e.getMessage());
    }

    Map<String, String> topics = new LinkedHashMap<>();
    Map<String, String> qrels = new LinkedHashMap<>();
    for (RegressionSpec.TopicSet t : spec.topics()) {
      topics.put(t.name().value(), topicsFile(f, env, t.topics(), true));
      qrels.put(t.name().value(), topicsFile(f, env, t.qrels(), false));
    }

    Map<String, PlannedMeasure> measures = new LinkedHashMap<>();
    for (RegressionSpec.Measure m : spec.measures()) {
      Measure measure;
      try {
        measure = Measure.parse(m.measure().value());
      } catch (TrawlException e) {
        throw at(f, m.measure(), e.getMessage());
      }
      if (measure.outputNames().size() != 1) {
        throw at(f, m.measure(), "measure '" + m.measure().value() + "' gives " + measure.outputNames().size()
            + " values (" + String.join(", ", measure.outputNames()) + "); list each one separately");
      }
      measures.put(m.measure().value(), new PlannedMeasure(m.measure().value(), measure,
          MeasureOptions.parse(m.options().value()), measure.outputNames().get(0)));
    }

    List<PlannedRun> runs = new ArrayList<>();
    for (RegressionSpec.RunSpec r : spec.runs()) {
      List<String> runUnmet = env.unmet(r.requires());
      if (!runUnmet.isEmpty()) {
        runs.add(new PlannedRun(r, "needs " + String.join(" and ", runUnmet), Map.of()));
        continue;
      }
      Map<String, Pipeline> pipelines = new LinkedHashMap<>();
      for (String topicSet : r.expected().keySet()) {
        Pipeline p = Endpoints.apply(f, r.pipeline(), r.name().value(),
            pipeline(f, env, spec, r, topicSet, indexDir != null, dense), env);
        if (p == null) {
          break;
        }
        pipelines.put(topicSet, p);
      }
      if (pipelines.size() < r.expected().size()) {
        runs.add(new PlannedRun(r, "needs " + Endpoints.missing(), Map.of()));
        continue;
      }
      runs.add(new PlannedRun(r, null, pipelines));
    }
    return new RegressionPlan(file, spec, null, corpusInput, corpusFormat, indexOptions, indexDir, fields,
        spec.search().removesQuery(), dense, topics, qrels, measures, runs);
  }

  private static Pipeline pipeline(String f, RegressEnv env, RegressionSpec spec,
      RegressionSpec.RunSpec r, String topicSet, boolean haveIndex, DensePlan dense) {
    Located where = r.pipeline();
    Map<String, String> vars = new LinkedHashMap<>();
    if (dense != null) {
      vars.put("dense_index", dense.dir().toString());
    }
    vars.put("collections", env.collections() == null ? "" : env.collections().toString());
    vars.put("models", env.models().toString());
    vars.put("topics", topicSet);
    Pipeline p;
    try {
      p = Pipeline.parse(Pipelines.expand(where.value(), vars));
      PipelineRunner.check(p);
    } catch (TrawlException e) {
      throw at(f, where, "run '" + r.name().value() + "': " + e.getMessage());
    }
    if (p.sourceIsFile()) {
      String file = p.source().params().get("file");
      if (file != null && !Files.isRegularFile(Path.of(file))) {
        throw at(f, where, "run '" + r.name().value() + "': " + p.source().name() + " file " + file
            + ": no such file");
      }
      if (!p.rerankers().isEmpty() && p.source().name().equalsIgnoreCase(Pipeline.RUN) && !haveIndex) {
        throw at(f, where, "run '" + r.name().value() + "': rerankers need document texts; a run file has "
            + "none, so the spec needs a corpus (index) or a candidates(file=...) source");
      }
    } else if (!haveIndex && (PipelineRunner.needsIndex(p) || !p.rerankers().isEmpty())) {
      throw at(f, where, "run '" + r.name().value() + "': stage '" + p.source()
          + (PipelineRunner.needsIndex(p) ? "' retrieves from an index" : "' has no document texts for"
          + " the rerankers") + ", but the spec has no corpus");
    }
    return p;
  }

  private static String topicsFile(String f, RegressEnv env, Located value, boolean topics) {
    String v = value.value();
    try {
      if (TopicsAndQrels.isName(v)) {
        return topics ? TopicsAndQrels.topics(v) : TopicsAndQrels.qrels(v);
      }
    } catch (TrawlException e) {
      throw at(f, value, e.getMessage());
    }
    Path p = env.data(v);
    if (Files.isRegularFile(p)) {
      return p.toString();
    }
    if (!v.contains("/") && !v.contains(".")) {
      throw at(f, value, "unknown " + (topics ? "topics" : "qrels") + " name '" + v + "'; known: "
          + String.join(", ", TopicsAndQrels.names()) + "; or give a file relative to the collections root");
    }
    throw at(f, value, (topics ? "topics" : "qrels") + " file " + p + ": no such file" + underRoot(env, v));
  }

  private static String underRoot(RegressEnv env, String path) {
    return Path.of(path).isAbsolute() || env.collections() == null ? ""
        : " (relative paths resolve against the collections root " + env.collections() + ")";
  }

  static boolean usesCollections(RegressionSpec spec) {
    if (spec.corpus() != null && !BuiltinCollections.isBuiltin(spec.corpus().path().value())
        && !Path.of(spec.corpus().path().value()).isAbsolute()) {
      return true;
    }
    for (RegressionSpec.TopicSet t : spec.topics()) {
      for (Located v : List.of(t.topics(), t.qrels())) {
        if (!TopicsAndQrels.isName(v.value()) && !Path.of(v.value()).isAbsolute()) {
          return true;
        }
      }
    }
    for (RegressionSpec.RunSpec r : spec.runs()) {
      if (r.pipeline().value().contains("${collections}")) {
        return true;
      }
    }
    return false;
  }

  private static RegressionPlan skipped(Path file, RegressionSpec spec, String reason) {
    return new RegressionPlan(file, spec, reason, null, null, null, null, null, false, null, Map.of(), Map.of(),
        Map.of(), List.of());
  }

  static InputException at(String file, Located where, String problem) {
    return new InputException(file, where == null ? 0 : where.line(), where == null ? 0 : where.column(),
        problem);
  }

  /** The name of the run file of a run on a topic set. */
  public static String runFileName(String spec, String run, String topicSet) {
    return spec + "." + run + "." + topicSet + ".txt";
  }
}
