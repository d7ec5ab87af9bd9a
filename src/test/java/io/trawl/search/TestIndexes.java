package io.trawl.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TextFiles;
import io.trawl.index.Analyzers;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds small Lucene indexes in Trawl's layout for search tests, directly with Lucene (the
 * indexer lives on another branch): id = keyword + stored + sorted doc values; contents (and title
 * for multifield) analyzed with positions and term vectors; raw stored.
 */
final class TestIndexes {
  static final ObjectMapper JSON = new ObjectMapper();

  private TestIndexes() {}

  /** The shared data folder, or skips the test when absent. */
  static Path shared(String sub) {
    String s = System.getProperty("trawl.shared", "../shared");
    Path p = Path.of(s, "data", sub);
    Assumptions.assumeTrue(Files.exists(p), "shared test data not found at " + p + "; skipping");
    return p;
  }

  static FieldType textType() {
    FieldType t = new FieldType();
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    t.setTokenized(true);
    t.setStored(false);
    t.setStoreTermVectors(true);
    t.freeze();
    return t;
  }

  static void addDoc(IndexWriter w, String id, String contents, String title, String raw)
      throws IOException {
    Document d = new Document();
    d.add(new StringField(IndexFields.ID, id, Field.Store.YES));
    d.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(id)));
    d.add(new Field(IndexFields.CONTENTS, contents, textType()));
    if (title != null) {
      d.add(new Field(IndexFields.TITLE, title, textType()));
    }
    d.add(new StoredField(IndexFields.RAW, raw));
    w.addDocument(d);
  }

  static IndexWriter writer(Path dir) throws IOException {
    IndexWriterConfig c = new IndexWriterConfig(Analyzers.english("porter", false));
    c.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    c.setRAMBufferSizeMB(256);
    return new IndexWriter(FSDirectory.open(dir), c);
  }

  static void writeMetadata(Path dir) throws IOException {
    Files.writeString(dir.resolve(IndexFields.METADATA_FILE),
        JSON.writeValueAsString(Map.of("analyzer", Analyzers.describe("porter", false))));
  }

  /** JSON array or JSONL of {"id","contents"}. */
  static Path jsonDocs(List<Path> files, Path dir) throws IOException {
    try (IndexWriter w = writer(dir)) {
      for (Path f : files) {
        JsonNode root = JSON.readTree(f.toFile());
        for (JsonNode n : root.isArray() ? root : List.of(root)) {
          addDoc(w, n.get("id").asText(), n.get("contents").asText(), null, n.toString());
        }
      }
      w.commit();
    }
    writeMetadata(dir);
    return dir;
  }

  /**
   * TREC SGML: docid from DOCNO; contents = the text inside the tags Anserini's TREC collection
   * keeps (TEXT, HEADLINE, TITLE, HL, HEAD, TTL, DD, DATE, LP, LEADPARA), tags removed. (Fitted to
   * Anserini's BM25 scores on the sample: indexing every tag's text gives different lengths.)
   */
  static Path trec(List<Path> files, Path dir) throws IOException {
    try (IndexWriter w = writer(dir)) {
      for (Path f : files) {
        String all = Files.readString(f);
        int pos = 0;
        while (true) {
          int s = all.indexOf("<DOC>", pos);
          if (s < 0) {
            break;
          }
          int e = all.indexOf("</DOC>", s);
          String doc = all.substring(s + 5, e);
          pos = e + 6;
          int a = doc.indexOf("<DOCNO>");
          int b = doc.indexOf("</DOCNO>");
          String id = doc.substring(a + 7, b).strip();
          StringBuilder contents = new StringBuilder();
          java.util.regex.Matcher m = java.util.regex.Pattern.compile(
              "<(TEXT|HEADLINE|TITLE|HL|HEAD|TTL|DD|DATE|LP|LEADPARA)>(.*?)</\\1>",
              java.util.regex.Pattern.DOTALL).matcher(doc);
          while (m.find()) {
            contents.append(m.group(2).replaceAll("<[^>]*>", " ")).append('\n');
          }
          addDoc(w, id, contents.toString(), null, "<DOC>" + doc + "</DOC>");
        }
      }
      w.commit();
    }
    writeMetadata(dir);
    return dir;
  }
}
