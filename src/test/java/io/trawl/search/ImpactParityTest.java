package io.trawl.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.bench.ImpactIndexDump;
import io.trawl.bench.SparseCorpusGenerator;
import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.corpus.Corpora;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Learned sparse retrieval against Anserini 1.5.0, without Anserini: a synthetic pre-encoded
 * corpus ({@link SparseCorpusGenerator}, 2,000 documents, 40 queries, seed 42; WordPiece-like
 * tokens, Zipfian terms, zero, fractional, below-1 and large weights, keys with spaces, a
 * 300-character token, empty documents) indexed by {@code trawl index --collection json-vector}
 * must hold what Anserini's {@code IndexCollection -collection JsonVectorCollection -impact
 * -pretokenized} index holds (statistics, norms, every term's frequencies and postings as
 * (docid, impact): {@link ImpactIndexDump}), and the {@code impact} retriever must give Anserini's
 * {@code SearchCollection -impact -pretokenized -topicReader TsvInt -hits 100} run line for line
 * (qid, docid, rank, score), from the TSV queries and from the same queries as JSON Lines. The
 * expected files come from {@code bin/bench-anserini-impact} with {@code IMPACT_DOCS=2000
 * IMPACT_QUERIES=40 IMPACT_HITS=100 IMPACT_EXPECTED=<this resource folder>}.
 */
class ImpactParityTest {
  private static final String RES = "/io/trawl/search/impact-parity/";
  @TempDir static Path tmp;
  static Path data;
  static Path index;

