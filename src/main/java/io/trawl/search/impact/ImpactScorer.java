package io.trawl.search.impact;

import io.trawl.core.TrawlException;
import io.trawl.core.Vectors;
import io.trawl.index.ImpactSimilarity;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermScorer;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

/**
 * Eager ("precomputed impact") scoring for flat bag-of-words queries, bm25s style, with exactly
 * Lucene's scores: for every query term the postings are scored once by Lucene's own term scorer
 * (same similarity, statistics and boost, so the same float per document) and kept as
 * {@code (doc, score)} arrays in a cache shared by all queries; a query then adds its terms'
 * arrays into a dense per-thread accumulator. Clause scores are summed in double and narrowed to
 * float, as Lucene's disjunction scorers do; BM25 term scores are positive floats within a few
 * orders of magnitude, so the double sum of a handful of them is exact whatever the order, and
 * every document gets the float Lucene would give it. The top {@code k} are selected by (score
 * descending, external id ascending) with the external id's rank in the sorted {@code id} doc
 * values, so ties at the cut are exact without a second pass.
 *
 * <p>Applies to a single-segment index with {@code id} sorted doc values and queries that are a
 * disjunction of (boosted) term queries, optionally boosted as a whole; {@link #plan} returns null
 * otherwise and the caller uses Lucene's searcher. The cache holds at most
 * {@code trawl.search.impactCacheMB} MiB of postings (default 1024); terms beyond that are scored
 * per query and not kept.
 *
 * <p>Internal to {@code LexicalRetriever} (see the package comment); its oracles, Lucene's own
 * searcher and Anserini's exhaustive sort, are in the tests ({@code SciFactParityTest}).
 */
public final class ImpactScorer {
  /** Cache budget in postings (8 bytes each). */
  private static final long BUDGET = Long.getLong("trawl.search.impactCacheMB", 1024L) * (1L << 20) / 8;

  /**
   * Budget of the {@link Rank}s of long postings, in bytes ({@code trawl.search.rankCacheMB}, default
   * 256 MiB; the 6,980 MS MARCO dev queries at 8.8M passages need 208 MiB).
   */
  private static final long RANK_BUDGET = Long.getLong("trawl.search.rankCacheMB", 256L) * (1L << 20);

  private record Key(String field, BytesRef term, float boost) {}

  /**
   * One clause of a flat disjunction: a term query and the boost Lucene's weight sees for it
   * (its own boost times the whole query's).
   */
  public record Clause(TermQuery query, float boost) {}

  /** A query this scorer can evaluate: its clauses ({@link #plan}). */
  public record Plan(List<Clause> clauses) {}

  /** The top documents, best first: Lucene docs, float scores and external ids ({@code size} of each). */
  public record Top(int[] docs, float[] scores, BytesRef[] ids, int size) {}

  /** log2 of the documents per block of the evaluation (see {@link #searchBlocked}). */
  public static final int DEFAULT_BLOCK_SHIFT = 14;

  /** Postings at least this many times the number of blocks long carry per-block bounds. */
  private static final int LONG_LIST = 2;

  /** Postings of at least {@code maxDoc >>> RANK_SHIFT} documents get a {@link Rank} (see there). */
  private static final int RANK_SHIFT = 5;

  /**
   * A non-essential term with a {@link Rank} is intersected with the found documents in a block
   * where its postings outnumber the block's bitmap words by this factor; it is scanned otherwise.
   */
  public static final double DEFAULT_INTERSECT_RATIO = 1.0;

  /**
   * One term's postings with Lucene's per-document score, and the largest of those scores. For a
   * similarity linear in the boost ({@link ImpactSimilarity}: {@code freq x boost}) the cache keeps
   * the boost-1 scores once per term, and a clause reads them through a view with {@code scale}
   * = its boost: {@code scores[x] * scale} is the very float product Lucene's scorer computes.
   */
  static final class Postings {
    final int[] docs;
    final float[] scores;
    final float max;
    /** 1, or the boost of a view over the boost-1 postings {@link #base} */
    final float scale;
    private final Postings base;
    private volatile Blocks blocks;
    private volatile Rank rank;
    /** whether the cache holds these postings (set before they are published in it) */
    volatile boolean kept;
    /** whether the rank budget refused these postings a rank */
    volatile boolean noRank;

    Postings(int[] docs, float[] scores) {
      this.docs = docs;
      this.scores = scores;
      float mx = 0;
      for (float x : scores) {
        mx = Math.max(mx, x);
      }
      this.max = mx;
      this.scale = 1f;
      this.base = this;
    }

    private Postings(Postings base, float scale) {
      this.docs = base.docs;
      this.scores = base.scores;
      this.max = base.max * scale; // x -> x * scale is monotone: the scaled maximum
      this.scale = scale;
      this.base = base;
    }

    /** These postings with every score multiplied by {@code s} (a view; this when s is 1). */
    Postings scaled(float s) {
      return s == 1f ? this : new Postings(this, s);
    }

