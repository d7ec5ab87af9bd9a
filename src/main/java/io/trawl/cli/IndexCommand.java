package io.trawl.cli;

import io.trawl.corpus.Corpora;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.OnError;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trawl index}: builds a Lucene index from a corpus. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Build a Lucene index from a corpus (a file, a folder of files read in sorted order, or a",
      "built-in collection such as builtin:cranfield), plain or gzipped. Documents keep corpus order",
      "for any --threads. The index is built in a temporary folder and appears only when complete."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl index --input builtin:cranfield --index indexes/cranfield",
      "  trawl index --collection beir --input data/beir-scifact/corpus.jsonl --index indexes/scifact-flat",
      "  trawl index --collection beir --layout multifield --input corpus.jsonl --index indexes/scifact-mf",
      "  trawl index --collection tsv --input collection.tsv.gz --index indexes/msmarco --threads 8",
      "  zcat docs*.jsonl.gz | trawl index --collection json --input - --index indexes/docs",
      "",
      "Formats ('trawl list formats'): see docs/indexing.md."
    })
public final class IndexCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--collection", paramLabel = "FORMAT", completionCandidates = RegistryNames.FormatNames.class,
      description = "Corpus format: ${COMPLETION-CANDIDATES} (built-in collections know theirs).")
  String collection;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Corpus file or folder, - for stdin, or builtin:NAME (builtin:cranfield).")
  String input;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder to create.")
  Path index;

  @Option(names = "--layout", defaultValue = "flat", paramLabel = "flat|multifield",
      description = "For titled corpora: flat = title + \" \" + text in contents (default); "
          + "multifield = separate title and contents fields.")
  String layout;

  @Mixin ThreadsOptions threads;

  @Option(names = "--stemmer", defaultValue = "porter", paramLabel = "porter|none",
      description = "Stemmer (default porter, as Anserini).")
  String stemmer;

  @Option(names = "--keep-stopwords", description = "Keep stopwords (default: drop Lucene's 33 English stopwords).")
  boolean keepStopwords;

  @Option(names = "--store-positions", description = "Index term positions (phrase queries).")
  boolean storePositions;

  @Option(names = "--store-docvectors", description = "Store term vectors (needed by RM3 and other feedback).")
  boolean storeDocvectors;

  @Option(names = "--no-store-raw", negatable = false, description = "Do not store the raw documents (rerankers read them).")
  boolean noStoreRaw;

  @Option(names = "--force", description = "Replace an existing index.")
  boolean force;

  @Option(names = "--on-error", defaultValue = "fail", paramLabel = "fail|skip",
      description = "On a bad document or duplicate docid: fail (default), or skip it, count it and go on.")
  String onError;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    boolean quiet = logging.quiet();
    PrintWriter err = spec.commandLine().getErr();
    Corpus corpus = Corpora.forInput(collection, input);
    if (corpus.impact()) { // pre-encoded pieces are indexed as given (Anserini's -pretokenized)
      for (String o : new String[] {"--stemmer", "--keep-stopwords", "--layout"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
          throw io.trawl.core.TrawlException.invalid(o + " does not apply to a pre-encoded (impact)"
              + " corpus: its terms are indexed as given, split at whitespace");
        }
      }
    }
    Indexer.Options options = new Indexer.Options()
        .corpus(corpus, input)
        .index(index)
        .layout(Layout.parse(layout))
        .stemmer(stemmer)
        .keepStopwords(keepStopwords)
        .storePositions(storePositions)
        .storeDocvectors(storeDocvectors)
        .storeRaw(!noStoreRaw)
        .force(force)
        .onError(OnError.parse(onError))
        .progress(quiet ? null : err, logging.progress())
        .threads(threads.resolve(ThreadsOptions.Work.INDEXING));
    Indexer.Result result = new Indexer(options).run();
    IndexMetadata m = result.metadata();
    if (!quiet) {
      err.println(String.format(Locale.ROOT,
          "trawl: indexed %,d documents in %.1f s (%,.0f docs/s, %d threads) into %s: %,d unique terms, %,d total terms",
          m.documents(), m.timings().totalSeconds(), m.timings().documentsPerSecond(), m.threads(),
          result.index(), m.uniqueTerms(), m.totalTerms()));
      err.flush();
    }
    return 0;
  }
}
