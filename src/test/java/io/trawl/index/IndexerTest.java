package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.corpus.BeirCorpus;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.JsonCorpus;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SampleData;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Terms;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerTest {
  @TempDir Path tmp;

  /** The docids in internal docid order, read from the id doc values. */
  static List<String> docidOrder(Path index) throws IOException {
    List<String> ids = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(index); DirectoryReader r = DirectoryReader.open(d)) {
      assertEquals(1, r.leaves().size(), "one segment");
      LeafReader leaf = r.leaves().get(0).reader();
      SortedDocValues dv = leaf.getSortedDocValues(IndexFields.ID);
      for (int doc = 0; doc < leaf.maxDoc(); doc++) {
        assertTrue(dv.advanceExact(doc));
        ids.add(dv.lookupOrd(dv.ordValue()).utf8ToString());
      }
    }
    return ids;
  }

  private Path jsonl(String name, int docs, int badAt) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < docs; i++) {
      if (i == badAt) {
        sb.append("{\"id\": \"x").append(i).append("\"}\n");
      } else {
        sb.append("{\"id\": \"d").append(i).append("\", \"contents\": \"word").append(i % 7)
            .append(" common text number ").append(i).append("\"}\n");
      }
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
    return p;
  }

  private static List<String> leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  @Test
  void scifactFlatMatchesAnserinisIndexStats() throws IOException {
    String corpus = SampleData.require("beir-scifact/corpus.jsonl").toString();
    Path ref = SampleData.require("anserini-reference-runs/scifact-flat.index-stats.txt");
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus)
        .index(tmp.resolve("flat")).threads(2).storeRaw(false)).run();
    IndexStats s = IndexStats.of(r.index());
    assertEquals(5183, s.documents());
    assertEquals(5183, s.field(IndexFields.CONTENTS).documents());
    assertEquals(28865, s.field(IndexFields.CONTENTS).uniqueTerms());
    assertEquals(838128, s.field(IndexFields.CONTENTS).totalTerms());
    String text = Files.readString(ref);
    assertTrue(text.contains("unique terms:          28865") && text.contains("total terms:           838128"),
        "reference file agrees");
    assertEquals(28865, r.metadata().uniqueTerms());
    assertEquals(838128, r.metadata().totalTerms());
  }

  @Test
  void scifactMultifieldMatchesAnserinisIndexStats() throws IOException {
    String corpus = SampleData.require("beir-scifact/corpus.jsonl").toString();
    String ref = Files.readString(SampleData.require("anserini-reference-runs/scifact-multifield.index-stats.txt"));
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus)
        .index(tmp.resolve("mf")).layout(Layout.MULTIFIELD).threads(2).storeRaw(false)).run();
    IndexStats s = IndexStats.of(r.index());
    assertEquals(5183, s.documents());
    assertTrue(ref.contains("unique terms:          " + s.field(IndexFields.CONTENTS).uniqueTerms()), ref);
    assertTrue(ref.contains("total terms:           " + s.field(IndexFields.CONTENTS).totalTerms()), ref);
    assertEquals(28581, s.field(IndexFields.CONTENTS).uniqueTerms());
    assertEquals(784591, s.field(IndexFields.CONTENTS).totalTerms());
    assertTrue(s.field(IndexFields.TITLE).totalTerms() > 0);
    assertEquals("multifield", r.metadata().layout());
  }

  @Test
  void trecSampleMatchesAnserinisCheckIndexCounts() throws IOException {
    // Anserini's TrecEndToEndTest on trec/collection2: 12 terms in the index (3 of them docids),
    // 17 postings (3 for ids) and 16 positions in the text field.
    String corpus = SampleData.sampleDocs("trec/collection2");
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(Corpora.get("trec"), corpus)
        .index(tmp.resolve("trec")).storePositions(true)).run();
    IndexStats s = IndexStats.of(r.index());
    assertEquals(List.of("TREC_DOC_1", "DOC222", "WSJ_1"), docidOrder(r.index()));
    assertEquals(12 - 3, s.field(IndexFields.CONTENTS).uniqueTerms());
    assertEquals(17 - 3, s.field(IndexFields.CONTENTS).postings());
    assertEquals(16, s.field(IndexFields.CONTENTS).totalTerms());
  }

  @Test
  void docidOrderIsCorpusOrderForAnyThreadCount() throws IOException {
    List<String> corpusOrder = new ArrayList<>();
    try (CorpusReader reader = Corpora.forInput(null, "builtin:cranfield").read("builtin:cranfield", OnError.FAIL)) {
      SourceDocument d;
      while ((d = reader.next()) != null) {
        if (!d.contents().isBlank()) {
          corpusOrder.add(d.id()); // Cranfield 471 and 995 are empty: skipped
        }
      }
    }
    Indexer.Result one = new Indexer(new Indexer.Options()
        .corpus(Corpora.forInput(null, "builtin:cranfield"), "builtin:cranfield")
        .index(tmp.resolve("one")).threads(1).storeRaw(false)).run();
    Indexer.Result three = new Indexer(new Indexer.Options()
        .corpus(Corpora.forInput(null, "builtin:cranfield"), "builtin:cranfield")
        .index(tmp.resolve("three")).threads(3).chunk(37, 1 << 20).storeRaw(false)).run();
    assertEquals(corpusOrder, docidOrder(one.index()));
    assertEquals(corpusOrder, docidOrder(three.index()));
    assertEquals(IndexStats.of(one.index()), IndexStats.of(three.index()));
    assertEquals(1398, one.metadata().documents());
    assertEquals(2, one.metadata().emptyDocuments());
  }

  @Test
  void cranfieldFlatDoesNotRepeatTheTitle() throws IOException {
    Indexer.Result flat = new Indexer(new Indexer.Options()
        .corpus(Corpora.forInput(null, "builtin:cranfield"), "builtin:cranfield")
        .index(tmp.resolve("flat")).storeRaw(false)).run();
    Indexer.Result mf = new Indexer(new Indexer.Options()
        .corpus(Corpora.forInput(null, "builtin:cranfield"), "builtin:cranfield")
        .index(tmp.resolve("mf")).layout(Layout.MULTIFIELD).storeRaw(false)).run();
    assertTrue(flat.metadata().titleInContents());
    assertFalse(mf.metadata().titleInContents());
    // multifield contents is the .W text alone; flat must be exactly that (title not added again)
    assertEquals(IndexStats.of(mf.index()).field(IndexFields.CONTENTS), IndexStats.of(flat.index()).field(IndexFields.CONTENTS));
    assertTrue(IndexStats.of(mf.index()).field(IndexFields.TITLE).totalTerms() > 0);
  }

  @Test
  void fieldsFollowTheOptions() throws IOException {
    Path corpus = jsonl("c.jsonl", 50, -1);
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("full")).storePositions(true).storeDocvectors(true)).run();
    try (FSDirectory d = FSDirectory.open(r.index()); DirectoryReader reader = DirectoryReader.open(d)) {
      LeafReader leaf = reader.leaves().get(0).reader();
      FieldInfo contents = leaf.getFieldInfos().fieldInfo(IndexFields.CONTENTS);
      assertEquals(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS, contents.getIndexOptions());
      assertTrue(contents.hasTermVectors());
      assertFalse(contents.omitsNorms());
      Terms tv = leaf.termVectors().get(3, IndexFields.CONTENTS);
      assertNotNull(tv);
      assertEquals("d3", leaf.storedFields().document(3).get(IndexFields.ID));
      assertEquals("{\"id\": \"d3\", \"contents\": \"word3 common text number 3\"}",
          leaf.storedFields().document(3).get(IndexFields.RAW));
    }
    Indexer.Result lean = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("lean")).storeRaw(false)).run();
    try (FSDirectory d = FSDirectory.open(lean.index()); DirectoryReader reader = DirectoryReader.open(d)) {
      LeafReader leaf = reader.leaves().get(0).reader();
      FieldInfo contents = leaf.getFieldInfos().fieldInfo(IndexFields.CONTENTS);
      assertEquals(IndexOptions.DOCS_AND_FREQS, contents.getIndexOptions());
      assertFalse(contents.hasTermVectors());
      assertEquals(null, leaf.storedFields().document(3).get(IndexFields.RAW));
    }
    IndexMetadata m = IndexMetadata.read(lean.index());
    assertFalse(m.storeRaw());
    assertEquals(50, m.documents());
  }

  @Test
  void stopwordsAndStemmerOptionsChangeTheTerms() throws IOException {
    Path corpus = tmp.resolve("s.jsonl");
    Files.writeString(corpus, "{\"id\": \"a\", \"contents\": \"the running dogs\"}\n");
    IndexMetadata porter = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("p"))).run().metadata();
    IndexMetadata keep = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("k")).keepStopwords(true).stemmer("none")).run().metadata();
    assertEquals(2, porter.totalTerms());
    assertEquals(3, keep.totalTerms());
    assertEquals("english(stemmer=porter,stopwords=lucene)", porter.analyzer());
    assertEquals("english(stemmer=none,stopwords=none)", keep.analyzer());
  }

  @Test
  void failureMidIndexLeavesNothingBehind() throws IOException {
    Path corpus = jsonl("bad.jsonl", 600, 450);
    Path target = tmp.resolve("out/idx");
    InputException e = assertThrows(InputException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), corpus.toString()).index(target).threads(2).chunk(50, 1 << 20)).run());
    assertEquals(451, e.line());
    assertFalse(Files.exists(target));
    assertEquals(List.of(), leftovers(tmp.resolve("out")));
  }

  @Test
  void skipPolicyIndexesTheRest() throws IOException {
    Path corpus = jsonl("bad.jsonl", 600, 450);
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("idx")).onError(OnError.SKIP).chunk(50, 1 << 20)).run();
    assertEquals(599, r.metadata().documents());
    assertEquals(1, r.metadata().skipped());
    assertTrue(r.warnings().get(0).contains("bad.jsonl:451"), r.warnings().toString());
  }

  @Test
  void existingIndexNeedsForceAndOnlyIndexesAreReplaced() throws IOException {
    Path corpus = jsonl("c.jsonl", 10, -1);
    Path target = tmp.resolve("idx");
    Indexer.Options o = new Indexer.Options().corpus(new JsonCorpus(), corpus.toString()).index(target);
    new Indexer(o).run();
    String before = Files.readString(target.resolve(IndexFields.METADATA_FILE));
    TrawlException e = assertThrows(TrawlException.class, () -> new Indexer(o).run());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    assertEquals(before, Files.readString(target.resolve(IndexFields.METADATA_FILE)));
    Path corpus2 = jsonl("c2.jsonl", 20, -1);
    new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus2.toString()).index(target).force(true)).run();
    assertEquals(20, IndexMetadata.read(target).documents());
    assertEquals(List.of(), leftovers(tmp).stream().filter(n -> n.startsWith(".idx")).toList());

    Path precious = tmp.resolve("precious");
    Files.createDirectories(precious);
    Files.writeString(precious.resolve("thesis.tex"), "do not delete");
    TrawlException refused = assertThrows(TrawlException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), corpus.toString()).index(precious).force(true)).run());
    assertTrue(refused.getMessage().contains("neither an index nor empty"), refused.getMessage());
    assertTrue(Files.exists(precious.resolve("thesis.tex")));
  }

  @Test
  void duplicateDocidsFailOrKeepTheFirstCopy() throws IOException {
    Path corpus = tmp.resolve("dup.jsonl");
    Files.writeString(corpus, """
        {"id": "a", "contents": "first a"}
        {"id": "b", "contents": "b"}
        {"id": "a", "contents": "second a"}
        {"id": "c", "contents": "c"}
        {"id": "a", "contents": "third a"}
        """);
    InputException e = assertThrows(InputException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), corpus.toString()).index(tmp.resolve("fail")).chunk(2, 1 << 20)).run());
    assertTrue(e.getMessage().contains("2 duplicate docid(s), e.g. 'a'"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("fail")));
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("skip")).onError(OnError.SKIP).chunk(2, 1 << 20)).run();
    assertEquals(List.of("a", "b", "c"), docidOrder(r.index()));
    assertEquals(2, r.metadata().duplicatesRemoved());
    try (FSDirectory d = FSDirectory.open(r.index()); DirectoryReader reader = DirectoryReader.open(d)) {
      assertEquals("{\"id\": \"a\", \"contents\": \"first a\"}", reader.storedFields().document(0).get(IndexFields.RAW));
    }
  }

  /**
   * Anserini skips a document whose indexed text trims to nothing ({@code String.trim()}: every
   * character up to U+0020) and counts it. Anserini 1.5.0 {@code IndexCollection -collection
   * JsonCollection} on this very corpus logs "indexed: 3", "empty: 3" (a no-break space and a
   * text of stopwords are not empty); its generator code is the same in 2.2.0.
   */
  @Test
  void emptyDocumentsAreSkippedAndCountedAsAnserini() throws IOException {
    Path corpus = tmp.resolve("empty.jsonl");
    Files.writeString(corpus, """
        {"id": "d1", "contents": "hello world"}
        {"id": "d2", "contents": ""}
        {"id": "d3", "contents": "   \\n\\t "}
        {"id": "d4", "contents": "\\u00a0"}
        {"id": "d5", "contents": "the a of"}
        {"id": "d6", "contents": "\\u0001"}
        """);
    Indexer.Result r = new Indexer(new Indexer.Options().corpus(new JsonCorpus(), corpus.toString())
        .index(tmp.resolve("idx"))).run();
    assertEquals(3, r.metadata().documents());
    assertEquals(3, r.metadata().emptyDocuments());
    assertEquals(List.of("d1", "d4", "d5"), docidOrder(r.index()));
    assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("skipped 3 empty document(s)")
        && w.contains("empty.jsonl:2 (d2)")), r.warnings().toString());
  }

  /**
   * Empty means the text of {@code contents}: in the flat layout title and text, in the
   * multifield layout the text alone (a document with only a title is skipped, as Anserini's
   * multifield BEIR collection does: its 1.5.0 {@code IndexCollection} on this corpus indexes 2
   * documents flat and 1 multifield, counting 2 and 3 empty).
   */
  @Test
  void emptyMeansTheContentsFieldInEachLayout() throws IOException {
    Path corpus = tmp.resolve("beir.jsonl");
    Files.writeString(corpus, """
        {"_id": "b1", "title": "t", "text": "hello"}
        {"_id": "b2", "title": "only title", "text": ""}
        {"_id": "b3", "title": "", "text": ""}
        {"_id": "b4", "title": " ", "text": " "}
        """);
    Indexer.Result flat = new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus.toString())
        .index(tmp.resolve("flat"))).run();
    assertEquals(List.of("b1", "b2"), docidOrder(flat.index()));
    assertEquals(2, flat.metadata().emptyDocuments());
    Indexer.Result mf = new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus.toString())
        .index(tmp.resolve("mf")).layout(Layout.MULTIFIELD)).run();
    assertEquals(List.of("b1"), docidOrder(mf.index()));
    assertEquals(3, mf.metadata().emptyDocuments());
    Path allEmpty = tmp.resolve("all-empty.jsonl");
    Files.writeString(allEmpty, "{\"id\": \"a\", \"contents\": \" \"}\n");
    InputException e = assertThrows(InputException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), allEmpty.toString()).index(tmp.resolve("none"))).run());
    assertTrue(e.getMessage().contains("all 1 are empty"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("none")));
  }

  @Test
  void invalidRequestsAreRejected() throws IOException {
    Path corpus = jsonl("c.jsonl", 3, -1);
    TrawlException mf = assertThrows(TrawlException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), corpus.toString()).index(tmp.resolve("x")).layout(Layout.MULTIFIELD)));
    assertTrue(mf.getMessage().contains("multifield"));
    assertThrows(TrawlException.class, () -> new Indexer.Options().threads(0));
    TrawlException stem = assertThrows(TrawlException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), corpus.toString()).index(tmp.resolve("x")).stemmer("krovetz")));
    assertEquals(2, stem.exitCode());
    Path empty = tmp.resolve("nothing.jsonl");
    Files.writeString(empty, "\n");
    InputException none = assertThrows(InputException.class, () -> new Indexer(new Indexer.Options()
        .corpus(new JsonCorpus(), empty.toString()).index(tmp.resolve("y"))).run());
    assertTrue(none.getMessage().contains("no documents"));
    assertFalse(Files.exists(tmp.resolve("y")));
    assertNotEquals(0, none.exitCode());
  }
}