    /**
     * Start index and maximum score of each block of {@code 2^shift} documents (cached on the
     * boost-1 postings; a view's maxima are scaled by the caller).
     */
    Blocks blocks(int shift, int nb) {
      if (base != this) {
        return base.blocks(shift, nb);
      }
      Blocks b = blocks;
      if (b == null || b.shift != shift || b.max.length != nb) {
        int[] start = new int[nb + 1];
        float[] bmax = new float[nb];
        int i = 0;
        int n = docs.length;
        for (int j = 0; j < nb; j++) {
          start[j] = i;
          long end = (long) (j + 1) << shift;
          float mx = 0;
          while (i < n && docs[i] < end) {
            mx = Math.max(mx, scores[i]);
            i++;
          }
          bmax[j] = mx;
        }
        start[nb] = i;
        b = new Blocks(shift, start, bmax);
        blocks = b;
      }
      return b;
    }
  }

  record Blocks(int shift, int[] start, float[] max) {}

  /**
   * A long postings list's documents as a bitmap over all documents, with the number of postings
   * before each 64-bit word: ANDing a block's words with the found documents' marks gives the
   * documents a non-essential term adds to, and a popcount each one's score, so the term's
   * postings in the block are not scanned ({@link #intersectAdd}).
   */
  static final class Rank {
    final long[] bits;
    final int[] before;

    Rank(int[] docs, int maxDoc) {
      int words = (maxDoc + 63) >>> 6;
      bits = new long[words];
      before = new int[words];
      for (int d : docs) {
        bits[d >>> 6] |= 1L << d;
      }
      int c = 0;
      for (int w = 0; w < words; w++) {
        before[w] = c;
        c += Long.bitCount(bits[w]);
      }
    }

    /** What it costs in bytes. */
    static long cost(int maxDoc) {
      return (((long) maxDoc + 63) >>> 6) * 12;
    }
  }

  private final IndexSearcher searcher;
  private final LeafReaderContext leaf;
  private final int maxDoc;
  /** rank of each document's external id in byte order (its sorted doc values ordinal) */
  private final int[] idRank;
  /** document of each id rank */
  private final int[] docOfRank;
  /** external ids by rank: UTF-8 bytes in one array */
  private final byte[] idBytes;
  private final int[] idStart;
  private final int blockShift;
  private final double intersectRatio;
  private final Work work = new Work();
  private final ConcurrentHashMap<Key, Postings> cache = new ConcurrentHashMap<>();
  private final AtomicLong cached = new AtomicLong();
  private final AtomicLong rankBytes = new AtomicLong();
  private final ThreadLocal<Scratch> scratch;
  /** Scores are {@code freq x boost} ({@link ImpactSimilarity}): cache per term, scale per clause. */
  private final boolean linearInBoost;
  /** per field: its norms in memory ({@link #norms}) */
  private final ConcurrentHashMap<String, NormsCopy> normsCopies = new ConcurrentHashMap<>();

  /** Per-thread work arrays, allocated on first use by the evaluation that needs them. */
  private static final class Scratch {
    double[] acc;
    final int[] hist = new int[1 << 16];
    long[] mark;
    int[] candDocs = new int[0];
    int[] candBits = new int[0];
    /** a block's document offsets and score indexes, listed by {@link #visit} and {@link #intersectAdd} */
    int[] pos = new int[0];
    int[] idx = new int[0];

    double[] acc(int n) {
      if (acc == null || acc.length < n) {
        acc = new double[n];
      }
      return acc;
    }

    long[] mark(int n) {
      if (mark == null || mark.length < (n + 63) >>> 6) {
        mark = new long[(n + 63) >>> 6];
      }
      return mark;
    }

    int[] candDocs(int n) {
      return candDocs = atLeast(candDocs, n);
    }

    int[] candBits(int n) {
      return candBits = atLeast(candBits, n);
    }

    /** {@link #pos} and {@link #idx} for blocks of {@code n} documents (and 4 to spare) */
    void lists(int n) {
      pos = atLeast(pos, n + 4);
      idx = atLeast(idx, n + 4);
    }

    /** {@code a}, or a copy grown to at least {@code n} (at least doubling). */
    private static int[] atLeast(int[] a, int n) {
      return a.length >= n ? a : java.util.Arrays.copyOf(a, Math.max(n, a.length * 2));
    }
  }

  private ImpactScorer(IndexSearcher searcher, LeafReaderContext leaf, int[] idRank, byte[] idBytes,
      int[] idStart, int blockShift, double intersectRatio) {
    this.searcher = searcher;
    this.blockShift = blockShift;
    this.intersectRatio = intersectRatio;
    this.leaf = leaf;
    this.maxDoc = leaf.reader().maxDoc();
    this.idRank = idRank;
    this.docOfRank = new int[idRank.length];
    for (int d = 0; d < idRank.length; d++) {
      docOfRank[idRank[d]] = d;
    }
    this.idBytes = idBytes;
    this.idStart = idStart;
    this.scratch = ThreadLocal.withInitial(Scratch::new);
    this.linearInBoost = searcher.getSimilarity() instanceof ImpactSimilarity;
  }

  /** The scorer for this searcher's index, or null when the index does not qualify. */
  public static ImpactScorer open(IndexSearcher searcher) throws IOException {
    return open(searcher, DEFAULT_BLOCK_SHIFT, DEFAULT_INTERSECT_RATIO);
  }

  /**
   * The same with blocks of {@code 2^blockShift} documents (tests use small blocks on small
   * indexes, so that skipping and non-essential terms are exercised).
   */
  public static ImpactScorer open(IndexSearcher searcher, int blockShift) throws IOException {
    return open(searcher, blockShift, DEFAULT_INTERSECT_RATIO);
  }