  @BeforeAll
  static void build() throws IOException {
    data = tmp.resolve("data");
    SparseCorpusGenerator.write(data, 2000, 40, 42);
    index = tmp.resolve("impact");
    // small chunks: many chunks joined, as in a large corpus
    new Indexer(new Indexer.Options().corpus(Corpora.get("json-vector"), data.resolve("corpus").toString())
        .index(index).threads(2).chunk(97, 1 << 20)).run();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ImpactParityTest.class.getResourceAsStream(RES + name)) {
      assertTrue(in != null, "missing resource " + RES + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void indexHoldsWhatAnserinisHolds() throws IOException {
    StringWriter w = new StringWriter();
    ImpactIndexDump.dump(index, w);
    String expected = resource("anserini-index-dump.txt");
    assertEquals(expected.lines().limit(6).toList(), w.toString().lines().limit(6).toList(), "statistics and norms");
    assertEquals(expected, w.toString(), "every term's frequencies and postings");
    IndexMetadata m = IndexMetadata.read(index);
    assertTrue(m.impact());
    assertEquals("whitespace", m.analyzer());
    assertEquals("json-vector", m.format());
    assertEquals(10, m.emptyDocuments(), "documents whose weights all drop are skipped, as Anserini skips them");
  }

  @ParameterizedTest
  @ValueSource(strings = {"queries.tsv", "queries.jsonl"})
  void runEqualsAnserinisLineForLine(String topics) throws IOException {
    List<Query> queries = Topics.read(data.resolve(topics).toString());
    List<String> lines = new ArrayList<>();
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        Retriever r = Retrievers.open("impact", idx, SearchOptions.defaults())) {
      assertEquals("impact", r.spec());
      for (Query q : queries) {
        RankedList ranked = r.retrieve(q, 100);
        int rank = 1;
        for (Candidate c : ranked.candidates()) {
          lines.add(q.id() + " Q0 " + c.docId() + " " + rank++ + " " + RunWriter.formatScore(c.score()));
        }
      }
    }
    lines.sort(java.util.Comparator.comparing((String s) -> s.split(" ")[0])
        .thenComparingInt(s -> Integer.parseInt(s.split(" ")[3])));
    List<String> expected = resource("anserini-run.txt").lines().toList();
    assertEquals(4000, expected.size());
    assertEquals(expected, lines);
  }

  /**
   * The built-in collection and the {@code sparse-synthetic} topics and qrels (the CPU regression
   * spec {@code sparse-synthetic-impact}) are this generator's output, so the regression runs on
   * the corpus whose index and run equal Anserini's.
   */
  @Test
  void builtinCollectionAndTopicsAreTheGeneratedOnes() throws IOException {
    byte[] builtin;
    try (InputStream in = new java.util.zip.GZIPInputStream(
        io.trawl.corpus.BuiltinCollections.get("builtin:sparse-synthetic").open())) {
      builtin = in.readAllBytes();
    }
    assertTrue(java.util.Arrays.equals(java.nio.file.Files.readAllBytes(data.resolve("corpus/docs.jsonl")), builtin),
        "builtin:sparse-synthetic is SparseCorpusGenerator 2000 40 42");
    assertEquals(java.nio.file.Files.readString(data.resolve("queries.jsonl")),
        java.nio.file.Files.readString(Path.of(io.trawl.io.TopicsAndQrels.topics("sparse-synthetic"))));
    assertEquals(java.nio.file.Files.readString(data.resolve("qrels.txt")),
        java.nio.file.Files.readString(Path.of(io.trawl.io.TopicsAndQrels.qrels("sparse-synthetic"))));
  }

  /**
   * The eager scorer (boost-1 postings cached once per term, each clause scaled by its boost)
   * equals Anserini's exhaustive sort, ids and score bits, at every depth, with the default blocks
   * and with small ones (block skipping and non-essential terms exercised); and the cache holds one
   * entry per term, not one per (term, weight).
   */
  @Test
  void eagerImpactSearchEqualsExhaustiveSort() throws IOException {
    List<Query> queries = Topics.read(data.resolve("queries.tsv").toString());
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        LexicalRetriever r = (LexicalRetriever) Retrievers.open("impact", idx, SearchOptions.defaults())) {
      assertTrue(r.impacts() != null, "eager path not taken");
      // shift 7 with intersect ratio 0: every non-essential term with a bitmap is intersected, on
      // boosted views (scale != 1)
      for (int shift : new int[] {io.trawl.search.impact.ImpactScorer.DEFAULT_BLOCK_SHIFT, 8, 6, 7}) {
        io.trawl.search.impact.ImpactScorer scorer = shift == io.trawl.search.impact.ImpactScorer.DEFAULT_BLOCK_SHIFT
            ? r.impacts()
            : io.trawl.search.impact.ImpactScorer.open(r.searcher(), shift, shift == 7 ? 0.0
                : io.trawl.search.impact.ImpactScorer.DEFAULT_INTERSECT_RATIO);
        long compared = 0;
        int distinctBoosts = 0;
        java.util.Set<String> terms = new java.util.HashSet<>();
        for (Query q : queries) {
          org.apache.lucene.search.Query lq = BagOfWords.build(SearchOptions.defaults().fields(),
              idx.analyzer(), q.text());
          io.trawl.search.impact.ImpactScorer.Plan plan = io.trawl.search.impact.ImpactScorer.plan(lq);
          assertTrue(plan != null, "q" + q.id() + ": no eager plan");
          distinctBoosts += (int) plan.clauses().stream().filter(c -> c.boost() != 1f).count();
          plan.clauses().forEach(c -> terms.add(c.query().getTerm().text()));
          for (int k : new int[] {1, 10, 100, 2500}) {
            LexicalRetriever.Hits a = LexicalOracles.exhaustiveSort(r, lq, k);
            io.trawl.search.impact.ImpactScorer.Top b = scorer.search(plan, k);
            String at = "shift=" + shift + " q" + q.id() + " k=" + k;
            assertEquals(a.size(), b.size(), at);
            for (int i = 0; i < a.size(); i++) {
              assertEquals(a.ids()[i], b.ids()[i], at + " rank " + (i + 1));
              assertEquals(Float.floatToIntBits(a.scores()[i]), Float.floatToIntBits(b.scores()[i]),
                  at + " rank " + (i + 1));
            }
            compared += a.size();
          }
        }
        assertTrue(compared > 40_000, "compared " + compared);
        assertTrue(distinctBoosts > 100, "queries with weights other than 1: " + distinctBoosts);
        assertTrue(scorer.cachedTerms() <= terms.size(), "cache entries " + scorer.cachedTerms()
            + " > distinct terms " + terms.size());
        if (shift == 6) {
          assertTrue(scorer.work().skippedBlocks() > 0, "block skipping not exercised: " + scorer.work());
          assertTrue(scorer.work().splitBlocks() > 0, "non-essential terms not exercised: " + scorer.work());
          assertTrue(scorer.work().intersections() > 0, "intersections not exercised: " + scorer.work());
        }
        if (shift == 7) {
          assertTrue(scorer.work().intersections() > 0, "intersections not exercised: " + scorer.work());
        }
      }
    }
  }

  @Test
  void modelsAndIndexesMustMatch() {
    try (LuceneIndex idx = LuceneIndex.open(index, null)) {
      TrawlException e = assertThrows(TrawlException.class,
          () -> Retrievers.open("bm25", idx, SearchOptions.defaults()));
      assertTrue(e.getMessage().contains("impact retriever"), e.getMessage());
    }
    assertThrows(TrawlException.class, () -> Retrievers.parse("impact(k1=1)"));
  }
}
