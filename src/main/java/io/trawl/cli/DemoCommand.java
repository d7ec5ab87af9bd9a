package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.core.Run;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.OnError;
import io.trawl.eval.CompareReports;
import io.trawl.eval.Comparison;
import io.trawl.eval.EvalOptions;
import io.trawl.eval.EvalResult;
import io.trawl.eval.Evaluator;
import io.trawl.eval.Measure;
import io.trawl.eval.Qrels;
import io.trawl.index.IndexFields;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import io.trawl.io.RunTable;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code trawl demo}: the whole chain on the embedded Cranfield collection: index, BM25, a rerank
 * with the real bge-small-en-v1.5 bi-encoder (from Maven), and an evaluation table with a paired
 * significance test, BM25 vs reranked. Each step is also a command of its own; the demo prints
 * them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole chain on the embedded Cranfield collection (1,400 docs, 225 queries):",
      "index, BM25 top-k, rerank with bge-small-en-v1.5, and evaluate BM25 vs reranked with a",
      "paired significance test (Holm-corrected)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl demo",
      "  trawl demo --no-rerank                  # index + BM25 + evaluation only (seconds)",
      "  trawl demo --reranker \"embed(encoder=bge-small-en-v1.5-q)\" --hits 50   # int8: faster, not exact"
    })
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", defaultValue = "indexes/demo/cranfield", paramLabel = "DIR",
      description = "Index folder (built if missing or different; default ${DEFAULT-VALUE}).")
  Path index;

  @Option(names = "--runs", defaultValue = "runs/demo", paramLabel = "DIR",
      description = "Where the run files go (default ${DEFAULT-VALUE}).")
  Path runs;

  @Option(names = "--retriever", defaultValue = "bm25(k1=0.9,b=0.4)", paramLabel = "SPEC",
      description = "First stage (default ${DEFAULT-VALUE}).")
  String retriever;

  @Option(names = "--reranker", defaultValue = "embed(encoder=bge-small-en-v1.5)", paramLabel = "SPEC",
      description = "Reranker (default ${DEFAULT-VALUE}: bge-small-en-v1.5 from Maven on the exact"
          + " engine, the same numbers on every machine).")
  String reranker;

  @Option(names = {"--hits", "--depth"}, defaultValue = "100", paramLabel = "N",
      description = "Candidates per query to retrieve and rerank (default ${DEFAULT-VALUE}); --depth is"
          + " an alias.")
  int depth;

  @Option(names = "--no-rerank", description = "Skip the rerank (index, BM25 and evaluation only).")
  boolean noRerank;

  @Mixin ThreadsOptions threads;

  @Mixin LoggingOptions logging;

  private static final String INPUT = "builtin:cranfield";

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    PrintWriter err = logging.err();
    int n = threads.resolve(ThreadsOptions.Work.RETRIEVAL);
    index(err, n);
    List<Query> topics = Topics.read("cranfield");
    PipelineRunner.Context ctx = new PipelineRunner.Context(index, null, false, n, err,
        logging.progress());
    Pipeline first = Pipeline.parse(retriever + "@" + depth);
    Path bm25File = runs.resolve("cranfield." + first.stages().get(0).name() + ".txt");
    Run bm25 = retrieve(err, first, topics, ctx, bm25File);
    Path rerankFile = noRerank ? null : runs.resolve("cranfield." + first.stages().get(0).name() + "."
        + io.trawl.core.Spec.parse(reranker).name() + ".txt");
    Run reranked = noRerank ? null : rerank(err, topics, ctx, bm25File, rerankFile);
    if (noRerank) {
      err.println("trawl demo: 3/4 rerank skipped (--no-rerank)");
    }
    evaluate(err, bm25, bm25File, reranked, rerankFile);
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println(String.format(Locale.ROOT, "Done in %.1f s. Runs in %s/; see docs/getting-started.md for each step.",
        (System.nanoTime() - t0) / 1e9, runs));
    out.flush();
    return 0;
  }

  /** Step 1: the index, reused when it is the embedded collection with the default analyzer. */
  private void index(PrintWriter err, int threads) {
    if (reusable(index)) {
      err.println("trawl demo: 1/4 reusing index " + index);
    } else {
      err.println("trawl demo: 1/4 trawl index --input " + INPUT + " --index " + index + " --force");
      err.flush();
      new Indexer(new Indexer.Options()
          .corpus(Corpora.forInput(null, INPUT), INPUT)
          .index(index)
          .layout(Layout.parse("flat"))
          .stemmer("porter")
          .force(true)
          .onError(OnError.parse("fail"))
          .threads(threads)).run();
    }
    err.flush();
  }

  /** Step 2: the first stage, written to {@code file}. */
  private Run retrieve(PrintWriter err, Pipeline first, List<Query> topics, PipelineRunner.Context ctx,
      Path file) {
    err.println("trawl demo: 2/4 trawl search --index " + index + " --topics cranfield --retriever \""
        + retriever + "\" --hits " + depth + " --output " + file);
    err.flush();
    Run bm25 = PipelineRunner.run(first, topics, ctx);
    RunWriter.write(file.toString(), RunWriter.Format.TREC, bm25, Map.of());
    return bm25;
  }

  /** Step 3: the rerank of the first stage's top {@code depth}, written to {@code file}. */
  private Run rerank(PrintWriter err, List<Query> topics, PipelineRunner.Context ctx, Path input, Path file) {
    Pipeline second = Pipeline.parse(retriever + "@" + depth + " >> " + reranker + "@" + depth);
    err.println("trawl demo: 3/4 trawl rerank --reranker \"" + reranker + "\" -i " + input
        + " --index " + index + " --topics cranfield --depth " + depth + " -o " + file);
    err.flush();
    long r0 = System.nanoTime();
    Run reranked = PipelineRunner.run(second, topics, ctx);
    RunWriter.write(file.toString(), RunWriter.Format.TREC, reranked, Map.of());
    err.println(String.format(Locale.ROOT, "trawl demo:     reranked %d queries x %d candidates in %.1f s",
        topics.size(), depth, (System.nanoTime() - r0) / 1e9));
    return reranked;
  }

  /** Step 4: evaluation, with a paired significance test when there is a reranked run. */
  private void evaluate(PrintWriter err, Run bm25, Path bm25File, Run reranked, Path rerankFile) {
    err.println("trawl demo: 4/4 trawl " + (reranked == null ? "eval -c" : "compare")
        + " -m nDCG@10 -m AP -m P@10 -m R@" + depth + " cranfield " + bm25File
        + (reranked == null ? "" : " " + rerankFile));
    err.flush();
    Qrels qrels = Qrels.resolve("cranfield");
    List<Measure> measures = Measure.parseAll(List.of("nDCG@10", "AP", "P@10", "R@" + depth));
    RunTable base = RunTable.of(bm25);
    PrintWriter out = spec.commandLine().getOut();
    out.println();
    out.println("Cranfield (1,400 docs, 2 of them empty and skipped; 225 queries; qrels: gain = 5 - code, binary rel >= 1)");
    out.println();
    if (reranked == null) {
      EvalResult r = Evaluator.evaluate(qrels, base, measures, EvalOptions.defaults().withComplete(true));
      for (String m : r.numericNames()) {
        out.println(String.format(Locale.ROOT, "%-12s %s  %.4f", m, bm25.tag(), r.summary(m)));
      }
    } else {
      Comparison c = Comparison.compare(qrels, base, List.of(RunTable.of(reranked)), measures,
          EvalOptions.defaults(), Comparison.Settings.defaults());
      out.print(CompareReports.markdown(c));
    }
  }

  private static boolean reusable(Path index) {
    if (!Files.isRegularFile(index.resolve(IndexFields.METADATA_FILE))) {
      return false;
    }
    try {
      IndexMetadata m = IndexMetadata.read(index);
      // 1,400 documents, two of them empty (skipped); an index from before they were skipped is rebuilt
      return m.documents() + m.emptyDocuments() == 1400 && String.valueOf(m.corpus()).contains("cranfield");
    } catch (RuntimeException e) {
      return false;
    }
  }
}
