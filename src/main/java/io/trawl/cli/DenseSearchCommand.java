package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.io.RunWriter;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl dense-search}: dense retrieval, optionally fused with a sparse run (hybrid). */
@Command(name = "dense-search", mixinStandardHelpOptions = true,
    description = "Search a dense index with encoded queries; optionally fuse with a BM25 run (hybrid).",
    footerHeading = "%nExamples:%n",
    footer = {"  trawl dense-search --index indexes/scifact.bge --topics queries.tsv --output runs/scifact.bge.txt",
        "  trawl dense-search --index indexes/scifact.bge --topics queries.tsv --hybrid runs/scifact.bm25.txt \\",
        "      --output runs/scifact.hybrid.txt"})
public final class DenseSearchCommand implements Callable<Integer> {

  @Option(names = "--index", required = true, description = "Dense index folder (from 'trawl dense-index').")
  Path index;

  @Mixin TopicsOptions topics;

  @Mixin OutputOptions output;

  @Option(names = "--encoder", description = "Query encoder (default: the index's); must match the index's model and dimension.")
  String encoder;

  @Option(names = {"--hits", "--k"}, defaultValue = "1000", paramLabel = "N",
      description = "Documents per query (default: ${DEFAULT-VALUE}); --k is an alias.")
  int k;

  @Option(names = "--ef", defaultValue = "0", description = "HNSW candidate list size at search time (0 = 2k: recall@100 0.993 vs exact on SciFact; ef = k gives 0.969).")
  int ef;

  @Option(names = "--exact", description = "Exact (brute-force) search instead of HNSW.")
  boolean exact;

  @Option(names = "--hybrid", description = "Sparse (BM25) TREC run to fuse with the dense results.")
  String hybrid;

  @Option(names = "--fusion", defaultValue = "rrf", description = "rrf or interp (min-max normalised interpolation) (default: ${DEFAULT-VALUE}).")
  String fusion;

  @Option(names = "--rrf-k", defaultValue = "60", description = "RRF constant (default: ${DEFAULT-VALUE}).")
  int rrfK;

  @Option(names = "--alpha", defaultValue = "0.5", description = "interp: weight of the min-max normalised dense scores; the sparse ones get 1 - alpha (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--depth", defaultValue = "1000", description = "Hybrid: how deep each list is fused (default: ${DEFAULT-VALUE}).")
  int depth;

  @Mixin RunTagOptions tag;

  @Mixin EncoderOptionsMixin encoderOptions;

  @Mixin ThreadsOptions threads;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    var err = logging.err();
    if (!fusion.equals("rrf") && !fusion.equals("interp")) {
      throw TrawlException.invalid("unknown fusion '" + fusion + "'; valid: rrf, interp");
    }
    List<Query> queries = topics.read();
    Pipeline pipeline = Pipeline.parse(pipeline());
    long t0 = System.nanoTime();
    int n = threads.resolve(ThreadsOptions.Work.NEURAL);
    Run run = PipelineRunner.run(pipeline, queries, new PipelineRunner.Context(null, null, false, n));
    double secs = (System.nanoTime() - t0) / 1e9;
    err.printf("dense-search: %d queries in %.2f s (%.1f queries/s, encoding included)%n", queries.size(),
        secs, queries.size() / secs);
    try (RunWriter w = RunWriter.open(output.name(), RunWriter.Format.TREC, tag.or(run.tag()))) {
      w.setting("threads", n);
      for (Query q : queries) {
        RankedList l = run.get(q.id());
        w.write(l != null ? l : RankedList.empty(q.id()));
      }
      w.commit();
    }
    err.flush();
    return 0;
  }

  /**
   * The pipeline this command runs: {@code dense(...)@k}, or with {@code --hybrid} {@code
   * fuse(rrf(k=K,depth=D,hits=k), run(file=SPARSE), dense(...)@D)} (interpolation: weights 1 -
   * alpha for the sparse run, alpha for the dense one, min-max normalised). {@code trawl run
   * --pipeline} with it writes the same run.
   */
  String pipeline() {
    Spec.Builder d = Spec.builder(Pipeline.DENSE).put("index", index.toString());
    if (encoder != null) {
      d.put("encoder", encoder);
    }
    if (encoderOptions.maxLength > 0) {
      d.put("max-length", encoderOptions.maxLength);
    }
    if (exact) {
      d.put("exact", true);
    } else if (ef > 0) {
      d.put("ef", ef);
    }
    if (hybrid == null) {
      return d.build().withCutoff(k).toString();
    }
    String method = fusion.equals("rrf")
        ? Spec.builder("rrf").put("k", rrfK).put("depth", depth).put("hits", k).toString()
        : Spec.builder("interpolate").put("norm", "minmax")
            .put("weights", Spec.number(1 - alpha) + ":" + Spec.number(alpha))
            .put("depth", depth).put("hits", k).toString();
    String sparse = Spec.builder(Pipeline.RUN).put("file", hybrid).toString();
    return "fuse(" + method + ", " + sparse + ", " + d.build().withCutoff(depth) + ")";
  }
}
