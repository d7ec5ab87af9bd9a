package io.trawl.index.segment;

import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;

/**
 * The fields of an index, and where each takes its value from a document: the one place that
 * says what the segment writer writes. In Lucene's terms a document of this schema is
 * ({@link #document}): the docid as a keyword field (indexed as one term, stored, sorted doc
 * values), then the text fields (analyzed; frequencies, optionally positions and term vectors;
 * norms), then the stored-only fields. {@link SegmentBuilder} writes exactly what IndexWriter
 * writes for those documents, and takes the field infos from IndexWriter itself
 * ({@link #fieldInfos}), so a field added here needs no other change to the writer.
 *
 * @param id the docid field's name (its value is {@link SourceDocument#id()})
 * @param text the analyzed fields, in document order
 * @param stored the stored-only fields, in document order
 * @param positions whether text fields index positions
 * @param vectors whether text fields store term vectors (with positions when {@code positions})
 */
public record Schema(String id, List<Text> text, List<Stored> stored, boolean positions,
    boolean vectors) {

  /** An analyzed field and its text in a document. */
  public record Text(String name, Function<SourceDocument, String> value) {}

  /** A stored-only field and its value in a document. */
  public record Stored(String name, Function<SourceDocument, String> value) {}

  public Schema {
    text = List.copyOf(text);
    stored = List.copyOf(stored);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a schema needs a text field");
    }
  }

  /** How text fields are indexed. */
  public FieldType textType() {
    FieldType t = new FieldType();
    t.setTokenized(true);
    t.setStored(false);
    t.setIndexOptions(positions ? IndexOptions.DOCS_AND_FREQS_AND_POSITIONS : IndexOptions.DOCS_AND_FREQS);
    if (vectors) {
      t.setStoreTermVectors(true);
      t.setStoreTermVectorPositions(positions);
    }
    t.freeze();
    return t;
  }

  /** The document as Lucene's IndexWriter would be given it. */
  public Document document(SourceDocument d) {
    Document doc = new Document();
    doc.add(new StringField(id, d.id(), Field.Store.YES));
    doc.add(new SortedDocValuesField(id, new BytesRef(d.id())));
    FieldType type = textType();
    for (Text t : text) {
      doc.add(new Field(t.name(), t.value().apply(d), type));
    }
    for (Stored s : stored) {
      doc.add(new org.apache.lucene.document.StoredField(s.name(), s.value().apply(d)));
    }
    return doc;
  }

  /**
   * The field infos IndexWriter gives documents of this schema: one sample document indexed in
   * memory, and its field infos read back.
   */
  public FieldInfos fieldInfos(Analyzer analyzer, Similarity similarity) throws IOException {
    try (Directory mem = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(mem, new IndexWriterConfig(analyzer)
          .setSimilarity(similarity).setUseCompoundFile(false))) {
        w.addDocument(document(new SourceDocument("sample", "sample title", "sample text", "{}",
            "sample", 1)));
      }
      try (DirectoryReader r = DirectoryReader.open(mem)) {
        return r.leaves().get(0).reader().getFieldInfos();
      }
    }
  }

  /** Characters of a document's indexed and stored text (what a chunk's size is counted in). */
  long chars(SourceDocument d) {
    long n = d.contents().length() + d.title().length();
    for (Stored s : stored) {
      n += s.value().apply(d).length();
    }
    return n;
  }
}
