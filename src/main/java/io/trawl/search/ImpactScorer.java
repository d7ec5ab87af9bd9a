package io.trawl.search;

import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;

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
 */
final class ImpactScorer {
  /** Cache budget in postings (8 bytes each). */
  private static final long BUDGET = Long.getLong("trawl.search.impactCacheMB", 1024L) * (1L << 20) / 8;

  private record Key(String field, BytesRef term, float boost) {}

  /** Postings at least this many times the number of blocks long carry per-block bounds. */
  private static final int LONG_LIST = 2;

  /** One term's postings with Lucene's per-document score, and the largest of those scores. */
  static final class Postings {
    final int[] docs;
    final float[] scores;
    final float max;
    private volatile Blocks blocks;

    Postings(int[] docs, float[] scores) {
      this.docs = docs;
      this.scores = scores;
      float mx = 0;
      for (float x : scores) {
        mx = Math.max(mx, x);
      }
      this.max = mx;
    }

    /** Start index and maximum score of each block of {@code 2^shift} documents (cached). */
    Blocks blocks(int shift, int nb) {
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
  private final ConcurrentHashMap<Key, Postings> cache = new ConcurrentHashMap<>();
  private final AtomicLong cached = new AtomicLong();
  private final ThreadLocal<Scratch> scratch;

  /** Per-thread work arrays, allocated on first use by the evaluation that needs them. */
  private static final class Scratch {
    final int maxDoc;
    double[] acc;
    int[] touched;
    /** the touched documents' float score bits, in touched order */
    int[] bits;
    final int[] hist = new int[1 << 16];
    long[] mark;
    int[] candDocs = new int[0];
    int[] candBits = new int[0];

    Scratch(int maxDoc) {
      this.maxDoc = maxDoc;
    }

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

    void flat() {
      acc(maxDoc);
      if (touched == null) {
        touched = new int[maxDoc];
        bits = new int[maxDoc];
      }
    }

    int[] candDocs(int n) {
      return candDocs = atLeast(candDocs, n);
    }

    int[] candBits(int n) {
      return candBits = atLeast(candBits, n);
    }

    /** {@code a}, or a copy grown to at least {@code n} (at least doubling). */
    private static int[] atLeast(int[] a, int n) {
      return a.length >= n ? a : java.util.Arrays.copyOf(a, Math.max(n, a.length * 2));
    }
  }

  private ImpactScorer(IndexSearcher searcher, LeafReaderContext leaf, int[] idRank, byte[] idBytes,
      int[] idStart) {
    this.searcher = searcher;
    this.leaf = leaf;
    this.maxDoc = leaf.reader().maxDoc();
    this.idRank = idRank;
    this.docOfRank = new int[idRank.length];
    for (int d = 0; d < idRank.length; d++) {
      docOfRank[idRank[d]] = d;
    }
    this.idBytes = idBytes;
    this.idStart = idStart;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(maxDoc));
  }

  /** The scorer for this searcher's index, or null when the index does not qualify. */
  static ImpactScorer open(IndexSearcher searcher) throws IOException {
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
    return new ImpactScorer(searcher, leaf, rank, java.util.Arrays.copyOf(all.bytes(), all.length()), start);
  }

  /** The external id of document {@code doc}. */
  String id(int doc) {
    int r = idRank[doc];
    return new String(idBytes, idStart[r], idStart[r + 1] - idStart[r], java.nio.charset.StandardCharsets.UTF_8);
  }

  BytesRef idRef(int doc) {
    int r = idRank[doc];
    return new BytesRef(idBytes, idStart[r], idStart[r + 1] - idStart[r]);
  }

  /** The clauses of a flat disjunction of term queries as (query, boost) pairs, or null. */
  static List<Object[]> plan(Query q) {
    float boost = 1f;
    if (q instanceof BoostQuery bq) {
      boost = bq.getBoost();
      q = bq.getQuery();
    }
    if (!(boost > 0) || !(q instanceof BooleanQuery b) || b.getMinimumNumberShouldMatch() != 0) {
      return null;
    }
    List<Object[]> out = new ArrayList<>();
    for (BooleanClause c : b.clauses()) {
      if (c.occur() != BooleanClause.Occur.SHOULD) {
        return null;
      }
      Query cq = c.query();
      Query inner = cq instanceof BoostQuery x ? x.getQuery() : cq;
      if (!(inner instanceof TermQuery) || (cq instanceof BoostQuery x && !(x.getBoost() > 0))) {
        return null;
      }
      out.add(new Object[] {cq, boost});
    }
    return out;
  }