  /**
   * The same with the ratio that decides between intersecting and scanning a non-essential term
   * ({@link #DEFAULT_INTERSECT_RATIO}; the benchmark compares ratios, an infinite one scans always).
   */
  public static ImpactScorer open(IndexSearcher searcher, int blockShift, double intersectRatio)
      throws IOException {
    if (blockShift < 6 || blockShift > 30) {
      throw new IllegalArgumentException("block shift must be between 6 and 30, got " + blockShift);
    }
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    if (leaves.size() != 1) {
      return null;
    }
    LeafReaderContext leaf = leaves.get(0);
    LeafReader r = leaf.reader();
    if (r.hasDeletions()) {
      return null;
    }
    SortedDocValues dv = r.getSortedDocValues(IndexFields.ID);
    if (dv == null || dv.getValueCount() != r.maxDoc()) {
      return null;
    }
    int n = r.maxDoc();
    int[] rank = new int[n];
    java.util.Arrays.fill(rank, -1);
    for (int d = dv.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = dv.nextDoc()) {
      rank[d] = dv.ordValue();
    }
    for (int x : rank) {
      if (x < 0) {
        return null;
      }
    }
    int[] start = new int[n + 1];
    org.apache.lucene.util.BytesRefBuilder all = new org.apache.lucene.util.BytesRefBuilder();
    TermsEnum te = dv.termsEnum();
    int ord = 0;
    for (BytesRef t = te.next(); t != null; t = te.next()) {
      start[ord++] = all.length();
      all.append(t);
    }
    start[ord] = all.length();
    return new ImpactScorer(searcher, leaf, rank, java.util.Arrays.copyOf(all.bytes(), all.length()), start,
        blockShift, intersectRatio);
  }

  private BytesRef idRef(int doc) {
    int r = idRank[doc];
    return new BytesRef(idBytes, idStart[r], idStart[r + 1] - idStart[r]);
  }

  /** The plan of a flat disjunction of (boosted) term queries, or null for any other query. */
  public static Plan plan(Query q) {
    float boost = 1f;
    if (q instanceof BoostQuery bq) {
      boost = bq.getBoost();
      q = bq.getQuery();
    }
    if (!(boost > 0) || !(q instanceof BooleanQuery b) || b.getMinimumNumberShouldMatch() != 0) {
      return null;
    }
    List<Clause> out = new ArrayList<>();
    for (BooleanClause c : b.clauses()) {
      if (c.occur() != BooleanClause.Occur.SHOULD) {
        return null;
      }
      Query cq = c.query();
      float clauseBoost = 1f;
      if (cq instanceof BoostQuery x) {
        clauseBoost = x.getBoost();
        cq = x.getQuery();
        if (!(clauseBoost > 0)) {
          return null;
        }
      }
      if (!(cq instanceof TermQuery tq) || tq.getTermStates() != null) {
        return null; // (a term query with its own statistics: Lucene's weight uses those)
      }
      // the boost Lucene's weight sees: BoostQuery multiplies its boost by the outer one
      out.add(new Clause(tq, c.query() instanceof BoostQuery ? clauseBoost * boost : boost));
    }
    return new Plan(out);
  }

  private Postings postings(Clause clause) throws IOException {
    if (linearInBoost) {
      return postings(clause.query(), 1f).scaled(clause.boost());
    }
    return postings(clause.query(), clause.boost());
  }

  private Postings postings(TermQuery tq, float boost) throws IOException {
    Key key = new Key(tq.getTerm().field(), tq.getTerm().bytes(), boost);
    Postings p = cache.get(key);
    if (p != null) {
      return p;
    }
    p = score(tq, boost);
    if (cached.addAndGet(p.docs.length) <= BUDGET) {
      p.kept = true;
      Postings prev = cache.putIfAbsent(key, p);
      if (prev != null) {
        cached.addAndGet(-p.docs.length);
        return prev;
      }
    } else {
      cached.addAndGet(-p.docs.length);
    }
    return p;
  }

  /** The term's postings scored by Lucene's term scorer, through its batch API (same floats as score()). */
  private Postings score(TermQuery tq, float boost) throws IOException {
    Scorer s = termScorer(tq.getTerm(), boost);
    if (s == null) {
      return new Postings(new int[0], new float[0]);
    }
    DocIdSetIterator it = s.iterator();
    // a term scorer's cost is its document frequency: no second terms-dictionary lookup
    int[] docs = new int[(int) Math.min(it.cost(), Integer.MAX_VALUE - 8)];
    float[] scores = new float[docs.length];
    int n = 0;
    org.apache.lucene.search.DocAndFloatFeatureBuffer buf = new org.apache.lucene.search.DocAndFloatFeatureBuffer();
    if (it.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
      while (true) {
        s.nextDocsAndScores(DocIdSetIterator.NO_MORE_DOCS, null, buf);
        int b = buf.size;
        if (b == 0) {
          break;
        }
        if (n + b > docs.length) {
          docs = java.util.Arrays.copyOf(docs, Math.max(n + b, docs.length * 2));
          scores = java.util.Arrays.copyOf(scores, docs.length);
        }
        System.arraycopy(buf.docs, 0, docs, n, b);
        System.arraycopy(buf.features, 0, scores, n, b);
        n += b;
      }
    }
    if (n != docs.length) {
      docs = java.util.Arrays.copyOf(docs, n);
      scores = java.util.Arrays.copyOf(scores, n);
    }
    return new Postings(docs, scores);
  }

