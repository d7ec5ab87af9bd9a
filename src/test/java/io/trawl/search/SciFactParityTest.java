package io.trawl.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Query;
import io.trawl.core.TextFiles;
import io.trawl.corpus.BeirCorpus;
import io.trawl.index.IndexFields;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.search.impact.ImpactScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SciFact (BEIR) runs, over indexes built by {@link Indexer}, compared line for line (qid, docid, rank, score string) with Anserini 2.2.0's
 * reference runs: flat and multifield BM25, QL and BM25+RM3, all with BEIR's remove-query rule.
 * QL+RM3 and QL+Rocchio ({@code -qld -rm3}, {@code -qld -rocchio}) are checked against the SHA-256
 * of Anserini 1.5.0's runs (same code path as 2.2.0; see {@link EmptyDocumentsFeedbackTest}).
 */
class SciFactParityTest {
  @TempDir static Path tmp;
  static Path data;
  static Path flat;
  static Path multifield;
  static List<Query> topics;

  @BeforeAll
  static void build() throws IOException {
    data = TestIndexes.shared("beir-scifact");
    TestIndexes.shared("anserini-reference-runs");
    // built with the project's Indexer (term vectors for RM3)
    String corpus = data.resolve("corpus.jsonl").toString();
    flat = tmp.resolve("flat");
    new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus).index(flat).threads(2)
        .storeDocvectors(true).storeRaw(false)).run();
    multifield = tmp.resolve("mf");
    new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus).index(multifield)
        .layout(Layout.MULTIFIELD).threads(2).storeDocvectors(true).storeRaw(false)).run();
    topics = Topics.read(data.resolve("topics.test.tsv").toString());
  }

  /** qid -> lines without the tag column. */
  static Map<String, List<String>> ours(Path index, String spec, boolean mf) {
    Map<String, Float> fields = mf
        ? Map.of(IndexFields.CONTENTS, 1.0f, IndexFields.TITLE, 1.0f)
        : Map.of(IndexFields.CONTENTS, 1.0f);
    Map<String, List<String>> out = new java.util.concurrent.ConcurrentHashMap<>();
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        Retriever r = Retrievers.open(spec, idx, new SearchOptions(fields, true))) {
      // queries in parallel (retrievers are thread-safe); results keyed by query id
      topics.parallelStream().forEach(q -> {
        StringBuilder sb = new StringBuilder();
        RunWriter.appendLines(sb, r.retrieve(q, 1000), RunWriter.Format.TREC, "x");
        out.put(q.id(), strip(sb.toString()));
      });
    }
    return out;
  }

  static List<String> strip(String lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines.split("\n")) {
      if (!line.isEmpty()) {
        out.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }

  static Map<String, List<String>> expected(String file) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Path p = TestIndexes.shared("anserini-reference-runs").resolve(file);
    try (TextFiles.Lines lines = new TextFiles.Lines(p.toString())) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String qid = line.substring(0, line.indexOf(' '));
        out.computeIfAbsent(qid, k -> new ArrayList<>()).add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }

  /** Asserts equality and reports how many queries differ and the first differing line. */
  static void assertSameRun(Map<String, List<String>> want, Map<String, List<String>> got, String what) {
    int differing = 0;
    String first = null;
    int lines = 0;
    for (Map.Entry<String, List<String>> e : want.entrySet()) {
      List<String> g = got.getOrDefault(e.getKey(), List.of());
      lines += e.getValue().size();
      if (!g.equals(e.getValue())) {
        differing++;
        if (first == null) {
          for (int i = 0; i < Math.max(g.size(), e.getValue().size()); i++) {
            String a = i < e.getValue().size() ? e.getValue().get(i) : "<none>";
            String b = i < g.size() ? g.get(i) : "<none>";
            if (!a.equals(b)) {
              first = "query " + e.getKey() + " line " + (i + 1) + ": expected '" + a + "' got '" + b + "'";
              break;
            }
          }
        }
      }
    }
    for (String qid : got.keySet()) {
      if (!want.containsKey(qid) && !got.get(qid).isEmpty()) {
        differing++;
        if (first == null) {
          first = "query " + qid + " not in the reference run";
        }
      }
    }
    assertTrue(lines > 0, "empty reference run");
    assertEquals(0, differing, what + ": " + differing + " of " + want.size() + " queries differ; first: " + first);
  }

  @Test
  void bm25Flat() {
    assertSameRun(expected("run.scifact.bm25.txt.gz"), ours(flat, "bm25", false), "bm25 flat");
  }

  @Test
  void bm25Multifield() {
    assertSameRun(expected("run.scifact.mf-bm25.txt.gz"), ours(multifield, "bm25", true), "bm25 multifield");
  }

  /** QL first stage, RM3 / Rocchio feedback weighted by QL scores, QL on the expanded query. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "rm3(model=qld), 299537, 0f4f01852a668a9b691daf489276bc262224a2a9ada66daabf3fb032a33a9d64",
      "rocchio(model=qld), 299753, 49a8b19ffc39778dcf85b7d92b97c9038b82fa71bacd05114e679e50e72ae2e3"})
  void qlWithFeedbackFlatIsAnserinis(String spec, int lines, String sha256) {
    Map<String, List<String>> run = ours(flat, spec, false);
    List<String> all = new ArrayList<>();
    for (Query q : topics) {
      all.addAll(run.getOrDefault(q.id(), List.of()));
    }
    assertEquals(lines, all.size(), spec);
    assertEquals(sha256, EmptyDocumentsFeedbackTest.sha256(all), spec + ": not Anserini's run");
  }

  @Test
  void qldFlat() {
    assertSameRun(expected("run.scifact.qld.txt.gz"), ours(flat, "qld", false), "qld flat");
  }

  @Test
  void qldMultifield() {
    assertSameRun(expected("run.scifact.mf-qld.txt.gz"), ours(multifield, "qld", true), "qld multifield");
  }

  @Test
  void rm3Flat() {
    assertSameRun(expected("run.scifact.bm25-rm3.txt.gz"), ours(flat, "rm3", false), "bm25+rm3 flat");
  }

  @Test
  void rm3Multifield() {
    assertSameRun(expected("run.scifact.mf-bm25-rm3.txt.gz"), ours(multifield, "rm3", true), "bm25+rm3 multifield");
  }

  @Test
  void oneAndTwoThreadsWriteIdenticalBytes() throws IOException {
    byte[][] outs = new byte[3][];
    int[] threads = {1, 2, 2};
    try (LuceneIndex idx = LuceneIndex.open(flat, null);
        Retriever r = Retrievers.open("bm25", idx, new SearchOptions(Map.of(IndexFields.CONTENTS, 1.0f), true))) {
      for (int i = 0; i < threads.length; i++) {
        Path out = tmp.resolve("threads-" + threads[i] + ".txt");
        try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
          SearchRun.Summary s = SearchRun.run(r, topics, 1000, w, threads[i], null);
          w.commit();
          assertEquals(300, s.queries());
        }
        outs[i] = java.nio.file.Files.readAllBytes(out);
      }
    }
    assertTrue(outs[0].length > 1_000_000);
    org.junit.jupiter.api.Assertions.assertArrayEquals(outs[0], outs[1], "1 vs 2 threads");
    org.junit.jupiter.api.Assertions.assertArrayEquals(outs[0], outs[2], "2 threads twice");
  }

  @Test
  void prunedSearchEqualsExhaustiveSort() throws IOException {
    String[] specs = {"bm25"};
    for (boolean mf : new boolean[] {false, true}) {
      Map<String, Float> fields = mf
          ? Map.of(IndexFields.CONTENTS, 1.0f, IndexFields.TITLE, 1.0f)
          : Map.of(IndexFields.CONTENTS, 1.0f);
      for (String spec : specs) {
        try (LuceneIndex idx = LuceneIndex.open(mf ? multifield : flat, null);
            LexicalRetriever r = (LexicalRetriever) Retrievers.open(spec, idx, new SearchOptions(fields, false))) {
          int ties = 0;
          for (Query q : topics) {
            org.apache.lucene.search.Query lq = BagOfWords.build(fields, idx.analyzer(), q.text());
            for (int k : new int[] {1, 1000}) {
              LexicalRetriever.Hits a = LexicalOracles.exhaustiveSort(r, lq, k);
              LexicalRetriever.Hits b = r.searchPruned(lq, k);
              String what = spec + (mf ? " mf" : "") + " q" + q.id() + " k=" + k;
              assertEquals(a.size(), b.size(), what);
              for (int i = 0; i < a.size(); i++) {
                assertEquals(a.ids()[i], b.ids()[i], what + " rank " + (i + 1));
                assertEquals(Float.floatToIntBits(a.scores()[i]), Float.floatToIntBits(b.scores()[i]),
                    what + " rank " + (i + 1));
              }
              if (a.size() == k && k < 1000 && a.size() > 1 && a.scores()[k - 1] == a.scores()[k - 2]) {
                ties++;
              }
            }
          }
          assertTrue(ties >= 0);
        }
      }
    }
  }

  /**
   * The eager precomputed-score path (the default for plain BM25 on a single-segment index) gives
   * the same ids and score bits as Lucene's exhaustive sort, for single-field queries with and
   * without a field weight (multi-field queries go to Lucene's searcher), with the default blocks
   * and with small ones (SciFact has 5,183 documents: one block of 16,384, 6 of 1,024, 81 of 64),
   * where whole blocks are skipped and some terms are only looked up.
   */
  @Test
  void impactSearchEqualsExhaustiveSort() throws IOException {
    for (float weight : new float[] {1.0f, 2.5f}) {
      Map<String, Float> fields = Map.of(IndexFields.CONTENTS, weight);
      try (LuceneIndex idx = LuceneIndex.open(flat, null);
          LexicalRetriever r = (LexicalRetriever) Retrievers.open("bm25", idx, new SearchOptions(fields, false))) {
        assertTrue(r.impacts() != null, "eager path not taken");
        for (int shift : new int[] {ImpactScorer.DEFAULT_BLOCK_SHIFT, 10, 6, 7}) {
          ImpactScorer scorer = shift == ImpactScorer.DEFAULT_BLOCK_SHIFT ? r.impacts()
              : ImpactScorer.open(r.searcher(), shift, shift == 7 ? 0.0 : ImpactScorer.DEFAULT_INTERSECT_RATIO);
          impactSearchEqualsExhaustiveSort(r, scorer, fields, "w=" + weight + " shift=" + shift);
          if (shift == 7) {
            // ratio 0: every non-essential term with a bitmap is intersected, also in the last
            // block, whose 2 bitmap words end past SciFact's 81st and last
            assertTrue(scorer.work().intersections() > 0, "intersections not exercised: " + scorer.work());
          }
          if (shift == 6) {
            assertTrue(scorer.work().skippedBlocks() > 100, "block skipping not exercised: " + scorer.work());
            assertTrue(scorer.work().splitBlocks() > 1_000, "non-essential terms not exercised: " + scorer.work());
            assertTrue(scorer.work().intersections() > 0, "intersections not exercised: " + scorer.work());
          }
        }
      }
    }
  }

  private void impactSearchEqualsExhaustiveSort(LexicalRetriever r, ImpactScorer scorer,
      Map<String, Float> fields, String what) throws IOException {
    int compared = 0;
    int tiesAtCut = 0;
    for (Query q : topics) {
      org.apache.lucene.search.Query lq = BagOfWords.build(fields, r.index().analyzer(), q.text());
      ImpactScorer.Plan plan = ImpactScorer.plan(lq);
      assertTrue(plan != null, what + " q" + q.id() + ": no eager plan");
      // 6,000: more hits asked for than SciFact has documents (5,183)
      for (int k : new int[] {1, 10, 1000, 6000}) {
        LexicalRetriever.Hits a = LexicalOracles.exhaustiveSort(r, lq, k);
        ImpactScorer.Top b = scorer.search(plan, k);
        String at = what + " q" + q.id() + " k=" + k;
        assertEquals(a.size(), b.size(), at);
        for (int i = 0; i < a.size(); i++) {
          assertEquals(a.ids()[i], b.ids()[i], at + " rank " + (i + 1));
          assertEquals(Float.floatToIntBits(a.scores()[i]), Float.floatToIntBits(b.scores()[i]),
              at + " rank " + (i + 1));
        }
        compared += a.size();
        if (a.size() == k && k > 1 && a.scores()[k - 1] == a.scores()[k - 2]) {
          tiesAtCut++;
        }
        assertTrue(b.size() <= k, at);
      }
    }
    assertTrue(compared > 250_000, "compared " + compared);
    assertTrue(tiesAtCut > 0, "no tie at the cut exercised");
  }

  /**
   * Whole runs (BEIR's remove-query rule, top 1,000, rounding and tie nudges) through the eager
   * scorer and through Lucene's searcher are the same lines.
   */
  @Test
  void eagerRunEqualsLuceneRun() {
    try (LuceneIndex idx = LuceneIndex.open(flat, null);
        Retriever r = Retrievers.open("bm25", idx, new SearchOptions(Map.of(IndexFields.CONTENTS, 1.0f), true))) {
      Retriever lucene = LexicalOracles.luceneOnly(r);
      int lines = 0;
      for (Query q : topics) {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        RunWriter.appendLines(a, r.retrieve(q, 1000), RunWriter.Format.TREC, r.spec());
        RunWriter.appendLines(b, lucene.retrieve(q, 1000), RunWriter.Format.TREC, lucene.spec());
        assertEquals(b.toString(), a.toString(), "query " + q.id());
        lines += a.length() == 0 ? 0 : a.toString().split("\n").length;
      }
      assertTrue(lines > 290_000, "lines " + lines);
    }
  }

  /** nDCG@10 of our runs with trec_eval semantics (-c): Anserini's published 0.6789 / 0.6647. */
  @Test
  void ndcgAt10MatchesPublished() throws IOException {
    io.trawl.eval.Qrels qrels = io.trawl.eval.Qrels.read(
        io.trawl.io.TopicsAndQrels.qrels("beir-scifact-test"));
    String[][] cases = {{"flat", "0.6789"}, {"mf", "0.6647"}};
    for (String[] c : cases) {
      boolean mf = c[0].equals("mf");
      Map<String, Float> fields = mf
          ? Map.of(IndexFields.CONTENTS, 1.0f, IndexFields.TITLE, 1.0f)
          : Map.of(IndexFields.CONTENTS, 1.0f);
      Path out = tmp.resolve("ndcg-" + c[0] + ".txt");
      try (LuceneIndex idx = LuceneIndex.open(mf ? multifield : flat, null);
          Retriever r = Retrievers.open("bm25", idx, new SearchOptions(fields, true));
          RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
        SearchRun.run(r, topics, 1000, w, 2, null);
        w.commit();
      }
      io.trawl.eval.EvalResult res = io.trawl.eval.Evaluator.evaluate(qrels,
          RunReader.read(out.toString(), RunReader.Mode.STRICT),
          io.trawl.eval.Measure.parseAll(List.of("ndcg_cut.10")),
          io.trawl.eval.EvalOptions.defaults().withComplete(true));
      assertEquals(c[1], String.format(java.util.Locale.ROOT, "%.4f", res.summary("ndcg_cut_10")), c[0]);
    }
  }
}
