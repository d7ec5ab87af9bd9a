package io.trawl.search;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.ScoreTies;
import io.trawl.core.TrawlException;
import io.trawl.search.impact.ImpactScorer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.BytesRef;

/**
 * Lexical retrieval over a Lucene index with Anserini's exact semantics: a bag-of-words query
 * ({@link BagOfWords}) scored by a Lucene {@link Similarity} (BM25, query likelihood), optionally
 * expanded by pseudo-relevance feedback ({@link Feedback}: RM3, Rocchio); hits ordered by score
 * descending then external docid ascending; scores rounded and tie-nudged by {@link ScoreTies};
 * with {@code removeQuery}, a hit whose docid equals the query id is dropped (after ranking, so
 * the others keep their scores).
 *
 * <p>Plain BM25 and impact queries on a single-segment index are scored eagerly ({@link ImpactScorer}, the
 * default and fastest path); every other query by Lucene's searcher with dynamic pruning
 * ({@link #searchPruned}). Both give the ranking of Anserini's exhaustive sort: the parity tests
 * compare them with it, and with each other ({@link #retrieveWithLucene}).
 */
public final class LexicalRetriever implements Retriever {
  /** Pseudo-relevance feedback: turns the first-stage ranking into a new query. */
  interface Feedback {
    /** How many first-stage hits the feedback reads. */
    int depth();

    org.apache.lucene.search.Query expand(LuceneIndex index, String queryText, Hits firstStage);

    String spec();
  }

  /** A ranking: Lucene docs, float scores and external ids, best first. */
  record Hits(int[] docs, float[] scores, BytesRef[] ids, int size) {}

  private final LuceneIndex index;
  private final IndexSearcher searcher;
  private final Map<String, Float> fields;
  private final boolean removeQuery;
  private final Feedback feedback;
  private final String spec;
  /** Eager exact scoring for plain BM25 (null: Lucene's searcher for every query). */
  private final ImpactScorer impacts;

  LexicalRetriever(LuceneIndex index, Similarity similarity, String baseSpec, SearchOptions options,
      Feedback feedback) {
    this(index, similarity, baseSpec, options, feedback, null);
  }

