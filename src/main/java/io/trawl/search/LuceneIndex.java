package io.trawl.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.fetch.FetchCache;
import io.trawl.fetch.Fetcher;
import io.trawl.index.Analyzers;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * An open Lucene index in Trawl's layout ({@link IndexFields}) with its analyzer. Docid lookup
 * goes through the {@code id} field's sorted doc values (no stored-field reads); indexes without
 * them fall back to the stored {@code id}. Thread-safe.
 */
public final class LuceneIndex implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final DirectoryReader reader;
  private final String analyzerName;
  private final String layout;
  private final Analyzer analyzer;
  private final boolean idDocValues;
  private final boolean impact;

  private LuceneIndex(Path path, DirectoryReader reader, String analyzerName, String layout,
      boolean impact) {
    this.path = path;
    this.impact = impact;
    this.layout = layout;
    this.reader = reader;
    this.analyzerName = analyzerName;
    this.analyzer = analyzerFromName(analyzerName);
    boolean dv = !reader.leaves().isEmpty();
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo fi = leaf.reader().getFieldInfos().fieldInfo(IndexFields.ID);
      if (fi == null || fi.getDocValuesType() != DocValuesType.SORTED) {
        dv = false;
      }
    }
    this.idDocValues = dv;
  }

  /**
   * Opens the index at {@code dir}. {@code requestedAnalyzer} (null = whatever the index says) must
   * equal the analyzer recorded in the index metadata, or the open fails (exit 2).
   */
  public static LuceneIndex open(Path given, String requestedAnalyzer) {
    Path dir = resolve(given);
    String recorded = readAnalyzer(dir);
    String name = recorded != null ? recorded : Analyzers.describe("porter", false);
    if (requestedAnalyzer != null) {
      String want = canonical(requestedAnalyzer);
      if (!want.equals(canonical(name))) {
        throw TrawlException.invalid("index " + dir + " was built with analyzer " + name
            + " but " + requestedAnalyzer + " was requested; search with the index's analyzer");
      }
    }
    try {
      DirectoryReader r = DirectoryReader.open(FSDirectory.open(dir));
      return new LuceneIndex(dir, r, name, readString(dir, "layout"), readBoolean(dir, "impact"));
    } catch (IndexNotFoundException e) {
      throw new InputException(dir.toString(), "not a Lucene index (no segments file)");
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, dir + ": cannot open index: " + e.getMessage(), e);
    }
  }

  /**
   * The folder of index {@code dir}: the folder itself when it exists, else the prebuilt index of
   * that name in the fetch cache ({@code trawl fetch NAME}); when neither exists the error says
   * what to fetch if the name is a prebuilt index of the catalogue.
   */
  public static Path resolve(Path dir) {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    String name = dir.toString();
    Path cached = Fetcher.cachedIndex(name);
    if (cached != null) {
      return cached;
    }
    if (Fetcher.isPrebuiltIndex(name)) {
      throw new InputException(name, "no such index folder, and the prebuilt index " + name
          + " is not in the fetch cache (" + FetchCache.of(null).indexes() + "); run 'trawl fetch " + name + "'");
    }
    throw new InputException(name, "no such index folder");
  }

  /** The analyzer recorded in {@code trawl-index.json}, or null when there is no metadata. */
  static String readAnalyzer(Path dir) {
    Path meta = dir.resolve(IndexFields.METADATA_FILE);
    if (!Files.isRegularFile(meta)) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(meta.toFile());
      JsonNode a = n == null ? null : n.get("analyzer");
      if (a == null || a.isNull()) {
        return null;
      }
      if (a.isTextual()) {
        return a.asText();
      }
      // structured form {"name":..., "stemmer":..., "stopwords":...}
      String stemmer = a.path("stemmer").asText("porter");
      String stop = a.path("stopwords").asText("lucene");
      return "english(stemmer=" + stemmer + ",stopwords=" + stop + ")";
    } catch (IOException e) {
      throw new InputException(meta.toString(), "cannot read index metadata: " + e.getMessage());
    }
  }

  /** A top-level string of {@code trawl-index.json}, or null. */
  static String readString(Path dir, String key) {
    Path meta = dir.resolve(IndexFields.METADATA_FILE);
    if (!Files.isRegularFile(meta)) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(meta.toFile());
      JsonNode v = n == null ? null : n.get(key);
      return v == null || !v.isTextual() ? null : v.asText();
    } catch (IOException e) {
      throw new InputException(meta.toString(), "cannot read index metadata: " + e.getMessage());
    }
  }

  /** A top-level boolean of {@code trawl-index.json} (false when absent). */
  static boolean readBoolean(Path dir, String key) {
    Path meta = dir.resolve(IndexFields.METADATA_FILE);
    if (!Files.isRegularFile(meta)) {
      return false;
    }
    try {
      JsonNode n = JSON.readTree(meta.toFile());
      JsonNode v = n == null ? null : n.get(key);
      return v != null && v.isBoolean() && v.asBoolean();
    } catch (IOException e) {
      throw new InputException(meta.toString(), "cannot read index metadata: " + e.getMessage());
    }
  }

  /**
   * Whether the index holds impacts (a pre-encoded corpus, {@code trawl index --collection
   * json-vector}): term frequencies are quantised weights, norms are 1.
   */
  public boolean impact() {
    return impact;
  }

  /** The index layout from its metadata ({@code flat}, {@code multifield}), or null if unknown. */
  public String layout() {
    return layout;
  }

  /**
   * The fields to search when the user names none: {@code title} and {@code contents} (weight 1
   * each, BEIR "multifield") for a multifield index, else {@code contents}.
   */
  public java.util.Map<String, Float> defaultFields() {
    if ("multifield".equalsIgnoreCase(layout)) {
      java.util.Map<String, Float> m = new java.util.LinkedHashMap<>();
      m.put(IndexFields.TITLE, 1.0f);
      m.put(IndexFields.CONTENTS, 1.0f);
      return m;
    }
    return java.util.Map.of(IndexFields.CONTENTS, 1.0f);
  }

  private static String canonical(String s) {
    return s.replace(" ", "").toLowerCase(Locale.ROOT);
  }

  /** Builds the analyzer named like {@code english(stemmer=porter,stopwords=lucene)}. */
  static Analyzer analyzerFromName(String name) {
    String c = canonical(name);
    if (c.equals(Analyzers.WHITESPACE)) {
      return Analyzers.whitespace();
    }
    if (!c.startsWith("english")) {
      throw TrawlException.invalid("unsupported analyzer '" + name + "'; this build searches english(...) and whitespace indexes");
    }
    String stemmer = c.contains("stemmer=none") ? "none" : "porter";
    boolean keepStop = c.contains("stopwords=none");
    return Analyzers.english(stemmer, keepStop);
  }

  public Path path() {
    return path;
  }

  public IndexReader reader() {
    return reader;
  }

  public Analyzer analyzer() {
    return analyzer;
  }

  public String analyzerName() {
    return analyzerName;
  }

  public int numDocs() {
    return reader.numDocs();
  }

  /** The external ids of Lucene docs {@code docs[0..n)}, in the same order. */
  public BytesRef[] idBytes(int[] docs, int n) {
    BytesRef[] out = new BytesRef[n];
    if (n == 0) {
      return out;
    }
    // visit documents in increasing doc id (doc values iterate forward): sort (doc, slot) pairs
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = ((long) docs[i] << 32) | i;
    }
    Arrays.sort(packed);
    List<LeafReaderContext> leaves = reader.leaves();
    try {
      if (idDocValues) {
        int leafIndex = -1;
        SortedDocValues dv = null;
        LeafReaderContext leaf = null;
        for (int j = 0; j < n; j++) {
          int i = (int) packed[j];
          int doc = docs[i];
          int li = ReaderUtil.subIndex(doc, leaves);
          if (li != leafIndex) {
            leafIndex = li;
            leaf = leaves.get(li);
            dv = leaf.reader().getSortedDocValues(IndexFields.ID);
          }
          int local = doc - leaf.docBase;
          if (dv == null || !dv.advanceExact(local)) {
            throw new TrawlException(TrawlException.RUNTIME, "document " + doc + " has no id");
          }
          out[i] = BytesRef.deepCopyOf(dv.lookupOrd(dv.ordValue()));
        }
      } else {
        StoredFields sf = reader.storedFields();
        for (int i = 0; i < n; i++) {
          String id = sf.document(docs[i]).get(IndexFields.ID);
          if (id == null) {
            throw new TrawlException(TrawlException.RUNTIME, "document " + docs[i] + " has no id");
          }
          out[i] = new BytesRef(id);
        }
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read docids: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // ignore on close
    }
  }
}