  private Postings postings(Query clause, float boost) throws IOException {
    float cb = clause instanceof BoostQuery x ? x.getBoost() : 1f;
    TermQuery tq = (TermQuery) (clause instanceof BoostQuery x ? x.getQuery() : clause);
    // the boost Lucene's weight sees: BoostQuery multiplies its boost by the outer one
    float effective = clause instanceof BoostQuery ? cb * boost : boost;
    Key key = new Key(tq.getTerm().field(), tq.getTerm().bytes(), effective);
    Postings p = cache.get(key);
    if (p != null) {
      return p;
    }
    p = score(tq, effective);
    if (cached.addAndGet(p.docs.length) <= BUDGET) {
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
    Weight w = searcher.createWeight(searcher.rewrite(tq), ScoreMode.COMPLETE, boost);
    Scorer s = w.scorer(leaf);
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
   * How queries are evaluated over the cached arrays: {@code blocked} (default; block-max pruning,
   * below) or {@code flat} (every posting of every term added, the first eager version; for checks
   * and timing). {@code -Dtrawl.search.eager=flat} selects the latter. Both give the same hits.
   */
  static volatile boolean blocked = !"flat".equals(System.getProperty("trawl.search.eager", "blocked"));
  /** log2 of the documents per block of the blocked evaluation ({@code -Dtrawl.search.blockShift}). */
  static volatile int blockShift = Integer.getInteger("trawl.search.blockShift", 14);
  /** Blocks skipped whole, and blocks with non-essential terms (tests check both are exercised). */
  static final AtomicLong SKIPPED_BLOCKS = new AtomicLong();
  static final AtomicLong SPLIT_BLOCKS = new AtomicLong();
  /**
   * {@code -Dtrawl.search.stats=true}: count the blocked evaluation's work and print it to stderr at
   * exit (for tuning; off by default, when the counters cost nothing).
   */
  static final boolean STATS = Boolean.getBoolean("trawl.search.stats");
  private static final java.util.concurrent.atomic.LongAdder QUERIES = new java.util.concurrent.atomic.LongAdder();
  private static final java.util.concurrent.atomic.LongAdder POSTINGS = new java.util.concurrent.atomic.LongAdder();
  private static final java.util.concurrent.atomic.LongAdder ESSENTIAL = new java.util.concurrent.atomic.LongAdder();
  private static final java.util.concurrent.atomic.LongAdder NON_ESSENTIAL = new java.util.concurrent.atomic.LongAdder();
  private static final java.util.concurrent.atomic.LongAdder BLOCKS = new java.util.concurrent.atomic.LongAdder();
  private static final java.util.concurrent.atomic.LongAdder RAISES = new java.util.concurrent.atomic.LongAdder();

  static {
    if (STATS) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("trawl search stats: "
          + QUERIES + " queries, " + POSTINGS + " postings, " + ESSENTIAL + " added as essential, "
          + NON_ESSENTIAL + " as non-essential, " + BLOCKS + " blocks evaluated, " + SKIPPED_BLOCKS
          + " skipped, " + SPLIT_BLOCKS + " with non-essential terms, " + RAISES + " threshold raises")));
    }
  }

  /** Top {@code k} documents by (score desc, external id asc): docs and float scores, best first. */
  LexicalRetriever.Hits search(List<Object[]> clauses, int k) {
    k = Math.min(k, Math.max(1, maxDoc)); // more hits than documents cannot be returned
    int m = clauses.size();
    Postings[] ps = new Postings[m];
    try {
      for (int c = 0; c < m; c++) {
        ps[c] = postings((Query) clauses.get(c)[0], (Float) clauses.get(c)[1]);
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + e.getMessage(), e);
    }
    Scratch sc = scratch.get();
    return blocked ? searchBlocked(ps, k, sc) : searchFlat(ps, k, sc);
  }