  /**
   * With {@code statistics} (may be null), the index is one shard of a collection and scores use
   * the collection's statistics ({@link SearchStatistics}); feedback models cannot (they read the
   * index's own term vectors and frequencies).
   */
  LexicalRetriever(LuceneIndex index, Similarity similarity, String baseSpec, SearchOptions options,
      Feedback feedback, SearchStatistics statistics) {
    if (statistics != null && feedback != null) {
      throw TrawlException.invalid(baseSpec + ": feedback models cannot search shards with "
          + "collection-wide statistics; use bm25 or qld");
    }
    if (index.impact() != similarity instanceof io.trawl.index.ImpactSimilarity) {
      throw TrawlException.invalid(index.impact()
          ? "index " + index.path() + " holds impacts (pre-encoded weights); search it with the impact retriever, not " + baseSpec
          : "retriever " + baseSpec + " needs an impact index (trawl index --collection json-vector); "
              + index.path() + " is not one");
    }
    this.index = index;
    this.searcher = statistics == null ? new IndexSearcher(index.reader())
        : new IndexSearcher(index.reader()) {
          @Override
          public CollectionStatistics collectionStatistics(String field) throws IOException {
            return statistics.collection(field, super.collectionStatistics(field));
          }

          @Override
          public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq)
              throws IOException {
            return statistics.term(term, super.termStatistics(term, docFreq, totalTermFreq));
          }
        };
    this.searcher.setSimilarity(similarity);
    this.fields = options.fields();
    this.removeQuery = options.removeQuery();
    this.feedback = feedback;
    this.spec = feedback == null ? baseSpec : feedback.spec();
    IndexSearcher.setMaxClauseCount(Math.max(IndexSearcher.getMaxClauseCount(), 1 << 16));
    ImpactScorer is = null;
    if ((similarity instanceof org.apache.lucene.search.similarities.BM25Similarity
        || similarity instanceof io.trawl.index.ImpactSimilarity) && feedback == null) {
      try {
        is = ImpactScorer.open(searcher);
      } catch (IOException e) {
        throw new TrawlException(TrawlException.RUNTIME, "cannot open index: " + e.getMessage(), e);
      }
    }
    this.impacts = is;
  }

  @Override
  public String spec() {
    return spec;
  }

  LuceneIndex index() {
    return index;
  }

  /** The searcher, with this retriever's similarity (for the tests' oracles). */
  IndexSearcher searcher() {
    return searcher;
  }

  @Override
  public RankedList retrieve(Query query, int k) {
    return ranked(query, hits(query, k, true));
  }

  /**
   * The same ranking through Lucene's searcher alone, never the eager scorer: the oracle the
   * parity tests compare {@link #retrieve} with.
   */
  RankedList retrieveWithLucene(Query query, int k) {
    return ranked(query, hits(query, k, false));
  }

  private RankedList ranked(Query query, Hits hits) {
    String[] ids = new String[hits.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = idString(hits.ids()[i]);
    }
    return finish(query.id(), ids, hits.scores(), hits.size(), removeQuery);
  }

  /**
   * A docid's string. Same as {@code utf8ToString()} for the valid UTF-8 the index holds, but
   * through {@code String}'s own decoder, which copies ASCII bytes straight into a compact string
   * instead of widening them to UTF-16 first.
   */
  private static String idString(BytesRef b) {
    return new String(b.bytes, b.offset, b.length, java.nio.charset.StandardCharsets.UTF_8);
  }

  private Hits hits(Query query, int k, boolean eager) {
    if (k <= 0) {
      throw TrawlException.invalid("hits must be positive, got " + k);
    }
    org.apache.lucene.search.Query q = BagOfWords.build(fields, index.analyzer(), query.text());
    if (feedback != null) {
      Hits first = search(q, feedback.depth());
      q = feedback.expand(index, query.text(), first);
    }
    Hits eagerHits = eager ? searchImpacts(q, k) : null;
    return eagerHits != null ? eagerHits : search(q, k);
  }

  /**
   * The top {@code k} as Lucene scored them: float scores not yet rounded, ties by external docid
   * ascending (UTF-8 byte order), the query's own docid not removed. Rankings of several shards
   * merged in that order and passed to {@link #finish} equal {@link #retrieve} on one index.
   */
  public RankedList retrieveUnrounded(Query query, int k) {
    Hits hits = hits(query, k, true);
    List<Candidate> out = new ArrayList<>(hits.size());
    for (int i = 0; i < hits.size(); i++) {
      out.add(new Candidate(idString(hits.ids()[i]), hits.scores()[i]));
    }
    return new RankedList(query.id(), out);
  }

  /** Whether hits whose docid equals the query id are dropped ({@code -removeQuery}). */
  public boolean removesQuery() {
    return removeQuery;
  }

  /** The index terms of the query as this retriever searches it (for collection statistics). */
  public java.util.Set<Term> queryTerms(Query query) {
    if (feedback != null) {
      throw TrawlException.invalid(spec + ": the terms of a feedback query depend on its first stage");
    }
    java.util.Set<Term> terms = new java.util.TreeSet<>();
    BagOfWords.build(fields, index.analyzer(), query.text()).visit(QueryVisitor.termCollector(terms));
    return terms;
  }

  /**
   * Turns a ranking in final order (score descending, docid ascending) into the run's ranking:
   * Anserini's rounding and tie nudges ({@link ScoreTies}) over the first {@code n} entries, then,
   * with {@code removeQuery}, the query's own docid dropped. {@code scores} is changed in place.
   */
  public static RankedList finish(String queryId, String[] ids, float[] scores, int n,
      boolean removeQuery) {
    ScoreTies.adjust(scores, n);
    List<Candidate> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (removeQuery && ids[i].equals(queryId)) {
        continue;
      }
      out.add(new Candidate(ids[i], ScoreTies.decimal(scores[i])));
    }
    return new RankedList(queryId, out);
  }

  /** The eager exact scoring of {@code q}, or null where it does not apply (index or query shape). */
  Hits searchImpacts(org.apache.lucene.search.Query q, int k) {
    ImpactScorer.Plan plan = impacts == null ? null : ImpactScorer.plan(q);
    if (plan == null) {
      return null;
    }
    ImpactScorer.Top top = impacts.search(plan, k);
    return new Hits(top.docs(), top.scores(), top.ids(), top.size());
  }

  /** The eager scorer (null where the index or the model does not allow it). */
  ImpactScorer impacts() {
    return impacts;
  }

  /** Top {@code k} by score, ties by external docid ascending. */
  Hits search(org.apache.lucene.search.Query q, int k) {
    try {
      return searchPruned(q, k);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + e.getMessage(), e);
    }
  }

  /**
   * The same ranking with dynamic pruning (block-max WAND / MaxScore): collect the top
   * {@code k + k/8} by score. If the last collected score is below the k-th, no document tied
   * with the k-th was skipped, so the collected documents include every document scoring at
   * least the k-th score; sorting them by (score, docid) and cutting at k is exact. Otherwise
   * (a tie group longer than the margin) a second pruned pass collects every document scoring
   * exactly the k-th score, and the cut is made by external docid, as the exhaustive sort would. Per-document
   * scores are the same floats as in the exhaustive path (Lucene sums clause scores in double).
   */
  Hits searchPruned(org.apache.lucene.search.Query q, int k) throws IOException {
    int want = (int) Math.min(Integer.MAX_VALUE - 8L, (long) k + Math.max(1, k / 8));
    TopDocs td = searcher.search(q, new TopScoreDocCollectorManager(want, want));
    ScoreDoc[] sd = td.scoreDocs;
    int n = sd.length;
    if (n == 0) {
      return new Hits(new int[0], new float[0], new BytesRef[0], 0);
    }
    int keep;
    int[] tieDocs = null;
    if (n < want || sd[n - 1].score < sd[k - 1].score) {
      // every document scoring at least the k-th score was collected (none was pruned)
      keep = n;
    } else {
      float cut = sd[k - 1].score;
      keep = 0;
      while (keep < n && sd[keep].score > cut) {
        keep++;
      }
      tieDocs = docsScoring(q, cut);
    }
    // candidates in Lucene's order (score desc, doc asc): the collected top, then the tied ones
    float cut = sd[Math.min(k, n) - 1].score;
    int upto = 0;
    while (upto < keep && sd[upto].score >= cut) {
      upto++;
    }
    int total = tieDocs == null ? upto : upto + tieDocs.length;
    int[] docs = new int[total];
    float[] scores = new float[total];
    for (int i = 0; i < upto; i++) {
      docs[i] = sd[i].doc;
      scores[i] = sd[i].score;
    }
    if (tieDocs != null) {
      for (int i = 0; i < tieDocs.length; i++) {
        docs[upto + i] = tieDocs[i];
        scores[upto + i] = cut;
      }
    }
    BytesRef[] ids = index.idBytes(docs, total);
    // scores are non-increasing already; order each run of equal scores by external docid
    int[] order = new int[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    for (int i = 0; i < total; ) {
      int j = i + 1;
      while (j < total && scores[j] == scores[i]) {
        j++;
      }
      if (j - i > 1) {
        Integer[] group = new Integer[j - i];
        for (int g = 0; g < group.length; g++) {
          group[g] = i + g;
        }
        java.util.Arrays.sort(group, (a, b) -> ids[a].compareTo(ids[b]));
        for (int g = 0; g < group.length; g++) {
          order[i + g] = group[g];
        }
      }
      i = j;
    }
    int m = Math.min(k, total);
    int[] d2 = new int[m];
    float[] s2 = new float[m];
    BytesRef[] i2 = new BytesRef[m];
    for (int i = 0; i < m; i++) {
      d2[i] = docs[order[i]];
      s2[i] = scores[order[i]];
      i2[i] = ids[order[i]];
    }
    return new Hits(d2, s2, i2, m);
  }

  /** Every document whose score is exactly {@code score}, found with pruning below it. */
  private int[] docsScoring(org.apache.lucene.search.Query q, float score) throws IOException {
    return searcher.search(q, new CollectorManager<ScoreEquals, int[]>() {
      @Override
      public ScoreEquals newCollector() {
        return new ScoreEquals(score);
      }

      @Override
      public int[] reduce(java.util.Collection<ScoreEquals> collectors) {
        org.apache.lucene.util.IntsRefBuilder all = new org.apache.lucene.util.IntsRefBuilder();
        for (ScoreEquals c : collectors) {
          for (int i = 0; i < c.found.length(); i++) {
            all.append(c.found.intAt(i));
          }
        }
        return java.util.Arrays.copyOf(all.ints(), all.length());
      }
    });
  }

  /** Collects the documents scoring exactly a given score; lets the scorer skip lower ones. */
  private static final class ScoreEquals extends SimpleCollector {
    final float score;
    final org.apache.lucene.util.IntsRefBuilder found = new org.apache.lucene.util.IntsRefBuilder();
    int base;
    Scorable scorer;

    ScoreEquals(float score) {
      this.score = score;
    }

    @Override
    protected void doSetNextReader(LeafReaderContext context) {
      base = context.docBase;
    }

    @Override
    public void setScorer(Scorable s) throws IOException {
      scorer = s;
      s.setMinCompetitiveScore(score);
    }

    @Override
    public void collect(int doc) throws IOException {
      if (scorer.score() == score) {
        found.append(base + doc);
      }
    }

    @Override
    public ScoreMode scoreMode() {
      return ScoreMode.TOP_SCORES;
    }
  }
}
