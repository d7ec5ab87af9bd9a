package io.trawl.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.corpus.SourceDocument;
import io.trawl.index.IndexEquality;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The segment writer against Lucene's IndexWriter given the same documents (written by hand here,
 * not through {@link Schema#document}): same field infos, postings, norms, stored fields, term
 * vectors and doc values ({@link IndexEquality}), and a clean {@link CheckIndex}.
 */
class SegmentPipelineTest {
  @TempDir Path tmp;

  private static FieldType textType(boolean positions, boolean vectors) {
    FieldType t = new FieldType();
    t.setTokenized(true);
    t.setIndexOptions(positions ? IndexOptions.DOCS_AND_FREQS_AND_POSITIONS : IndexOptions.DOCS_AND_FREQS);
    if (vectors) {
      t.setStoreTermVectors(true);
      t.setStoreTermVectorPositions(positions);
    }
    t.freeze();
    return t;
  }

  /** Writes {@code docs} with the pipeline (chunks of {@code chunkDocs}); returns what it wrote. */
  private static SegmentPipeline.Written write(Directory dir, Schema schema, Analyzer analyzer,
      List<SourceDocument> docs, int chunkDocs) throws IOException {
    try (SegmentPipeline p = new SegmentPipeline(dir, schema, analyzer, 2, chunkDocs, 1 << 20, 1L << 30)) {
      Iterator<SourceDocument> it = docs.iterator();
      p.add(() -> it.hasNext() ? it.next() : null);
      assertEquals(docs.size(), p.added());
      return p.commit();
    }
  }

  /** Asserts the same content; {@code norms}, {@code vectors}: how many were compared. */
  private static void assertSameAndClean(Directory reference, Directory built, int norms, int vectors)
      throws IOException {
    try (DirectoryReader a = DirectoryReader.open(reference); DirectoryReader b = DirectoryReader.open(built)) {
      assertEquals(1, b.leaves().size());
      IndexEquality.Compared n = IndexEquality.assertSame(a.leaves().get(0).reader(), b.leaves().get(0).reader());
      assertEquals(norms, n.norms(), n.toString());
      assertEquals(vectors, n.vectors(), "a vector for each document and field with tokens");
      assertTrue(n.postings() > 20, n.toString());
    }
    try (CheckIndex check = new CheckIndex(built)) {
      check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
      assertTrue(check.checkIndex().clean);
    }
  }

  /**
   * What the English analyzer never produces: overlapping tokens (position increment 0,
   * discounted from BM25's length), a term repeated at one position, empty documents, a repeated
   * docid, terms spread over several chunks.
   */
  @ParameterizedTest(name = "positions={0} vectors={1}")
  @CsvSource({"false, false", "true, false", "false, true", "true, true"})
  void overlapsAndRepeatsAsIndexWriter(boolean positions, boolean vectors) throws IOException {
    String[] texts = {"a b a c a b", "xa b b", "", "c c c c", "b xz a xz", "a", "", "p q r xa a",
        "xq xq xq", "b"};
    String[] ids = {"d0", "d1", "d2", "d3", "d1", "d5", "d6", "d7", "d8", "d9"};
    Analyzer analyzer = new OverlapAnalyzer();
    FieldType type = textType(positions, vectors);
    List<SourceDocument> docs = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      docs.add(new SourceDocument(ids[i], "", texts[i], "{\"raw\":" + i + "}", "test", i + 1));
    }
    Schema schema = new Schema("id", List.of(new Schema.Text("contents", SourceDocument::contents)),
        List.of(new Schema.Stored("raw", SourceDocument::raw)), positions, vectors);
    try (Directory ref = new ByteBuffersDirectory(); FSDirectory built = FSDirectory.open(tmp.resolve("built"))) {
      try (IndexWriter w = new IndexWriter(ref, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
        for (SourceDocument d : docs) {
          Document doc = new Document();
          doc.add(new StringField("id", d.id(), Field.Store.YES));
          doc.add(new SortedDocValuesField("id", new BytesRef(d.id())));
          doc.add(new Field("contents", d.contents(), type));
          doc.add(new StoredField("raw", d.raw()));
          w.addDocument(doc);
        }
      }
      SegmentPipeline.Written written = write(built, schema, analyzer, docs, 4);
      assertEquals(1, written.repeatedIds(), "d1 occurs twice");
      assertSameAndClean(ref, built, texts.length, vectors ? 8 : 0);
    }
  }

  /**
   * A field with another stored field and another text field is one change to the schema: the
   * writer gives them the field infos, postings, norms and stored values IndexWriter gives them.
   */
  @Test
  void fieldsAddedToTheSchemaAreWrittenAsIndexWriterWritesThem() throws IOException {
    List<SourceDocument> docs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      docs.add(new SourceDocument("doc" + i, "title " + (i % 7), "text " + i + " of " + (i % 3),
          "{\"n\":" + i + "}", "test", i + 1));
    }
    Schema schema = new Schema("docid",
        List.of(new Schema.Text("body", SourceDocument::contents), new Schema.Text("heading", SourceDocument::title)),
        List.of(new Schema.Stored("raw", SourceDocument::raw), new Schema.Stored("where", SourceDocument::location)),
        true, true);
    Analyzer analyzer = new WhitespaceAnalyzer();
    FieldType type = textType(true, true);
    try (Directory ref = new ByteBuffersDirectory(); FSDirectory built = FSDirectory.open(tmp.resolve("built"))) {
      try (IndexWriter w = new IndexWriter(ref, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
        for (SourceDocument d : docs) {
          Document doc = new Document();
          doc.add(new StringField("docid", d.id(), Field.Store.YES));
          doc.add(new SortedDocValuesField("docid", new BytesRef(d.id())));
          doc.add(new Field("body", d.contents(), type));
          doc.add(new Field("heading", d.title(), type));
          doc.add(new StoredField("raw", d.raw()));
          doc.add(new StoredField("where", d.location()));
          w.addDocument(doc);
        }
      }
      assertEquals(0, write(built, schema, analyzer, docs, 7).repeatedIds());
      assertSameAndClean(ref, built, 2 * docs.size(), 2 * docs.size());
      try (DirectoryReader r = DirectoryReader.open(built)) {
        assertEquals("test:13", r.storedFields().document(12).get("where"));
      }
    }
  }

  /**
   * A chunk whose field has exactly as many distinct terms as the chunk's per-term arrays hold at
   * first (1,024): the end marker of the last term's pairs still fits.
   */
  @Test
  void chunkWithExactly1024DistinctTerms() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int t = 0; t < 1024; t++) {
      text.append("w").append(t).append(' ');
    }
    List<SourceDocument> docs = List.of(new SourceDocument("only", "", text.toString(), "", "test", 1));
    Schema schema = new Schema("id", List.of(new Schema.Text("contents", SourceDocument::contents)),
        List.of(), false, false);
    Analyzer analyzer = new WhitespaceAnalyzer();
    try (Directory ref = new ByteBuffersDirectory(); FSDirectory built = FSDirectory.open(tmp.resolve("built"))) {
      try (IndexWriter w = new IndexWriter(ref, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
        Document doc = new Document();
        doc.add(new StringField("id", "only", Field.Store.YES));
        doc.add(new SortedDocValuesField("id", new BytesRef("only")));
        doc.add(new Field("contents", text.toString(), textType(false, false)));
        w.addDocument(doc);
      }
      write(built, schema, analyzer, docs, 1);
      assertSameAndClean(ref, built, 1, 0);
      try (DirectoryReader r = DirectoryReader.open(built)) {
        assertEquals(1024, r.leaves().get(0).reader().terms("contents").size());
      }
    }
  }

  /** Whitespace tokens; a token starting with 'x' is followed by an overlapping copy "syn". */
  private static final class OverlapAnalyzer extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer t = new WhitespaceTokenizer();
      TokenStream f = new TokenFilter(t) {
        final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        final PositionIncrementAttribute pos = addAttribute(PositionIncrementAttribute.class);
        boolean pending;

        @Override
        public boolean incrementToken() throws IOException {
          if (pending) {
            pending = false;
            term.setEmpty().append("syn");
            pos.setPositionIncrement(0);
            return true;
          }
          if (!input.incrementToken()) {
            return false;
          }
          pending = term.length() > 0 && term.charAt(0) == 'x';
          return true;
        }

        @Override
        public void reset() throws IOException {
          super.reset();
          pending = false;
        }
      };
      return new TokenStreamComponents(t, f);
    }
  }
}