  /**
   * Lucene's term scorer for {@code term} with {@code boost}, as its term weight builds it (the
   * searcher's similarity, collection and term statistics, boost; the postings with frequencies),
   * except that the norms are read from {@link #norms} in memory: Lucene's norms reader fetches a
   * batch one document at a time ({@code NumericDocValues.longValues}), which was a tenth of
   * the search time at 8.8M passages. Same norm values, same scorer code, so the same floats.
   * Null when the term is not in the index.
   */
  private Scorer termScorer(Term term, float boost) throws IOException {
    Terms terms = leaf.reader().terms(term.field());
    TermsEnum te = terms == null ? null : terms.iterator();
    if (te == null || !te.seekExact(term.bytes())) {
      return null;
    }
    Similarity.SimScorer sim = searcher.getSimilarity().scorer(boost,
        searcher.collectionStatistics(term.field()), searcher.termStatistics(term, te.docFreq(), te.totalTermFreq()));
    return new TermScorer(te.postings(null, PostingsEnum.FREQS), sim, norms(term.field()));
  }

  /**
   * A field's norms as a fresh iterator over an in-memory copy (taken once per field, a byte per
   * document), or Lucene's own norms where a value does not fit in a byte; null without norms.
   */
  private NumericDocValues norms(String field) throws IOException {
    NormsCopy c = normsCopies.get(field);
    if (c == null) {
      c = NormsCopy.of(leaf.reader().getNormValues(field), maxDoc);
      NormsCopy prev = normsCopies.putIfAbsent(field, c);
      if (prev != null) {
        c = prev; // another thread's copy, the same values: one is kept
      }
    }
    return c.values == null ? leaf.reader().getNormValues(field) : c.iterator();
  }

  /** A field's norm values, one byte per document, and which documents have one (null: all). */
  private record NormsCopy(byte[] values, FixedBitSet has) {
    static NormsCopy of(NumericDocValues nv, int maxDoc) throws IOException {
      if (nv == null) {
        return new NormsCopy(null, null);
      }
      byte[] v = new byte[maxDoc];
      FixedBitSet has = new FixedBitSet(maxDoc);
      for (int d = nv.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = nv.nextDoc()) {
        long x = nv.longValue();
        if (x != (byte) x) {
          return new NormsCopy(null, null); // not bytes: Lucene's reader
        }
        v[d] = (byte) x;
        has.set(d);
      }
      return new NormsCopy(v, has.cardinality() == maxDoc ? null : has);
    }

    NumericDocValues iterator() {
      byte[] v = values;
      FixedBitSet h = has;
      int n = v.length;
      return new NumericDocValues() {
        int doc = -1;

        @Override
        public long longValue() {
          return v[doc];
        }

        @Override
        public void longValues(int size, int[] docs, long[] out, long missing) {
          longValues(size, docs, 0, out, 0, missing);
        }

        @Override
        public void longValues(int size, int[] docs, int docsOffset, long[] out, int outOffset, long missing) {
          for (int i = 0; i < size; i++) {
            int d = docs[docsOffset + i];
            out[outOffset + i] = h == null || h.get(d) ? v[d] : missing;
          }
        }

        @Override
        public boolean advanceExact(int target) {
          doc = target;
          return h == null || h.get(target);
        }

        @Override
        public int docID() {
          return doc;
        }

        @Override
        public int nextDoc() {
          return doc == NO_MORE_DOCS ? doc : advance(doc + 1);
        }

        @Override
        public int advance(int target) {
          if (target >= n) {
            return doc = NO_MORE_DOCS;
          }
          return doc = h == null ? target : h.nextSetBit(target);
        }

        @Override
        public long cost() {
          return h == null ? n : h.cardinality();
        }
      };
    }
  }

  /** What the evaluations of one scorer did, counted (for tests and tuning). */
  public static final class Work {
    final LongAdder queries = new LongAdder();
    final LongAdder postings = new LongAdder();
    final LongAdder essential = new LongAdder();
    final LongAdder nonEssential = new LongAdder();
    final LongAdder blocks = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder split = new LongAdder();
    final LongAdder raises = new LongAdder();
    final LongAdder added = new LongAdder();
    final LongAdder intersected = new LongAdder();

    void add(Blocked q) {
      queries.increment();
      postings.add(q.postings);
      essential.add(q.essential);
      nonEssential.add(q.nonEssential);
      blocks.add(q.blocks);
      skipped.add(q.skipped);
      split.add(q.split);
      raises.add(q.raises);
      added.add(q.added);
      intersected.add(q.intersected);
    }

    /** Non-essential scores added through a {@link Rank}'s bitmap (their postings not scanned). */
    public long intersections() {
      return added.sum();
    }

    /** Blocks skipped whole (no document in them could reach the top k). */
    public long skippedBlocks() {
      return skipped.sum();
    }

    /** Blocks evaluated with some terms non-essential (they only complete the documents the essential ones find). */
    public long splitBlocks() {
      return split.sum();
    }

