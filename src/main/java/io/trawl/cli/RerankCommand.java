package io.trawl.cli;

import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.rerank.RerankJob;
import io.trawl.rerank.registry.Rerankers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl rerank}: rerank a run or a candidates file with a neural reranker, resumably. */
@Command(
    name = "rerank",
    mixinStandardHelpOptions = true,
    description = {
      "Rerank a TREC run (document texts from --index, query texts from --topics) or a candidates "
          + "file (RankLLM JSON/JSONL or retrieve-results JSON); write a TREC run or RankLLM JSONL.",
      "Finished queries are appended to <output>.work as they complete; after a crash or Ctrl-C, "
          + "--resume continues where it stopped, and the final output is identical to an "
          + "uninterrupted run. A second rerank on the same output is refused while one runs."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl rerank --reranker \"monot5(model=models/monot5-base-msmarco)\" \\",
      "      -i run.bm25.txt --index indexes/msmarco-passage --topics topics.tsv \\",
      "      --depth 100 -o run.monot5.txt",
      "  trawl rerank --reranker \"monot5(model=m,batch=32)\" --device gpu \\",
      "      --dtype bfloat16 -i retrieve_results_dl19.json -o dl19.monot5.jsonl --resume"
    })
public final class RerankCommand implements Callable<Integer> {
  @Option(names = "--reranker", required = true, paramLabel = "SPEC",
      completionCandidates = RegistryNames.RerankerNames.class,
      description = "Reranker spec: ${COMPLETION-CANDIDATES} with parameters, e.g."
          + " monot5(model=PATH,batch=8,max-length=512,device=cpu,dtype=float32).")
  String reranker;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE",
      description = "TREC run, or candidates file (.json list / .jsonl).")
  String input;

  @Option(names = "--index", paramLabel = "DIR", description = "Index whose stored raw documents give the texts (TREC run input).")
  String index;

  @Option(names = "--topics", paramLabel = "NAME|FILE",
      description = "Query texts, for a TREC run input. " + TopicsOptions.DESCRIPTION)
  String topics;

  @Option(names = "--depth", paramLabel = "N",
      description = "Rerank only the top N of each list; the rest follow in their order (default: all).")
  Integer depth;

  @Mixin OutputOptions output;

  @Option(names = "--format", paramLabel = "trec|jsonl",
      description = "Output format (default: jsonl for .jsonl/.json outputs, else trec).")
  String format;

  @Option(names = "--work", paramLabel = "FILE", description = "Work file for resuming (default: <output>.work).")
  String work;

  @Option(names = "--resume", description = "Skip the queries the work file already holds.")
  boolean resume;

  @Mixin RunTagOptions tag;

  @Option(names = "--device", paramLabel = "cpu|gpu|auto", description = "Adds device=... to the reranker spec.")
  String device;

  @Option(names = "--dtype", paramLabel = "float32|float16|bfloat16", description = "Adds dtype=... to the reranker spec.")
  String dtype;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    String spec = withParam(withParam(reranker, "device", device), "dtype", dtype);
    RerankJob.Options o = new RerankJob.Options(spec, input, index, topics, depth, output.name(), format,
        work, resume, tag.given(), null, output.force());
    new RerankJob(o, Rerankers.registry()::create).run(logging.quiet()
        ? new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) : System.err, logging.progress());
    return 0;
  }

  static String withParam(String spec, String key, String value) {
    if (value == null) {
      return spec;
    }
    Spec s = Spec.parse(spec);
    String given = s.params().get(key);
    if (given != null && !given.equals(value)) {
      throw TrawlException.invalid("--" + key + " " + value + " conflicts with " + key + "=" + given + " in the reranker spec");
    }
    Map<String, String> p = new LinkedHashMap<>(s.params());
    p.put(key, value);
    return new Spec(s.name(), p, s.cutoff()).toString();
  }
}
