package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.corpus.BeirCorpus;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SampleData;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
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
import org.apache.lucene.index.LeafReader;
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
 * The indexer (analysis and inversion on workers, the segment written without IndexWriter) builds
 * the same index as the plain way: one {@link IndexWriter}, one thread, every document added with
 * its text as a string field analyzed by Lucene. Compared: field infos, statistics, every term's
 * postings (docs, freqs, positions), norms doc by doc, stored fields, term vectors, doc values;
 * and Lucene's own {@link CheckIndex}. The segment writer alone, on token streams the English
 * analyzer never makes: {@code io.trawl.index.segment.SegmentPipelineTest}.
 */
class IndexerEqualityTest {
  @TempDir Path tmp;

  private static FieldType textType(boolean positions, boolean vectors) {
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

  /** The reference: the corpus added document by document, in order, by one plain IndexWriter. */
  private static void reference(Corpus corpus, String input, Directory dir, Layout layout, boolean raw,
      boolean positions, boolean vectors) throws IOException {
    FieldType type = textType(positions, vectors);
    IndexWriterConfig c = new IndexWriterConfig(Analyzers.english("porter", false))
        .setSimilarity(new BM25Similarity()).setUseCompoundFile(false);
    try (IndexWriter w = new IndexWriter(dir, c); CorpusReader r = corpus.read(input, OnError.FAIL)) {
      SourceDocument d;
      while ((d = r.next()) != null) {
        Document doc = new Document();
        doc.add(new StringField(IndexFields.ID, d.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(d.id())));
        if (layout == Layout.MULTIFIELD) {
          doc.add(new Field(IndexFields.TITLE, d.title(), type));
          doc.add(new Field(IndexFields.CONTENTS, d.contents(), type));
        } else {
          doc.add(new Field(IndexFields.CONTENTS, d.title().isEmpty() || corpus.titleInContents()
              ? d.contents() : d.title() + "\n" + d.contents(), type));
        }
        if (raw) {
          doc.add(new StoredField(IndexFields.RAW, d.raw()));
        }
        w.addDocument(doc);
      }
      w.forceMerge(1);
    }
  }

  @ParameterizedTest(name = "{0} raw={1} positions={2} vectors={3} threads={4} ram={5}")
  @CsvSource({
      "FLAT, false, false, false, 2, 0",
      "FLAT, true, false, false, 3, 0",
      "MULTIFIELD, false, false, false, 2, 0",
      "MULTIFIELD, true, false, false, 1, 0",
      "FLAT, true, true, true, 2, 0",
      "MULTIFIELD, false, true, false, 2, 0",
      "MULTIFIELD, true, true, true, 1, 0",
      "MULTIFIELD, true, true, true, 2, 0",
      "FLAT, false, false, true, 2, 0",
      // segments beyond a tiny memory budget: several, joined by one merge at the end
      "FLAT, true, true, true, 2, 1",
      "FLAT, false, true, true, 2, 2",
      "MULTIFIELD, true, false, false, 1, 0.5",
  })
  void scifactIndexEqualsThePlainOne(Layout layout, boolean raw, boolean positions, boolean vectors,
      int threads, double ramMB) throws IOException {
    String input = SampleData.require("beir-scifact/corpus.jsonl").toString();
    Corpus corpus = new BeirCorpus();
    Indexer indexer = new Indexer(new Indexer.Options().corpus(corpus, input).index(tmp.resolve("built"))
        .layout(layout).storeRaw(raw).storePositions(positions).storeDocvectors(vectors)
        .threads(threads).chunk(97, 1 << 20).ramBufferMB(ramMB));
    Path built = indexer.run().index();
    if (ramMB > 0) {
      assertTrue(indexer.flushedSegments > 1, "several segments: " + indexer.flushedSegments);
    } else {
      assertEquals(1, indexer.flushedSegments, "the whole corpus in one segment");
    }
    try (Directory ref = new ByteBuffersDirectory()) {
      reference(corpus, input, ref, layout, raw, positions, vectors);
      try (FSDirectory d = FSDirectory.open(built); DirectoryReader a = DirectoryReader.open(ref);
          DirectoryReader b = DirectoryReader.open(d)) {
        assertEquals(1, a.leaves().size());
        assertEquals(1, b.leaves().size());
        IndexEquality.Compared n = IndexEquality.assertSame(a.leaves().get(0).reader(),
            b.leaves().get(0).reader());
        assertEquals(5183, a.maxDoc());
        assertTrue(n.terms() > 28_000 && n.postings() > 400_000, n.toString());
        assertEquals(5183L * (layout == Layout.MULTIFIELD ? 2 : 1), n.norms(), n.toString());
        assertEquals(5183L * (raw ? 2 : 1), n.storedValues());
        // one vector per document and text field (none for an empty title)
        assertTrue(vectors ? n.vectors() >= 5183 : n.vectors() == 0, n.toString());
      }
      // Lucene's own check of the whole index (checksums, postings, impacts, term vectors
      // against postings, doc values)
      try (FSDirectory d = FSDirectory.open(built); CheckIndex check = new CheckIndex(d)) {
        check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
        CheckIndex.Status status = check.checkIndex();
        assertTrue(status.clean, "CheckIndex found problems");
      }
    }
  }

  /**
   * An impact index (a pre-encoded corpus, {@code json-vector}: whitespace analyzer, every norm 1)
   * equals the one a plain IndexWriter with {@link ImpactSimilarity} writes for the same
   * pseudo-documents (empty ones left out, as the indexer skips them), with and without positions,
   * term vectors and raw documents, in one segment and in several joined by the final merge.
   */
  @ParameterizedTest(name = "raw={0} positions={1} vectors={2} threads={3} ram={4}")
  @CsvSource({
      "false, false, false, 2, 0",
      "true, true, true, 1, 0",
      "false, true, true, 2, 1",
      "true, false, false, 3, 0.5",
  })
  void impactIndexEqualsThePlainOne(boolean raw, boolean positions, boolean vectors, int threads,
      double ramMB) throws IOException {
    io.trawl.bench.SparseCorpusGenerator.write(tmp.resolve("sparse"), 1500, 1, 7);
    String input = tmp.resolve("sparse/corpus").toString();
    Corpus corpus = io.trawl.corpus.Corpora.get("json-vector");
    Indexer indexer = new Indexer(new Indexer.Options().corpus(corpus, input).index(tmp.resolve("built"))
        .storeRaw(raw).storePositions(positions).storeDocvectors(vectors)
        .threads(threads).chunk(97, 1 << 20).ramBufferMB(ramMB));
    Path built = indexer.run().index();
    if (ramMB > 0) {
      assertTrue(indexer.flushedSegments > 1, "several segments: " + indexer.flushedSegments);
    }
    try (Directory ref = new ByteBuffersDirectory()) {
      FieldType type = textType(positions, vectors);
      IndexWriterConfig c = new IndexWriterConfig(new org.apache.lucene.analysis.core.WhitespaceAnalyzer())
          .setSimilarity(new ImpactSimilarity()).setUseCompoundFile(false);
      long docs = 0;
      try (IndexWriter w = new IndexWriter(ref, c); CorpusReader r = corpus.read(input, OnError.FAIL)) {
        SourceDocument d;
        while ((d = r.next()) != null) {
          if (d.contents().trim().isEmpty()) {
            continue;
          }
          Document doc = new Document();
          doc.add(new StringField(IndexFields.ID, d.id(), Field.Store.YES));
          doc.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(d.id())));
          doc.add(new Field(IndexFields.CONTENTS, d.contents(), type));
          if (raw) {
            doc.add(new StoredField(IndexFields.RAW, d.raw()));
          }
          w.addDocument(doc);
          docs++;
        }
        w.forceMerge(1);
      }
      try (FSDirectory d = FSDirectory.open(built); DirectoryReader a = DirectoryReader.open(ref);
          DirectoryReader b = DirectoryReader.open(d)) {
        assertEquals(1, b.leaves().size());
        IndexEquality.Compared n = IndexEquality.assertSame(a.leaves().get(0).reader(),
            b.leaves().get(0).reader());
        assertTrue(docs > 1400 && n.terms() > 3000, n.toString());
        assertEquals(docs, n.norms(), n.toString());
      }
      try (FSDirectory d = FSDirectory.open(built); CheckIndex check = new CheckIndex(d)) {
        check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
        assertTrue(check.checkIndex().clean, "CheckIndex found problems");
      }
    }
  }

  /**
   * Empty documents are skipped, in both layouts: 400 SciFact documents with empty ones mixed in
   * (blank, whitespace, title only) build the same index as the plain writer given the corpus
   * without them.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"FLAT", "MULTIFIELD"})
  void emptyDocumentsAreSkipped(Layout layout) throws IOException {
    List<String> lines = java.nio.file.Files.readAllLines(
        SampleData.require("beir-scifact/corpus.jsonl")).subList(0, 400);
    StringBuilder with = new StringBuilder();
    StringBuilder without = new StringBuilder();
    int empty = 0;
    for (int i = 0; i < lines.size(); i++) {
      with.append(lines.get(i)).append('\n');
      without.append(lines.get(i)).append('\n');
      if (i % 9 == 0) {
        with.append("{\"_id\": \"e").append(i).append("\", \"title\": \"\", \"text\": \"\"}\n");
        with.append("{\"_id\": \"w").append(i).append("\", \"title\": \" \", \"text\": \"\\n\\t \"}\n");
        empty += 2;
      }
      if (i % 31 == 0) {
        // a title without text: empty only where contents is the text alone
        String doc = "{\"_id\": \"t" + i + "\", \"title\": \"title only " + i + "\", \"text\": \" \"}\n";
        with.append(doc);
        if (layout == Layout.MULTIFIELD) {
          empty++;
        } else {
          without.append(doc);
        }
      }
    }
    Path withFile = java.nio.file.Files.writeString(tmp.resolve("with.jsonl"), with);
    Path withoutFile = java.nio.file.Files.writeString(tmp.resolve("without.jsonl"), without);
    Corpus corpus = new BeirCorpus();
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(corpus, withFile.toString())
        .index(tmp.resolve("built")).layout(layout).storeRaw(true).storePositions(true)
        .storeDocvectors(true).threads(2).chunk(37, 1 << 20)).run();
    assertEquals(empty, r.metadata().emptyDocuments());
    try (Directory ref = new ByteBuffersDirectory()) {
      reference(corpus, withoutFile.toString(), ref, layout, true, true, true);
      try (FSDirectory d = FSDirectory.open(r.index()); DirectoryReader a = DirectoryReader.open(ref);
          DirectoryReader b = DirectoryReader.open(d)) {
        IndexEquality.assertSame(a.leaves().get(0).reader(), b.leaves().get(0).reader());
        assertEquals(a.maxDoc(), r.metadata().documents());
      }
    }
  }
}
