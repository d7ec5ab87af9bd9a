package io.trawl.cli;

import io.trawl.core.InputException;
import io.trawl.core.Progress;
import io.trawl.core.Query;
import io.trawl.core.TrawlException;
import io.trawl.index.Analyzers;
import io.trawl.io.RunWriter;
import io.trawl.pipeline.Pipeline;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import io.trawl.search.SearchRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl search}: lexical retrieval over a Lucene index, written as a TREC or MS MARCO run. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Retrieve the top documents for every topic (BM25, QL, RM3, Rocchio) and write a run.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl search --index indexes/scifact --topics beir-scifact-test --remove-query --output run.txt",
      "  trawl search --index indexes/scifact-mf --topics beir-scifact-test --fields title,contents --remove-query",
      "  trawl search --index idx --topics dl19-passage --retriever \"rm3(fbTerms=10,fbDocs=10)\" --threads 2",
      "  trawl search --index idx --topics topics.tsv --bm25 --k1 0.82 --b 0.68 --format msmarco --output -"
    })
public final class SearchCommand implements Callable<Integer> {
  @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
  Path index;

  @Mixin TopicsOptions topics;

  @Option(names = "--topics-format", defaultValue = "auto",
      description = "auto, tsv, trec, beir or json-vector (default: ${DEFAULT-VALUE}).")
  String topicsFormat;

  @Option(names = "--topic-field", defaultValue = "title",
      description = "TREC topics: title, desc, narr or e.g. title+desc (default: ${DEFAULT-VALUE}).")
  String topicField;

  @Mixin OutputOptions output;

  @Option(names = "--retriever", paramLabel = "SPEC", completionCandidates = RegistryNames.RetrieverNames.class,
      description = "Retriever spec: ${COMPLETION-CANDIDATES} with parameters, e.g."
          + " \"bm25(k1=0.9,b=0.4)\", \"qld(mu=1000)\", \"rm3(model=qld)\" (default: bm25).")
  String retriever;

  @Option(names = "--bm25", description = "BM25 (the default model).")
  boolean bm25;

  @Option(names = "--qld", description = "Query likelihood, Dirichlet smoothing.")
  boolean qld;

  @Option(names = "--rm3", description = "RM3 feedback over BM25, or over QL with --qld.")
  boolean rm3;

  @Option(names = "--rocchio", description = "Rocchio feedback over BM25, or over QL with --qld.")
  boolean rocchio;

  @Option(names = "--k1", description = "BM25 k1 (default 0.9).")
  String k1;

  @Option(names = "--b", description = "BM25 b (default 0.4).")
  String b;

  @Option(names = "--mu", description = "QL Dirichlet mu (default 1000).")
  String mu;

  @Option(names = "--fb-terms", description = "RM3 feedback terms (default 10).")
  String fbTerms;

  @Option(names = "--fb-docs", description = "RM3 feedback documents (default 10).")
  String fbDocs;

  @Option(names = "--original-query-weight", description = "RM3 original query weight (default 0.5).")
  String originalQueryWeight;

  @Option(names = {"--hits", "-k"}, defaultValue = "1000", paramLabel = "N",
      description = "Documents per query (default: ${DEFAULT-VALUE}).")
  int hits;

  @Option(names = "--remove-query", description = "Drop a hit whose docid equals the query id (BEIR).")
  boolean removeQuery;

  @Option(names = "--fields",
      description = "Fields searched, summed, weight 1 unless given: contents, or title,contents (BEIR multifield), or title=0.5,contents=1. Default: title,contents for a multifield index, else contents.")
  String fields;

  @Mixin ThreadsOptions threads;

  @Option(names = "--format", defaultValue = "trec", description = "trec or msmarco (default: ${DEFAULT-VALUE}).")
  String format;

  @Mixin RunTagOptions runTag;

  @Option(names = "--analyzer", description = "Expected analyzer, e.g. \"english(stemmer=porter,stopwords=lucene)\"; the index must match.")
  String analyzer;

  @Option(names = "--stemmer", paramLabel = "porter|none",
      description = "Expected stemmer (as given to trawl index); the index must have been built with it.")
  String stemmer;