    @Override
    public String toString() {
      return queries + " queries, " + postings + " postings, " + essential + " added as essential, "
          + nonEssential + " scanned as non-essential, " + intersected + " intersected as non-essential ("
          + added + " scores added), " + blocks + " blocks evaluated, " + skipped + " skipped, " + split
          + " with non-essential terms, " + raises + " threshold raises";
    }
  }

  /**
   * The rank of cached postings at least {@code maxDoc / 2^RANK_SHIFT} long (built once, within
   * the rank budget), or null.
   */
  private Rank rank(Postings p) {
    Postings b = p.base;
    if (b.docs.length < Math.max(64, maxDoc >>> RANK_SHIFT) || !b.kept || b.noRank) {
      return null;
    }
    Rank r = b.rank;
    if (r != null) {
      return r;
    }
    synchronized (b) {
      if (b.rank == null) {
        long c = Rank.cost(maxDoc);
        if (rankBytes.addAndGet(c) <= RANK_BUDGET) {
          b.rank = new Rank(b.docs, maxDoc);
        } else {
          rankBytes.addAndGet(-c);
          b.noRank = true; // refused once by the budget: not asked again
        }
      }
      return b.rank;
    }
  }

  /** Top {@code k} documents by (score desc, external id asc): docs and float scores, best first. */
  public Top search(Plan plan, int k) {
    k = Math.min(k, Math.max(1, maxDoc)); // more hits than documents cannot be returned
    List<Clause> clauses = plan.clauses();
    Postings[] ps = new Postings[clauses.size()];
    try {
      for (int c = 0; c < ps.length; c++) {
        ps[c] = postings(clauses.get(c));
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + e.getMessage(), e);
    }
    Rank[] ranks = new Rank[ps.length];
    for (int c = 0; c < ps.length; c++) {
      ranks[c] = rank(ps[c]);
    }
    return searchBlocked(ps, ranks, k, scratch.get());
  }

  /** Bytes held by the ranks of long postings (at most {@code trawl.search.rankCacheMB} MiB). */
  public long rankBytes() {
    return rankBytes.get();
  }

  /** Entries in the postings cache (one per term, or per (term, boost) for BM25). */
  public int cachedTerms() {
    return cache.size();
  }

  /** What this scorer's evaluations did so far. */
  public Work work() {
    return work;
  }

  /**
   * Block-max evaluation (MaxScore per block of documents) over the cached arrays. The documents
   * are cut into blocks of {@code 2^blockShift}; long postings carry each block's start and
   * maximum score, short ones their overall maximum as the bound. Blocks are visited in order with
   * a threshold {@code theta}: the k-th largest final score among the candidates kept so far (once
   * there are k of them), a lower bound of the final k-th score. In a block:
   * <ul>
   *   <li>if the terms' block maxima sum to less than theta, no document in it can be returned
   *       (not even as a tie): the block is skipped;
   *   <li>otherwise the terms are ordered by block maximum and the longest prefix whose maxima sum
   *       to less than theta is "non-essential": a document matching only those cannot be
   *       returned. The essential terms are added into a small dense accumulator (it stays in the
   *       L1/L2 cache) and mark the documents they find; the non-essential terms add their scores
   *       to the marked documents only: a long one by intersecting its bitmap with the marks
   *       ({@link Rank}), a short one by a branch-free masked scan of its postings;
   *   <li>documents whose final score reaches theta become candidates; theta rises when the
   *       candidates reach {@code 2k}.
   * </ul>
   * Every comparison with theta keeps a relative margin of 1e-7 (more than a float's rounding), so
   * a document is dropped only if its float score is certainly below theta. Scores are double sums
   * narrowed to float, as Lucene's (the sum of a handful of positive floats is exact in double, in
   * any order), so the hits are the ones Lucene's exhaustive evaluation gives.
   */
  private Top searchBlocked(Postings[] ps, Rank[] ranks, int k, Scratch sc) {
    Blocked q = new Blocked(ps, ranks, k, sc, blockShift, maxDoc, intersectRatio);
    for (int j = 0; j < q.nb; j++) {
      q.block(j);
    }
    work.add(q);
    int nc = q.nc;
    int[] cd = q.cd;
    int[] cb = q.cb;
    int want = Math.min(k, nc);
    int nk = nc;
    if (want > 0 && nc > want) {
      int tb = kthLargestBits(cb, nc, want, sc.hist);
      nk = 0;
      for (int i = 0; i < nc; i++) {
        if (cb[i] >= tb) {
          cd[nk] = cd[i];
          cb[nk++] = cb[i];
        }
      }
    }
    return top(cd, cb, nk, want);
  }

  /**
   * One query's blocked evaluation (see {@link #searchBlocked}): its state, and one small method
   * per step, so that the JIT compiles each early instead of one large loop by on-stack
   * replacement.
   */
  private static final class Blocked {
    final Postings[] ps;
    final Rank[] ranks;
    final double intersectRatio;
    final int k;
    final Scratch sc;
    final int shift;
    final int bsize;
    final int nb;
    final int m;
    final int[][] bstart;
    final float[][] bmax;
    final int[] cur;
    final int[] lo;
    final int[] hi;
    final double[] ub;
    final int[] order;
    // what this evaluation did (added to the scorer's counters once, at the end)
    long postings;
    long essential;
    long nonEssential;
    long blocks;
    long skipped;
    long split;
    long raises;
    long added;
    long intersected;
    final double[] acc;
    final long[] mark;
    final int[] pos;
    final int[] idx;
    int cap;
    int[] cd;
    int[] cb;
    int nc;
    /** whether theta is a lower bound of the final k-th score (k candidates seen) */
    boolean valid;
    float theta;
    /** theta less the margin */
    double cut;
    /** terms with postings in the current block, by ascending bound: order[0..present) */
    int present;