  /** Every posting of every term added into one dense accumulator, then one selection. */
  private LexicalRetriever.Hits searchFlat(Postings[] ps, int k, Scratch sc) {
    sc.flat();
    double[] acc = sc.acc;
    int[] touched = sc.touched;
    int m = ps.length;
    int nt = 0;
    // the longest first, copied without checks
    java.util.Arrays.sort(ps, (a, b) -> Integer.compare(b.docs.length, a.docs.length));
    if (m > 0) {
      int[] docs = ps[0].docs;
      float[] scores = ps[0].scores;
      System.arraycopy(docs, 0, touched, 0, docs.length);
      nt = docs.length;
      for (int i = 0; i < docs.length; i++) {
        acc[docs[i]] = scores[i];
      }
    }
    for (int c = 1; c < m; c++) {
      int[] docs = ps[c].docs;
      float[] scores = ps[c].scores;
      for (int i = 0; i < docs.length; i++) {
        int d = docs[i];
        double a = acc[d];
        if (a == 0) {
          touched[nt++] = d;
        }
        acc[d] = a + scores[i];
      }
    }
    // the k-th largest float score (radix select on the bits of positive floats, which order like
    // the floats: high 16 bits, then low 16 bits), then every document scoring at least that
    int want = Math.min(k, nt);
    int[] bits = sc.bits;
    int[] hist = sc.hist;
    for (int i = 0; i < nt; i++) {
      bits[i] = Float.floatToRawIntBits((float) acc[touched[i]]);
      acc[touched[i]] = 0;
    }
    int t = want > 0 ? kthLargestBits(bits, nt, want, hist) : Integer.MAX_VALUE;
    int nk = 0;
    int[] cd = sc.candDocs(nt);
    int[] cb = sc.candBits(nt);
    for (int i = 0; i < nt; i++) {
      if (bits[i] >= t) {
        cd[nk] = touched[i];
        cb[nk++] = bits[i];
      }
    }
    return top(cd, cb, nk, want);
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
   *       L1/L2 cache); each document found gets the non-essential terms' scores looked up (largest
   *       bound first, forward cursors with galloping) for as long as its score plus the bound of
   *       the terms not yet looked up can still reach theta;
   *   <li>documents whose final score reaches theta become candidates; theta rises when the
   *       candidates reach {@code 2k}.
   * </ul>
   * Every comparison with theta keeps a relative margin of 1e-7 (more than a float's rounding), so
   * a document is dropped only if its float score is certainly below theta. Scores are the same
   * double sums narrowed to float as in the flat evaluation (the sum of a handful of positive
   * floats is exact in double, in any order), so the hits are the same.
   */
  private LexicalRetriever.Hits searchBlocked(Postings[] ps, int k, Scratch sc) {
    if (STATS) QUERIES.increment();
    Blocked q = new Blocked(ps, k, sc, blockShift, maxDoc);
    for (int j = 0; j < q.nb; j++) {
      q.block(j);
    }
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
    final double[] acc;
    final long[] mark;
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

    Blocked(Postings[] ps, int k, Scratch sc, int shift, int maxDoc) {
      this.ps = ps;
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
        if (STATS) POSTINGS.add(p.docs.length);
        if (p.docs.length >= LONG_LIST * nb) {
          Blocks b = p.blocks(shift, nb);
          bstart[t] = b.start;
          bmax[t] = b.max;
        }
      }
      cur = new int[m];
      lo = new int[m];
      hi = new int[m];
      ub = new double[m];
      order = new int[m];
      acc = sc.acc(bsize);
      mark = sc.mark(bsize);
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
        SKIPPED_BLOCKS.incrementAndGet();
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
      if (STATS) BLOCKS.increment();
      int base = j << shift;
      for (int i = ne; i < present; i++) {
        int t = order[i];
        if (STATS) ESSENTIAL.add(hi[t] - lo[t]);
        accumulate(ps[t].docs, ps[t].scores, lo[t], hi[t], base, acc, mark);
      }
      if (ne > 0) {
        SPLIT_BLOCKS.incrementAndGet();
        // non-essential terms only complete the documents the essential ones found
        for (int i = 0; i < ne; i++) {
          int t = order[i];
          if (STATS) NON_ESSENTIAL.add(hi[t] - lo[t]);
          maskedAdd(ps[t].docs, ps[t].scores, lo[t], hi[t], base, acc, mark);
        }
      }
      nc = visit(acc, mark, bsize >>> 6, base, theta, cd, cb, nc);
      if (nc >= cap || (!valid && nc >= k)) {
        raise();
      }
    }

    /** New theta: the k-th largest candidate score; keeps the candidates reaching it. */
    void raise() {
      int tb = kthLargestBits(cb, nc, k, sc.hist);
      if (STATS) RAISES.increment();
      theta = Float.intBitsToFloat(tb);
      cut = theta * (1 - 1e-7);
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
   */
  private static int visit(double[] acc, long[] mark, int words, int base, float theta, int[] cd,
      int[] cb, int nc) {
    // below this a document's float score is certainly below theta (theta less a margin larger
    // than half a float ulp): most documents are rejected without narrowing to float
    double low = theta * (1 - 1e-7);
    for (int w = 0; w < words; w++) {
      long bitsw = mark[w];
      if (bitsw == 0) {
        continue;
      }
      mark[w] = 0;
      int wb = w << 6;
      do {
        int d = wb | Long.numberOfTrailingZeros(bitsw);
        bitsw &= bitsw - 1;
        double s = acc[d];
        acc[d] = 0;
        if (s >= low) {
          int bb = Float.floatToRawIntBits((float) s);
          if (Float.intBitsToFloat(bb) >= theta) {
            cd[nc] = base + d;
            cb[nc++] = bb;
          }
        }
      } while (bitsw != 0);
    }
    return nc;
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
  private LexicalRetriever.Hits top(int[] cd, int[] cb, int nk, int want) {
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
    return new LexicalRetriever.Hits(outD, outS, ids, size);
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

  int maxDoc() {
    return maxDoc;
  }
}
