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
 * The parallel pipeline (analysis on workers, counted term frequencies, one indexing thread)
 * builds the same index as the plain way: one {@link IndexWriter}, one thread, every document
 * added with its text as a string field analyzed by Lucene. Compared: field infos, statistics,
 * every term's postings (docs, freqs, positions), norms doc by doc, stored fields, term vectors,
 * doc values.
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

  @ParameterizedTest(name = "{0} raw={1} positions={2} vectors={3} threads={4} ram={5} {6}")
  @CsvSource({
      "FLAT, false, false, false, 2, 0, auto",
      "FLAT, true, false, false, 3, 0, auto",
      "MULTIFIELD, false, false, false, 2, 0, auto",
      "MULTIFIELD, true, false, false, 1, 0, auto",
      "FLAT, true, true, true, 2, 0, auto",
      "MULTIFIELD, false, true, false, 2, 0, auto",
      // the single writer: a RAM buffer this small flushes many segments, merged into one at the end
      "FLAT, true, false, false, 2, 1, writer",
      "MULTIFIELD, true, true, true, 2, 0, writer",
      // the direct segment (auto) with every option and one thread
      "MULTIFIELD, true, true, true, 1, 0, auto",
      "FLAT, false, false, true, 2, 0, direct",
      // direct segments beyond a tiny memory budget: several, joined by one merge at the end
      "FLAT, true, true, true, 2, 1, direct",
      "MULTIFIELD, true, false, false, 1, 0.5, direct",
      // the chunk-segments pipeline (opt-in), with and without positions and vectors
      "FLAT, true, false, false, 2, 0, segments",
      "MULTIFIELD, true, true, true, 2, 0, segments",
      // positions with many flushes merged at the end
      "FLAT, false, true, true, 2, 2, writer",
  })
  void scifactIndexEqualsThePlainOne(Layout layout, boolean raw, boolean positions, boolean vectors,
      int threads, double ramMB, String pipeline) throws IOException {
    String input = SampleData.require("beir-scifact/corpus.jsonl").toString();
    Corpus corpus = new BeirCorpus();
    Indexer indexer = new Indexer(new Indexer.Options().corpus(corpus, input).index(tmp.resolve("built"))
        .layout(layout).storeRaw(raw).storePositions(positions).storeDocvectors(vectors)
        .threads(threads).chunk(97, 1 << 20).ramBufferMB(ramMB).pipeline(pipeline));
    Path built = indexer.run().index();
    boolean segments = pipeline.equals("segments");
    if (ramMB > 0 || segments) {
      assertTrue(indexer.flushedSegments > 3, "several segments: " + indexer.flushedSegments);
    } else {
      assertEquals(1, indexer.flushedSegments, "the whole corpus in one flush");
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
      // Lucene's own check of the whole segment the direct pipeline wrote (checksums, postings,
      // impacts, term vectors against postings, doc values); IndexWriter's own output is not
      // what is under test here
      if (!pipeline.equals("auto") && !pipeline.equals("direct")) {
        return;
      }
      try (FSDirectory d = FSDirectory.open(built); CheckIndex check = new CheckIndex(d)) {
        check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
        CheckIndex.Status status = check.checkIndex();
        assertTrue(status.clean, "CheckIndex found problems in the " + pipeline + " index");
      }
    }
  }

  /**
   * Empty documents are skipped by every pipeline, in both layouts: 400 SciFact documents with
   * empty ones mixed in (blank, whitespace, title only) build the same index as the plain writer
   * given the corpus without them.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"FLAT, direct", "FLAT, writer", "FLAT, segments", "MULTIFIELD, direct",
      "MULTIFIELD, writer", "MULTIFIELD, segments"})
  void emptyDocumentsAreSkippedByEveryPipeline(Layout layout, String pipeline) throws IOException {
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
        .storeDocvectors(true).threads(2).chunk(37, 1 << 20).pipeline(pipeline)).run();
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

  /**
   * The direct segment on what the English analyzer never produces: overlapping tokens (position
   * increment 0, discounted from BM25's length), a term repeated at one position, empty documents,
   * a repeated docid, terms spread over two chunks; the same index as IndexWriter's, and a clean
   * CheckIndex.
   */
  @ParameterizedTest(name = "positions={0} vectors={1}")
  @CsvSource({"false, false", "true, false", "false, true", "true, true"})
  void directSegmentEqualsIndexWriterOnOverlapsAndRepeats(boolean positions, boolean vectors)
      throws IOException {
    String[] texts = {"a b a c a b", "xa b b", "", "c c c c", "b xz a xz", "a", "", "p q r xa a",
        "xq xq xq", "b"};
    String[] ids = {"d0", "d1", "d2", "d3", "d1", "d5", "d6", "d7", "d8", "d9"};
    Analyzer analyzer = new OverlapAnalyzer();
    FieldType type = textType(positions, vectors);
    List<SourceDocument> docs = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      docs.add(new SourceDocument(ids[i], "", texts[i], "{\"raw\":" + i + "}", "test", i + 1));
    }
    try (Directory ref = new ByteBuffersDirectory(); FSDirectory built = FSDirectory.open(tmp.resolve("direct"))) {
      try (IndexWriter w = new IndexWriter(ref, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
        for (SourceDocument d : docs) {
          Document doc = new Document();
          doc.add(new StringField(IndexFields.ID, d.id(), Field.Store.YES));
          doc.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(d.id())));
          doc.add(new Field(IndexFields.CONTENTS, d.contents(), type));
          doc.add(new StoredField(IndexFields.RAW, d.raw()));
          w.addDocument(doc);
        }
      }
      try (DirectoryReader a = DirectoryReader.open(ref)) {
        String[] names = {IndexFields.CONTENTS};
        InvertedChunk.Builder b = new InvertedChunk.Builder(analyzer, new BM25Similarity(), names,
            type.indexOptions(), vectors, new ConcurrentLinkedQueue<>());
        long repeated;
        try (SegmentBuilder segment = new SegmentBuilder(built, a.leaves().get(0).reader().getFieldInfos(), names)) {
          segment.add(b.invert(docs.subList(0, 4), (d, f) -> d.contents()));
          segment.add(b.invert(docs.subList(4, docs.size()), (d, f) -> d.contents()));
          SegmentBuilder.Written w = segment.finish();
          SegmentBuilder.commit(built, List.of(w.info()), 1);
          repeated = w.repeatedIds();
        }
        assertEquals(1, repeated, "d1 occurs twice");
        try (DirectoryReader r = DirectoryReader.open(built)) {
          IndexEquality.Compared n = IndexEquality.assertSame(a.leaves().get(0).reader(), r.leaves().get(0).reader());
          assertEquals(texts.length, n.norms());
          assertTrue(n.postings() > 20, n.toString());
          assertEquals(vectors ? 8 : 0, n.vectors(), "a vector for each document with tokens");
        }
        try (CheckIndex check = new CheckIndex(built)) {
          check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
          assertTrue(check.checkIndex().clean);
        }
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

  private static long norm(LeafReader r, int doc) throws IOException {
    var norms = r.getNormValues(IndexFields.CONTENTS);
    assertTrue(norms.advanceExact(doc));
    return norms.longValue();
  }

  /**
   * Counting mode on documents with repeated terms, and the fall-back to the plain sequence when
   * a token overlaps (BM25 discounts overlaps from the length): same postings and norms as Lucene
   * analyzing the strings itself.
   */
  @Test
  void countedFrequenciesAndOverlapFallbackGiveTheSameIndex() throws IOException {
    String[] texts = {"a b a c a b", "xa b b", "", "c c c c", "b xz a xz", "a", "p q r"};
    Analyzer analyzer = new OverlapAnalyzer();
    FieldType type = textType(false, false);
    List<SourceDocument> docs = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      docs.add(new SourceDocument("d" + i, "", texts[i], "", "test", i + 1));
    }
    AnalyzedChunk chunk = new AnalyzedChunk.Builder(analyzer, true, new ConcurrentLinkedQueue<>())
        .analyze(docs, new String[] {IndexFields.CONTENTS}, (d, f) -> d.contents());
    boolean counted = false;
    boolean overlap = false;
    for (int i = 0; i < chunk.tokens; i++) {
      counted |= chunk.freq[i] > 1;
      overlap |= chunk.posInc[i] == 0;
    }
    assertTrue(counted && overlap, "both paths taken");
    assertEquals(3, chunk.ends[0], "doc 0 counted: a, b, c");
    assertEquals(3 + 4, chunk.ends[1], "doc 1 as a sequence: xa syn b b");
    try (Directory a = new ByteBuffersDirectory(); Directory b = new ByteBuffersDirectory()) {
      try (IndexWriter wa = new IndexWriter(a, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()));
          IndexWriter wb = new IndexWriter(b, new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity()))) {
        AnalyzedChunk.Replay replay = new AnalyzedChunk.Replay();
        for (int i = 0; i < texts.length; i++) {
          Document da = new Document();
          da.add(new Field(IndexFields.CONTENTS, texts[i], type));
          wa.addDocument(da);
          Document db = new Document();
          db.add(new Field(IndexFields.CONTENTS, replay.set(chunk, i), type));
          wb.addDocument(db);
        }
      }
      try (DirectoryReader ra = DirectoryReader.open(a); DirectoryReader rb = DirectoryReader.open(b)) {
        LeafReader la = ra.leaves().get(0).reader();
        IndexEquality.Compared n = IndexEquality.assertSame(la, rb.leaves().get(0).reader());
        assertEquals(texts.length, n.norms(), "norms of every document (the empty one too)");
        // the overlap really is discounted: "xa syn b b" has 4 tokens, length 3 under BM25
        assertEquals(norm(la, 6), norm(la, 1));
        assertTrue(norm(la, 3) != norm(la, 1));
      }
    }
  }
}