    Blocked(Postings[] ps, Rank[] ranks, int k, Scratch sc, int shift, int maxDoc, double intersectRatio) {
      this.ps = ps;
      this.intersectRatio = intersectRatio;
      this.ranks = ranks;
      this.k = k;
      this.sc = sc;
      this.shift = shift;
      this.bsize = 1 << shift;
      this.nb = (int) (((long) maxDoc + bsize - 1) >>> shift);
      this.m = ps.length;
      bstart = new int[m][];
      bmax = new float[m][];
      for (int t = 0; t < m; t++) {
        Postings p = ps[t];
        postings += p.docs.length;
        if (p.docs.length >= LONG_LIST * nb) {
          Blocks b = p.blocks(shift, nb);
          bstart[t] = b.start;
          bmax[t] = p.scale == 1f ? b.max : scaled(b.max, p.scale);
        }
      }
      cur = new int[m];
      lo = new int[m];
      hi = new int[m];
      ub = new double[m];
      order = new int[m];
      acc = sc.acc(bsize);
      mark = sc.mark(bsize);
      sc.lists(bsize);
      pos = sc.pos;
      idx = sc.idx;
      cap = Math.max(2 * k, 64);
      cd = sc.candDocs(cap + bsize);
      cb = sc.candBits(cap + bsize);
    }

    /** Finds each term's postings in block j and orders the present terms; returns their bound. */
    double ranges(int j) {
      int base = j << shift;
      int end = base + bsize;
      present = 0;
      double total = 0;
      for (int t = 0; t < m; t++) {
        int a;
        int z;
        if (bstart[t] != null) {
          a = bstart[t][j];
          z = bstart[t][j + 1];
          if (a == z) {
            continue;
          }
          ub[t] = bmax[t][j];
        } else {
          int[] docs = ps[t].docs;
          int n = docs.length;
          a = cur[t];
          while (a < n && docs[a] < base) {
            a++;
          }
          z = a;
          while (z < n && docs[z] < end) {
            z++;
          }
          cur[t] = z;
          if (a == z) {
            continue;
          }
          ub[t] = ps[t].max;
        }
        lo[t] = a;
        hi[t] = z;
        total += ub[t];
        int i = present++;
        while (i > 0 && ub[order[i - 1]] > ub[t]) {
          order[i] = order[i - 1];
          i--;
        }
        order[i] = t;
      }
      return total;
    }

    void block(int j) {
      if (nc + bsize > cd.length) {
        cd = sc.candDocs(nc + bsize);
        cb = sc.candBits(nc + bsize);
      }
      double total = ranges(j);
      if (present == 0) {
        return;
      }
      if (valid && total < cut) {
        skipped++;
        return;
      }
      int ne = 0; // order[0..ne) are non-essential
      double neBound = 0;
      if (valid) {
        while (ne < present && neBound + ub[order[ne]] < cut) {
          neBound += ub[order[ne]];
          ne++;
        }
      }
      blocks++;
      int base = j << shift;
      long ess = 0;
      for (int i = ne; i < present; i++) {
        int t = order[i];
        ess += hi[t] - lo[t];
        if (ps[t].scale == 1f) {
          accumulate(ps[t].docs, ps[t].scores, lo[t], hi[t], base, acc, mark);
        } else {
          accumulate(ps[t].docs, ps[t].scores, ps[t].scale, lo[t], hi[t], base, acc, mark);
        }
      }
      essential += ess;
      if (ne > 0) {
        split++;
        // non-essential terms only complete the documents the essential ones found: a term with a
        // rank and more postings in the block than it has bitmap words intersects its bitmap with
        // the found documents' marks; other terms are scanned
        int words = bsize >>> 6;
        for (int i = 0; i < ne; i++) {
          int t = order[i];
          int len = hi[t] - lo[t];
          Postings p = ps[t];
          if (ranks[t] != null && len > intersectRatio * words) {
            intersected += len;
            added += intersectAdd(ranks[t], p.scores, p.scale, base, words, acc, mark, pos, idx);
          } else {
            nonEssential += len;
            if (p.scale == 1f) {
              maskedAdd(p.docs, p.scores, lo[t], hi[t], base, acc, mark);
            } else {
              maskedAdd(p.docs, p.scores, p.scale, lo[t], hi[t], base, acc, mark);
            }
          }
        }
      }
      nc = visit(acc, mark, bsize >>> 6, base, theta, cd, cb, nc, pos);
      if (nc >= cap || (!valid && nc >= k)) {
        raise();
      }
    }

    /** New theta: the k-th largest candidate score; keeps the candidates reaching it. */
    void raise() {
      int tb = kthLargestBits(cb, nc, k, sc.hist);
      raises++;
      theta = Float.intBitsToFloat(tb);
      cut = low(theta);
      valid = true;
      int w = 0;
      for (int i = 0; i < nc; i++) {
        if (cb[i] >= tb) {
          cd[w] = cd[i];
          cb[w++] = cb[i];
        }
      }
      nc = w;
      cap = Math.max(cap, 2 * nc); // many ties at theta: select less often
    }
  }