  @Option(names = "--keep-stopwords", description = "Expect an index built with --keep-stopwords.")
  boolean keepStopwords;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    Retrievers.Opener opener = Retrievers.parse(retrieverSpec());
    RunWriter.Format fmt = RunWriter.Format.parse(format, RunWriter.Format.TREC, RunWriter.Format.MSMARCO);
    if (hits <= 0) {
      throw TrawlException.invalid("--hits must be positive, got " + hits);
    }
    Map<String, Float> fieldMap = fields == null ? null : SearchOptions.parseFields(fields);
    int n = threads.resolve(ThreadsOptions.Work.RETRIEVAL);
    String expected = expectedAnalyzer();
    List<Query> queries = topics.read(topicsFormat, topicField);
    try (LuceneIndex idx = LuceneIndex.open(index, expected);
        Retriever r = opener.open(idx, new SearchOptions(
            fieldMap != null ? fieldMap : idx.defaultFields(), removeQuery));
        RunWriter w = RunWriter.open(output.name(), fmt, runTag.or(Pipeline.retrieval(r.spec(), hits).tag()))) {
      SearchRun.Summary s;
      java.io.PrintWriter err = logging.err();
      try (Progress progress = Progress.to(err, logging.progress(), "search", "queries", queries.size())) {
        s = SearchRun.run(r, queries, hits, w, n, progress);
      }
      if (s.lines() == 0) {
        throw noHits(topics.name(), s.queries(), index);
      }
      w.setting("threads", n).setting("hits", hits).commit();
      err.println(String.format(Locale.ROOT,
          "search: %s over %s: %d queries, %d lines, %.1f s (%.0f queries/s, %d threads) -> %s",
          r.spec(), index, s.queries(), s.lines(), s.seconds(), s.queriesPerSecond(), n,
          "-".equals(output.name()) ? "stdout" : output.name()));
      err.flush();
    }
    return 0;
  }

  /** The analyzer the index must have: --analyzer, or the one --stemmer/--keep-stopwords describe. */
  private String expectedAnalyzer() {
    if (stemmer == null && !keepStopwords) {
      return analyzer;
    }
    String fromFlags = Analyzers.describe(stemmer == null ? "porter" : stemmer, keepStopwords);
    if (analyzer != null && !analyzer.replace(" ", "").equalsIgnoreCase(fromFlags)) {
      throw TrawlException.invalid("--analyzer " + analyzer + " contradicts --stemmer/--keep-stopwords");
    }
    return fromFlags;
  }

  /**
   * The error for a run without a single line: never an empty run for topics that are not empty
   * (e.g. topics in a language or format the index does not hold).
   */
  static InputException noHits(String topics, int queries, Object index) {
    return new InputException(topics, "none of the " + queries + " queries matched a document in "
        + index + " (topics for another collection, or only stopwords?); no run written");
  }

  /**
   * The spec from --retriever or the convenience flags (not both). A feedback flag (--rm3,
   * --rocchio) goes with BM25 (the default) or with --qld, as Anserini's {@code -qld -rm3}.
   */
  String retrieverSpec() {
    boolean anyParam = k1 != null || b != null || mu != null || fbTerms != null || fbDocs != null
        || originalQueryWeight != null;
    if (retriever != null) {
      if (bm25 || qld || rm3 || rocchio || anyParam) {
        throw TrawlException.invalid("give either --retriever or the model flags (--bm25, --k1, ...), not both");
      }
      return retriever;
    }
    if (bm25 && qld) {
      throw TrawlException.invalid("choose one of --bm25 and --qld");
    }
    if (rm3 && rocchio) {
      throw TrawlException.invalid("choose one of --rm3 and --rocchio");
    }
    boolean feedback = rm3 || rocchio;
    String name = rm3 ? "rm3" : rocchio ? "rocchio" : qld ? "qld" : "bm25";
    List<String> params = new ArrayList<>();
    if (feedback && qld) {
      params.add("model=qld");
    }
    add(params, "k1", k1, !qld);
    add(params, "b", b, !qld);
    add(params, "mu", mu, qld);
    add(params, "fbTerms", fbTerms, rm3);
    add(params, "fbDocs", fbDocs, rm3);
    add(params, "originalQueryWeight", originalQueryWeight, rm3);
    return params.isEmpty() ? name : name + "(" + String.join(",", params) + ")";
  }

  private void add(List<String> params, String key, String value, boolean applies) {
    if (value == null) {
      return;
    }
    if (!applies) {
      throw TrawlException.invalid("--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT)
          + " does not apply to the chosen model");
    }
    params.add(key + "=" + value);
  }

}
