package io.trawl.index;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code <index>/trawl-index.json} records about how an index was built, so that later stages
 * can check they use it the same way (above all: the same analyzer) and a run can say where its
 * numbers came from.
 *
 * @param schema version of this file's layout (currently 1)
 * @param trawlVersion the Trawl version that built the index
 * @param created ISO-8601 instant the build finished
 * @param corpus the input: absolute path, or {@code builtin:NAME}
 * @param format corpus format name ({@code json}, {@code beir}, ...)
 * @param layout {@code flat} or {@code multifield}
 * @param analyzer {@link Analyzers#describe(String, boolean)} of the analyzer used
 * @param stemmer {@code porter} or {@code none}
 * @param keepStopwords whether stopwords were kept
 * @param titleInContents whether the flat layout left the title out because the text repeats it
 * @param storePositions whether positions are indexed ({@code contents}, {@code title})
 * @param storeDocvectors whether term vectors are stored
 * @param storeRaw whether the raw document is stored in field {@code raw}
 * @param impact whether {@code contents} holds impacts (pre-encoded term weights as term
 *     frequencies, norms 1, analyzer {@code whitespace}): searched with the {@code impact}
 *     retriever only
 * @param documents documents in the index
 * @param emptyDocuments empty documents skipped, as Anserini skips them (nothing but whitespace in
 *     the text of {@code contents}; not in {@code documents})
 * @param skipped documents skipped because of input errors ({@code --on-error skip})
 * @param duplicatesRemoved later copies of a repeated docid removed ({@code --on-error skip})
 * @param uniqueTerms distinct terms in {@code contents}
 * @param totalTerms term occurrences in {@code contents}
 * @param fields statistics of every indexed field
 * @param threads indexing threads
 * @param timings wall-clock seconds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schema", "trawlVersion", "created", "corpus", "format", "layout", "analyzer",
    "stemmer", "keepStopwords", "titleInContents", "storePositions", "storeDocvectors", "storeRaw",
    "impact", "documents", "emptyDocuments", "skipped", "duplicatesRemoved", "uniqueTerms", "totalTerms",
    "fields", "threads", "timings"})
public record IndexMetadata(
    int schema,
    String trawlVersion,
    String created,
    String corpus,
    String format,
    String layout,
    String analyzer,
    String stemmer,
    boolean keepStopwords,
    boolean titleInContents,
    boolean storePositions,
    boolean storeDocvectors,
    boolean storeRaw,
    boolean impact,
    long documents,
    long emptyDocuments,
    long skipped,
    long duplicatesRemoved,
    long uniqueTerms,
    long totalTerms,
    Map<String, IndexStats.FieldStats> fields,
    int threads,
    Timings timings) {

  public static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** Wall-clock seconds of the phases of a build. */
  @JsonPropertyOrder({"indexSeconds", "mergeSeconds", "totalSeconds", "documentsPerSecond"})
  public record Timings(double indexSeconds, double mergeSeconds, double totalSeconds,
      double documentsPerSecond) {}

  /** A new instance of the analyzer this index was built with (use it for queries). */
  public org.apache.lucene.analysis.Analyzer newAnalyzer() {
    if (Analyzers.WHITESPACE.equals(analyzer)) {
      return Analyzers.whitespace();
    }
    return Analyzers.english(stemmer, keepStopwords);
  }

  /** The layout as an enum. */
  public Layout layoutValue() {
    return Layout.parse(layout);
  }

  /** Reads {@code <indexDir>/trawl-index.json}; a folder without one is not a Trawl index. */
  public static IndexMetadata read(Path indexDir) {
    Path file = indexDir.resolve(IndexFields.METADATA_FILE);
    try {
      IndexMetadata m = MAPPER.readValue(Files.readString(file, StandardCharsets.UTF_8), IndexMetadata.class);
      if (m.schema() > SCHEMA) {
        throw TrawlException.invalid(file + ": written by a newer Trawl (schema " + m.schema()
            + ", this one reads " + SCHEMA + ")");
      }
      return m;
    } catch (NoSuchFileException e) {
      throw TrawlException.invalid(indexDir + ": not a Trawl index (no " + IndexFields.METADATA_FILE + ")");
    } catch (JsonProcessingException e) {
      throw TrawlException.invalid(file + ": malformed index metadata: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Writes this as {@code <indexDir>/trawl-index.json}. */
  public void write(Path indexDir) throws IOException {
    Files.writeString(indexDir.resolve(IndexFields.METADATA_FILE), toJson() + "\n", StandardCharsets.UTF_8);
  }

  /** Pretty-printed JSON. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fails (exit 2) unless the index was built with {@code expectedAnalyzer} (a
   * {@link Analyzers#describe} string): searching with another analyzer gives wrong numbers
   * without any other sign.
   */
  public void requireAnalyzer(String expectedAnalyzer) {
    if (!analyzer.equals(expectedAnalyzer)) {
      throw TrawlException.invalid("index was built with analyzer " + analyzer
          + " but " + expectedAnalyzer + " was asked for; use the index's settings or rebuild it");
    }
  }

  /** The Trawl version from the build's {@code version.properties}, or {@code dev}. */
  static String currentTrawlVersion() {
    try (InputStream in = IndexMetadata.class.getResourceAsStream("/io/trawl/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