  // The inner loops are small static methods so that the JIT compiles them early and well.

  /** Adds postings {@code [from, to)} into the block's accumulator and marks their documents. */
  private static void accumulate(int[] docs, float[] scores, int from, int to, int base, double[] acc,
      long[] mark) {
    for (int x = from; x < to; x++) {
      int d = docs[x] - base;
      acc[d] += scores[x];
      mark[d >>> 6] |= 1L << d;
    }
  }

  /** {@link #accumulate} of scores times {@code scale}, each product a float as Lucene's scorer forms it. */
  private static void accumulate(int[] docs, float[] scores, float scale, int from, int to, int base,
      double[] acc, long[] mark) {
    for (int x = from; x < to; x++) {
      int d = docs[x] - base;
      acc[d] += scores[x] * scale;
      mark[d >>> 6] |= 1L << d;
    }
  }

  /** {@link #maskedAdd} of scores times {@code scale} (float products). */
  private static void maskedAdd(int[] docs, float[] scores, float scale, int from, int to, int base,
      double[] acc, long[] mark) {
    for (int x = from; x < to; x++) {
      int d = docs[x] - base;
      acc[d] += ((mark[d >>> 6] >>> d) & 1L) * (double) (scores[x] * scale);
    }
  }

  /**
   * Adds a non-essential term's scores to the marked documents of the block at {@code base}: its
   * bitmap words ANDed with the marks give the documents that have both, and a popcount gives each
   * one's score index. The same sums as {@link #maskedAdd} (which adds 0 to the others). Two
   * loops: first each word's first common document and its score index are listed in {@code pos}
   * and {@code idx} (written whether or not there is one, the list advancing by the word's count,
   * the further ones by a loop), so that most words cost no mispredicted branch; then the scores
   * are added. Returns the number of scores added.
   */
  private static long intersectAdd(Rank r, float[] scores, float scale, int base, int words, double[] acc,
      long[] mark, int[] pos, int[] idx) {
    long[] bits = r.bits;
    int[] before = r.before;
    int w0 = base >>> 6;
    int end = Math.min(words, bits.length - w0); // the last block may end past the last document
    int n = 0;
    for (int w = 0; w < end; w++) {
      long tw = bits[w0 + w];
      long x = mark[w] & tw;
      int c = Long.bitCount(x);
      int b0 = before[w0 + w];
      int wb = w << 6;
      int bit = Long.numberOfTrailingZeros(x);
      pos[n] = wb | bit;
      idx[n] = b0 + Long.bitCount(tw & ((1L << bit) - 1));
      if (c > 1) {
        int y = n + 1;
        x &= x - 1;
        do {
          bit = Long.numberOfTrailingZeros(x);
          x &= x - 1;
          pos[y] = wb | bit;
          idx[y++] = b0 + Long.bitCount(tw & ((1L << bit) - 1));
        } while (x != 0);
      }
      n += c;
    }
    for (int i = 0; i < n; i++) {
      acc[pos[i]] += scores[idx[i]] * scale;
    }
    return n;
  }

