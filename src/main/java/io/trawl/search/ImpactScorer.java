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

  /** One term's postings with Lucene's per-document score, and the largest of those scores. */
  record Postings(int[] docs, float[] scores, float max) {
    Postings(int[] docs, float[] scores) {
      this(docs, scores, maxOf(scores));
    }

    private static float maxOf(float[] s) {
      float m = 0;
      for (float x : s) {
        m = Math.max(m, x);
      }
      return m;
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
  private final ConcurrentHashMap<Key, Postings> cache = new ConcurrentHashMap<>();
  private final AtomicLong cached = new AtomicLong();
  private final ThreadLocal<Scratch> scratch;

  private static final class Scratch {
    final double[] acc;
    final int[] touched;
    /** the touched documents' float score bits, in touched order */
    final int[] bits;
    final int[] hist = new int[1 << 16];

    Scratch(int maxDoc) {
      acc = new double[maxDoc];
      touched = new int[maxDoc];
      bits = new int[maxDoc];
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

  private Postings score(TermQuery tq, float boost) throws IOException {
    Weight w = searcher.createWeight(searcher.rewrite(tq), ScoreMode.COMPLETE, boost);
    Scorer s = w.scorer(leaf);
    if (s == null) {
      return new Postings(new int[0], new float[0]);
    }
    int df = leaf.reader().docFreq(tq.getTerm());
    int[] docs = new int[df];
    float[] scores = new float[df];
    int n = 0;
    DocIdSetIterator it = s.iterator();
    for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
      if (n == docs.length) {
        docs = java.util.Arrays.copyOf(docs, n * 2 + 8);
        scores = java.util.Arrays.copyOf(scores, n * 2 + 8);
      }
      docs[n] = d;
      scores[n] = s.score();
      n++;
    }
    if (n != docs.length) {
      docs = java.util.Arrays.copyOf(docs, n);
      scores = java.util.Arrays.copyOf(scores, n);
    }
    return new Postings(docs, scores);
  }

  /**
   * Whether to use the threshold pruning below ({@code -Dtrawl.search.prune=true}). Off by default:
   * exact, but on the 1M-passage benchmark at top-1000 it rarely applies and its k-th-score checks
   * cost more than it saves (241 vs 268 queries per CPU-second).
   */
  static volatile boolean prune = Boolean.getBoolean("trawl.search.prune");
  /** Searches that skipped work by the threshold (tests check that the pruning is exercised). */
  static final AtomicLong PRUNED = new AtomicLong();

  /**
   * Top {@code k} documents by (score desc, external id asc): docs and float scores, best first.
   *
   * <p>Terms are added shortest postings first. Once at least {@code k} documents have a partial
   * score, the k-th largest partial score {@code t} is a lower bound of the final k-th score; if
   * the remaining terms' maximum scores sum to less than {@code t}, a document none of the terms
   * so far matched scores strictly below the k-th and cannot be returned (not even as a tie), so
   * the remaining (long) postings only update the documents already seen, found by galloping
   * search. Output is unchanged; only work is skipped.
   */
  LexicalRetriever.Hits search(List<Object[]> clauses, int k) {
    Scratch sc = scratch.get();
    double[] acc = sc.acc;
    int[] touched = sc.touched;
    int nt = 0;
    int m = clauses.size();
    Postings[] ps = new Postings[m];
    try {
      for (int c = 0; c < m; c++) {
        ps[c] = postings((Query) clauses.get(c)[0], (Float) clauses.get(c)[1]);
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + e.getMessage(), e);
    }
    // shortest first for the threshold pruning; otherwise the longest first, copied without checks
    java.util.Arrays.sort(ps, prune ? (a, b) -> Integer.compare(a.docs.length, b.docs.length)
        : (a, b) -> Integer.compare(b.docs.length, a.docs.length));
    double[] suffixMax = new double[m + 1];
    for (int c = m - 1; c >= 0; c--) {
      suffixMax[c] = suffixMax[c + 1] + ps[c].max;
    }
    int c = 0;
    boolean pruned = false;
    if (!prune && m > 0) {
      int[] docs = ps[0].docs;
      float[] scores = ps[0].scores;
      System.arraycopy(docs, 0, touched, 0, docs.length);
      nt = docs.length;
      for (int i = 0; i < docs.length; i++) {
        acc[docs[i]] = scores[i];
      }
      c = 1;
    }
    for (; c < m; c++) {
      if (prune && c > 0 && nt >= k && k > 0) {
        float t = kthLargest(acc, touched, nt, k);
        if (suffixMax[c] * (1 + 1e-6) < t) {
          pruned = true;
          PRUNED.incrementAndGet();
          break;
        }
      }
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
    if (pruned) {
      java.util.Arrays.sort(touched, 0, nt);
      for (; c < m; c++) {
        int[] docs = ps[c].docs;
        float[] scores = ps[c].scores;
        int n = docs.length;
        if ((long) nt * 8 >= n) {
          for (int i = 0; i < n; i++) {
            int d = docs[i];
            double a = acc[d];
            if (a != 0) {
              acc[d] = a + scores[i];
            }
          }
        } else {
          int j = 0;
          for (int x = 0; x < nt && j < n; x++) {
            int t = touched[x];
            if (docs[j] < t) {
              int bound = 1;
              while (j + bound < n && docs[j + bound] < t) {
                bound <<= 1;
              }
              int lo = j + (bound >>> 1);
              int hi = Math.min(j + bound + 1, n);
              int at = java.util.Arrays.binarySearch(docs, lo, hi, t);
              j = at >= 0 ? at : -at - 1;
              if (j >= n) {
                break;
              }
            }
            if (docs[j] == t) {
              acc[t] += scores[j];
              j++;
            }
          }
        }
      }
    }
    // the k-th largest float score (radix select on the bits of positive floats, which order like
    // the floats: high 16 bits, then low 16 bits), then every document scoring at least that,
    // sorted by (score desc, id rank asc) as one long key each; the first k are the answer
    int want = Math.min(k, nt);
    int[] rank = idRank;
    int[] bits = sc.bits;
    int[] hist = sc.hist;
    java.util.Arrays.fill(hist, 0);
    for (int i = 0; i < nt; i++) {
      int b = Float.floatToRawIntBits((float) acc[touched[i]]);
      bits[i] = b;
      hist[b >>> 16]++;
    }
    int t = Integer.MAX_VALUE;
    if (want > 0) {
      int need = want;
      int hb = hist.length - 1;
      while (hist[hb] < need) {
        need -= hist[hb];
        hb--;
      }
      java.util.Arrays.fill(hist, 0);
      for (int i = 0; i < nt; i++) {
        if (bits[i] >>> 16 == hb) {
          hist[bits[i] & 0xffff]++;
        }
      }
      int lb = hist.length - 1;
      while (hist[lb] < need) {
        need -= hist[lb];
        lb--;
      }
      t = (hb << 16) | lb;
    }
    long[] keys = new long[want + 16];
    int nk = 0;
    for (int i = 0; i < nt; i++) {
      int d = touched[i];
      acc[d] = 0;
      int b = bits[i];
      if (b >= t) {
        if (nk == keys.length) {
          keys = java.util.Arrays.copyOf(keys, nk * 2);
        }
        // complement for descending score
        keys[nk++] = ((long) (0x7fffffff - b) << 32) | (rank[d] & 0xffffffffL);
      }
    }
    java.util.Arrays.sort(keys, 0, nk);
    int size = Math.min(want, nk);
    float[] outS = new float[size];
    int[] outD = new int[size];
    for (int i = 0; i < size; i++) {
      outS[i] = Float.intBitsToFloat(0x7fffffff - (int) (keys[i] >>> 32));
      outD[i] = docOfRank[(int) keys[i]];
    }
    BytesRef[] ids = new BytesRef[size];
    for (int i = 0; i < size; i++) {
      ids[i] = idRef(outD[i]);
    }
    return new LexicalRetriever.Hits(outD, outS, ids, size);
  }

  /** The k-th largest of the touched documents' scores narrowed to float ({@code k <= nt}). */
  private static float kthLargest(double[] acc, int[] touched, int nt, int k) {
    float[] h = new float[k];
    for (int i = 0; i < k; i++) {
      h[i] = (float) acc[touched[i]];
    }
    // min-heap of the k largest
    for (int i = k / 2 - 1; i >= 0; i--) {
      down(h, k, i);
    }
    for (int i = k; i < nt; i++) {
      float v = (float) acc[touched[i]];
      if (v > h[0]) {
        h[0] = v;
        down(h, k, 0);
      }
    }
    return h[0];
  }

  private static void down(float[] h, int n, int j) {
    float v = h[j];
    while (true) {
      int l = 2 * j + 1;
      if (l >= n) {
        break;
      }
      int r = l + 1;
      int c = r < n && h[r] < h[l] ? r : l;
      if (h[c] < v) {
        h[j] = h[c];
        j = c;
      } else {
        break;
      }
    }
    h[j] = v;
  }

  int maxDoc() {
    return maxDoc;
  }
}
