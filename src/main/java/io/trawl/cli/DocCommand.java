package io.trawl.cli;

import io.trawl.core.TrawlException;
import io.trawl.rerank.IndexDocTexts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl doc}: prints stored documents of an index by docid (Pyserini's {@code searcher.doc(id).raw()}). */
@Command(name = "doc", mixinStandardHelpOptions = true,
    description = {
      "Print documents stored in an index by docid: the raw document as read from the corpus, or",
      "with --text the text rerankers and dense indexing see (title and contents joined). Every docid",
      "is looked up before anything is printed; one that the index does not hold is an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl doc --index indexes/cranfield 184",
      "  trawl doc --index indexes/scifact --text 4983 5836"
    })
public final class DocCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder (built with raw documents, the default).")
  Path index;

  @Option(names = "--text", description = "Print the document's text instead of the raw document.")
  boolean text;

  @Parameters(arity = "1..*", paramLabel = "DOCID", description = "Document ids.")
  List<String> ids;

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() {
    List<String> out = new ArrayList<>(ids.size());
    try (IndexDocTexts docs = new IndexDocTexts(index)) {
      for (String id : ids) {
        String d = text ? docs.text(id) : docs.raw(id);
        if (d == null) {
          throw TrawlException.invalid(index + ": no document '" + id + "'");
        }
        out.add(d);
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    for (String d : out) {
      w.println(d);
    }
    w.flush();
    return 0;
  }
}