  private static float[] scaled(float[] v, float s) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * s;
    }
    return out;
  }

  /**
   * Adds postings {@code [from, to)} to marked documents only, without a branch: an unmarked
   * document's accumulator gets {@code 0 * score} and stays 0.
   */
  private static void maskedAdd(int[] docs, float[] scores, int from, int to, int base, double[] acc,
      long[] mark) {
    for (int x = from; x < to; x++) {
      int d = docs[x] - base;
      acc[d] += ((mark[d >>> 6] >>> d) & 1L) * (double) scores[x];
    }
  }

  /**
   * Visits the marked documents of a block in order, resets their accumulator and mark, and keeps
   * those whose float score reaches {@code theta} as candidates; returns the new candidate count.
   * A dense block (with theta positive) is compared whole, in vectors ({@link Dense}); otherwise
   * two loops: the marked documents' offsets are first listed in {@code pos} (the first four of a
   * word written whether or not they exist, the list advancing by the word's count, so that in
   * most words their number costs no mispredicted branch), then tested.
   */
  private static int visit(double[] acc, long[] mark, int words, int base, float theta, int[] cd,
      int[] cb, int nc, int[] pos) {
    if (Vectors.SIMD && theta > 0) {
      int marked = 0;
      for (int w = 0; w < words; w++) {
        marked += Long.bitCount(mark[w]);
      }
      if (marked > (words << 6) / DENSE) {
        return Dense.visit(acc, mark, words, base, theta, cd, cb, nc);
      }
    }
    int n = 0;
    for (int w = 0; w < words; w++) {
      long b = mark[w];
      mark[w] = 0;
      int wb = w << 6;
      int c = Long.bitCount(b);
      pos[n] = wb | Long.numberOfTrailingZeros(b);
      b &= b - 1;
      pos[n + 1] = wb | Long.numberOfTrailingZeros(b);
      b &= b - 1;
      pos[n + 2] = wb | Long.numberOfTrailingZeros(b);
      b &= b - 1;
      pos[n + 3] = wb | Long.numberOfTrailingZeros(b);
      b &= b - 1;
      if (c > 4) {
        int x = n + 4;
        do {
          pos[x++] = wb | Long.numberOfTrailingZeros(b);
          b &= b - 1;
        } while (b != 0);
      }
      n += c;
    }
    double low = low(theta);
    for (int i = 0; i < n; i++) {
      int d = pos[i];
      double s = acc[d];
      acc[d] = 0;
      nc = keep(s, low, theta, base + d, cd, cb, nc);
    }
    return nc;
  }

  /**
   * Theta less a margin larger than half a float ulp: a document whose double score is below it has
   * a float score certainly below theta, so most documents are rejected without narrowing to float.
   */
  private static double low(float theta) {
    return theta * (1 - 1e-7);
  }

  /**
   * Appends {@code doc} to the candidates when its score {@code s} (a double sum) reaches {@code
   * low} and, narrowed to float, {@code theta}; returns the new candidate count.
   */
  private static int keep(double s, double low, float theta, int doc, int[] cd, int[] cb, int nc) {
    if (s >= low) {
      int bb = Float.floatToRawIntBits((float) s);
      if (Float.intBitsToFloat(bb) >= theta) {
        cd[nc] = doc;
        cb[nc++] = bb;
      }
    }
    return nc;
  }

  /**
   * A block with more than 1 marked document in this many is visited by {@link Dense} (at 8.8M
   * passages, blocks denser than 1/16, 1/32 or 1/64 all gave 8-9% less CPU per query than listing
   * every block; thresholds of 1/8 and 1/4 gained less).
   */
  private static final int DENSE = 16;

  /** {@link #visit} of a densely marked block in vectors (loaded only where the vector module is present). */
  private static final class Dense {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /**
     * Every document of the block compared with theta less the margin, a vector of accumulators at
     * a time (unmarked ones hold 0, below it since theta is positive), and every accumulator and
     * mark reset: the same candidates as the listing path, without listing.
     */
    static int visit(double[] acc, long[] mark, int words, int base, float theta, int[] cd, int[] cb, int nc) {
      double low = low(theta);
      int n = words << 6;
      int lanes = S.length();
      int end = S.loopBound(n);
      DoubleVector zero = DoubleVector.zero(S);
      for (int i = 0; i < end; i += lanes) {
        DoubleVector v = DoubleVector.fromArray(S, acc, i);
        if (v.compare(VectorOperators.GE, low).anyTrue()) {
          for (int d = i; d < i + lanes; d++) {
            nc = keep(acc[d], low, theta, base + d, cd, cb, nc);
          }
        }
        zero.intoArray(acc, i);
      }
      for (int d = end; d < n; d++) { // (vectors of a length that does not divide 64)
        nc = keep(acc[d], low, theta, base + d, cd, cb, nc);
        acc[d] = 0;
      }
      java.util.Arrays.fill(mark, 0, words, 0L);
      return nc;
    }
  }

  /** The {@code want}-th largest value of {@code a} (reordered): Hoare's selection, median of three. */
  private static int quickSelect(int[] a, int want) {
    int lo = 0;
    int hi = a.length - 1;
    int target = want - 1; // index in descending order
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int x = a[lo];
      int y = a[mid];
      int z = a[hi];
      int pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] > pivot) {
          i++;
        }
        while (a[j] < pivot) {
          j--;
        }
        if (i <= j) {
          int tmp = a[i];
          a[i] = a[j];
          a[j] = tmp;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return a[target];
      }
    }
    return a[target];
  }

  /** The candidates (docs, float bits) sorted by (score desc, id rank asc), the first {@code want}. */
  private Top top(int[] cd, int[] cb, int nk, int want) {
    int[] rank = idRank;
    long[] keys = new long[nk];
    for (int i = 0; i < nk; i++) {
      // complement for descending score
      keys[i] = ((long) (0x7fffffff - cb[i]) << 32) | (rank[cd[i]] & 0xffffffffL);
    }
    java.util.Arrays.sort(keys);
    int size = Math.min(want, nk);
    float[] outS = new float[size];
    int[] outD = new int[size];
    BytesRef[] ids = new BytesRef[size];
    for (int i = 0; i < size; i++) {
      outS[i] = Float.intBitsToFloat(0x7fffffff - (int) (keys[i] >>> 32));
      outD[i] = docOfRank[(int) keys[i]];
      ids[i] = idRef(outD[i]);
    }
    return new Top(outD, outS, ids, size);
  }

  /**
   * The bits of the {@code want}-th largest of {@code n} positive float bit patterns ({@code 1 <=
   * want <= n}): radix select, high 16 bits then low 16 bits (positive floats order like their bits).
   */
  private static int kthLargestBits(int[] bits, int n, int want, int[] hist) {
    if (n <= 1 << 14) {
      return quickSelect(java.util.Arrays.copyOf(bits, n), want);
    }
    java.util.Arrays.fill(hist, 0);
    for (int i = 0; i < n; i++) {
      hist[bits[i] >>> 16]++;
    }
    int need = want;
    int hb = hist.length - 1;
    while (hist[hb] < need) {
      need -= hist[hb];
      hb--;
    }
    java.util.Arrays.fill(hist, 0);
    for (int i = 0; i < n; i++) {
      if (bits[i] >>> 16 == hb) {
        hist[bits[i] & 0xffff]++;
      }
    }
    int lb = hist.length - 1;
    while (hist[lb] < need) {
      need -= hist[lb];
      lb--;
    }
    return (hb << 16) | lb;
  }

}
