package io.trawl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import io.trawl.index.IndexMetadata;
import io.trawl.index.IndexStats;
import io.trawl.search.LuceneIndex;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trawl index-stats}: counts read from an index, and how it was built. */
@Command(
    name = "index-stats",
    mixinStandardHelpOptions = true,
    description = {
      "Print an index's statistics (documents; per field: documents, unique terms, total terms,",
      "postings) and its build metadata (trawl-index.json). The first block matches Anserini's",
      "IndexReaderUtils -stats output for the contents field."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl index-stats --index indexes/cranfield",
      "  trawl index-stats --index indexes/scifact-flat --json"
    })
public final class IndexStatsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--index", required = true, paramLabel = "DIR", description = "Index folder.")
  Path index;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    index = LuceneIndex.resolve(index);
    IndexStats stats = IndexStats.of(index);
    IndexMetadata meta = Files.exists(index.resolve(IndexFields.METADATA_FILE))
        ? IndexMetadata.read(index) : null;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = mapper.createObjectNode();
      root.set("stats", mapper.valueToTree(stats));
      root.set("metadata", meta == null ? null : mapper.valueToTree(meta));
      out.println(mapper.writeValueAsString(root));
    } else {
      printText(out, stats, meta);
    }
    out.flush();
    return 0;
  }

  /** The text report: Anserini's -stats block, the per-field table, the build metadata. */
  private static void printText(PrintWriter out, IndexStats stats, IndexMetadata meta) {
    IndexStats.FieldStats c = stats.field(IndexFields.CONTENTS);
    out.println("Index statistics");
    out.println("----------------");
    out.printf("documents:             %d%n", stats.documents());
    out.printf("documents (non-empty): %d%n", c.documents());
    out.printf("unique terms:          %d%n", c.uniqueTerms());
    out.printf("total terms:           %d%n", c.totalTerms());
    out.println();
    out.printf("%-12s %12s %14s %14s %14s%n", "field", "documents", "unique terms", "total terms", "postings");
    for (Map.Entry<String, IndexStats.FieldStats> e : stats.fields().entrySet()) {
      IndexStats.FieldStats f = e.getValue();
      out.printf("%-12s %12d %14d %14d %14d%n", e.getKey(), f.documents(), f.uniqueTerms(),
          f.totalTerms(), f.postings());
    }
    out.println();
    if (meta == null) {
      out.println("(no " + IndexFields.METADATA_FILE + ": not built by Trawl)");
    } else {
      out.println("Built by trawl " + meta.trawlVersion() + " at " + meta.created());
      out.println("corpus:    " + meta.corpus() + " (" + meta.format() + ", layout " + meta.layout()
          + (meta.titleInContents() ? ", title not repeated: text begins with it" : "") + ")");
      out.println("analyzer:  " + meta.analyzer());
      out.println("stored:    positions=" + meta.storePositions() + " docvectors=" + meta.storeDocvectors()
          + " raw=" + meta.storeRaw());
      out.println("documents: " + meta.documents() + " (empty skipped " + meta.emptyDocuments() + ", bad skipped "
          + meta.skipped() + ", duplicates removed " + meta.duplicatesRemoved() + ")");
      IndexMetadata.Timings t = meta.timings();
      out.println("timings:   " + t.totalSeconds() + " s total (" + t.indexSeconds() + " s indexing, "
          + t.mergeSeconds() + " s merging), " + Math.round(t.documentsPerSecond()) + " docs/s, "
          + meta.threads() + " threads");
    }
  }
}
