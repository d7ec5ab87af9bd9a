package io.trawl.eval;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run held compactly for evaluation: one entry per run line (query index, score, docno bytes in a
 * shared arena, line number), no per-line objects. {@link #judge} applies trec_eval's semantics:
 * per query, sort by score descending then docno descending (byte order, as {@code strcmp}), keep the
 * top {@code -M}, reject duplicate docnos, look up each docno's grade.
 */
public final class EvalRun {
  private final String source;
  private String tag = "";
  private final List<String> queryIds = new ArrayList<>();
  private final Map<String, Integer> queryIndex = new HashMap<>();
  private byte[] arena = new byte[1 << 16];
  private int arenaSize;
  private int[] query = new int[1024];
  private double[] score = new double[1024];
  private int[] docOff = new int[1024];
  private int[] docLen = new int[1024];
  private int[] line = new int[1024];
  private int size;

  private EvalRun(String source) {
    this.source = source;
  }

  /**
   * Reads a TREC run file ({@code qid Q0 docno rank score tag}); plain, .gz or {@code -}. Fields
   * after the sixth are ignored however long they are; the run tag is the last line's, as
   * trec_eval keeps it.
   */
  public static EvalRun read(String file) {
    EvalRun r = new EvalRun(file);
    r.presize(file);
    byte[] tag = null;
    try (ByteLines in = new ByteLines(file, ByteLines.Syntax.RUN, 6)) {
      byte[] lastQid = new byte[0];
      int lastQix = -1;
      while (in.next()) {
        if (in.fieldCount < 6) {
          throw in.error("expected 6 fields 'qid Q0 docno rank score tag', found only " + in.fieldCount);
        }
        byte[] b = in.buffer();
        int qs = in.fieldStart[0];
        int ql = in.fieldLength(0);
        int qix;
        if (lastQix >= 0 && Arrays.equals(b, qs, qs + ql, lastQid, 0, lastQid.length)) {
          qix = lastQix;
        } else {
          qix = r.queryIndexFor(in.field(0));
          lastQid = Arrays.copyOfRange(b, qs, qs + ql);
          lastQix = qix;
        }
        double s = in.parseDouble(4, "score");
        int ts = in.fieldStart[5];
        int te = in.fieldEnd[5];
        if (tag == null || !Arrays.equals(b, ts, te, tag, 0, tag.length)) {
          tag = Arrays.copyOfRange(b, ts, te);
        }
        r.add(qix, s, b, in.fieldStart[2], in.fieldLength(2), in.lineNumber());
      }
    }
    if (r.size == 0) {
      throw new InputException(file, "empty run (no result lines)");
    }
    r.tag = new String(tag, StandardCharsets.UTF_8);
    return r;
  }

  /** Wraps an in-memory run (the order of each list does not matter; scores do). */
  public static EvalRun of(Run run) {
    EvalRun r = new EvalRun(run.tag());
    r.tag = run.tag();
    for (Map.Entry<String, RankedList> e : run.lists().entrySet()) {
      int qix = r.queryIndexFor(e.getKey());
      int rank = 0;
      for (Candidate c : e.getValue().candidates()) {
        byte[] d = c.docId().getBytes(StandardCharsets.UTF_8);
        r.add(qix, c.score(), d, 0, d.length, ++rank);
      }
    }
    return r;
  }

  /** Sizes the arrays from the file size (about 30 bytes a line) to avoid regrowing 7M entries. */
  private void presize(String file) {
    try {
      java.nio.file.Path p = java.nio.file.Path.of(file);
      if (!"-".equals(file) && java.nio.file.Files.isRegularFile(p)) {
        long bytes = java.nio.file.Files.size(p);
        boolean gz = file.endsWith(".gz");
        long lines = Math.min(Integer.MAX_VALUE / 2, (gz ? bytes * 4 : bytes) / 30 + 1024);
        int n = (int) lines;
        query = new int[n];
        score = new double[n];
        docOff = new int[n];
        docLen = new int[n];
        line = new int[n];
        arena = new byte[(int) Math.min(Integer.MAX_VALUE / 2, lines * 8)];
      }
    } catch (java.io.IOException | RuntimeException e) {
      // keep the small defaults; sizing is only an optimisation
    }
  }

  private int queryIndexFor(String qid) {
    Integer i = queryIndex.get(qid);
    if (i == null) {
      i = queryIds.size();
      queryIds.add(qid);
      queryIndex.put(qid, i);
    }
    return i;
  }

  private void add(int qix, double s, byte[] b, int off, int len, long lineNo) {
    if (size == query.length) {
      int n = size + (size >> 1);
      query = Arrays.copyOf(query, n);
      score = Arrays.copyOf(score, n);
      docOff = Arrays.copyOf(docOff, n);
      docLen = Arrays.copyOf(docLen, n);
      line = Arrays.copyOf(line, n);
    }
    if (arenaSize + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length + (arena.length >> 1), arenaSize + len));
    }
    System.arraycopy(b, off, arena, arenaSize, len);
    query[size] = qix;
    score[size] = s;
    docOff[size] = arenaSize;
    docLen[size] = len;
    line[size] = (int) Math.min(lineNo, Integer.MAX_VALUE);
    arenaSize += len;
    size++;
  }

  public String source() {
    return source;
  }

  /** The run tag (sixth column of the last line, as trec_eval's {@code runid}). */
  public String tag() {
    return tag;
  }

  public List<String> queryIds() {
    return java.util.Collections.unmodifiableList(queryIds);
  }

  /** Number of result lines. */
  public int size() {
    return size;
  }

  /**
   * Sorts, cuts and judges every query of the run that the qrels judge. Result maps query id to its
   * ranking; queries absent from the qrels are left out (as trec_eval does).
   */
  public Map<String, JudgedRanking> judge(Qrels qrels, EvalOptions options) {
    int nq = queryIds.size();
    int[] count = new int[nq + 1];
    for (int i = 0; i < size; i++) {
      count[query[i] + 1]++;
    }
    for (int q = 0; q < nq; q++) {
      count[q + 1] += count[q];
    }
    int[] order = new int[size];
    int[] fill = Arrays.copyOf(count, nq);
    for (int i = 0; i < size; i++) {
      order[fill[query[i]]++] = i;
    }
    Map<String, JudgedRanking> out = new HashMap<>();
    int[] tmp = new int[0];
    int[] seen = new int[16];
    for (int q = 0; q < nq; q++) {
      String qid = queryIds.get(q);
      int qqix = qrels.queryIndex(qid);
      if (qqix < 0) {
        continue;
      }
      int from = count[q];
      int to = count[q + 1];
      int n = to - from;
      if (!isSorted(order, from, to)) {
        if (tmp.length < n) {
          tmp = new int[n];
        }
        mergeSort(order, tmp, from, to);
      }
      int kept = (int) Math.min(n, options.maxDocsPerQuery());
      // duplicate docnos among the kept documents are an error, as in trec_eval
      int cap = Integer.highestOneBit(Math.max(4, kept * 2)) << 1;
      if (seen.length < cap) {
        seen = new int[cap];
      } else {
        Arrays.fill(seen, 0, cap, 0);
      }
      int mask = cap - 1;
      int[] rels = new int[kept];
      int judged = 0;
      for (int k = 0; k < kept; k++) {
        int e = order[from + k];
        int h = docHash(e) & mask;
        while (seen[h] != 0) {
          int o = seen[h] - 1;
          if (docLen[o] == docLen[e] && Arrays.equals(arena, docOff[o], docOff[o] + docLen[o], arena,
              docOff[e], docOff[e] + docLen[e])) {
            int first = Math.min(line[o], line[e]);
            int second = Math.max(line[o], line[e]);
            throw new Evaluator.Stopped(source, second, "duplicate docno '"
                + new String(arena, docOff[e], docLen[e], StandardCharsets.UTF_8) + "' for query '"
                + qid + "' (also on line " + first + ")");
          }
          h = (h + 1) & mask;
        }
        seen[h] = e + 1;
        int rel = qrels.rel(qqix, arena, docOff[e], docLen[e]);
        int v = rel == Qrels.NOT_IN_QRELS ? JudgedRanking.NONPOOL
            : rel < 0 ? JudgedRanking.UNJUDGED : rel;
        if (options.judgedOnly()) {
          if (v >= 0) {
            rels[judged++] = v;
          }
        } else {
          rels[k] = v;
        }
      }
      if (options.judgedOnly()) {
        rels = Arrays.copyOf(rels, judged);
      }
      out.put(qid, new JudgedRanking(qid, rels, qrels.levelCounts(qqix)));
    }
    return out;
  }

  private int docHash(int e) {
    int h = 0;
    for (int i = docOff[e], end = docOff[e] + docLen[e]; i < end; i++) {
      h = 31 * h + arena[i];
    }
    return h ^ (h >>> 15) ^ (h >>> 7);
  }

  /** trec_eval order: score descending, then docno descending (unsigned bytes, as strcmp). */
  private int compare(int a, int b) {
    double sa = score[a];
    double sb = score[b];
    if (sa > sb) {
      return -1;
    }
    if (sa < sb) {
      return 1;
    }
    return -Arrays.compareUnsigned(arena, docOff[a], docOff[a] + docLen[a], arena, docOff[b],
        docOff[b] + docLen[b]);
  }

  private boolean isSorted(int[] a, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      if (compare(a[i - 1], a[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  private void mergeSort(int[] a, int[] tmp, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return;
    }
    if (n <= 24) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid);
    mergeSort(a, tmp, mid, to);
    if (compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, tmp, 0, n);
    int i = 0;
    int j = mid - from;
    int k = from;
    while (i < mid - from && j < n) {
      a[k++] = compare(tmp[i], tmp[j]) <= 0 ? tmp[i++] : tmp[j++];
    }
    while (i < mid - from) {
      a[k++] = tmp[i++];
    }
    while (j < n) {
      a[k++] = tmp[j++];
    }
  }

  /** The run as a core {@link Run}, each list in trec_eval's order (for rerankers and fusion). */
  public Run toRun() {
    int nq = queryIds.size();
    List<List<Integer>> per = new ArrayList<>();
    for (int q = 0; q < nq; q++) {
      per.add(new ArrayList<>());
    }
    for (int i = 0; i < size; i++) {
      per.get(query[i]).add(i);
    }
    Map<String, RankedList> lists = new java.util.LinkedHashMap<>();
    for (int q = 0; q < nq; q++) {
      List<Integer> idx = per.get(q);
      idx.sort((a, b) -> compare(a, b));
      List<Candidate> cs = new ArrayList<>(idx.size());
      for (int e : idx) {
        cs.add(new Candidate(new String(arena, docOff[e], docLen[e], StandardCharsets.UTF_8),
            score[e]));
      }
      lists.put(queryIds.get(q), new RankedList(queryIds.get(q), cs));
    }
    return new Run(tag, lists);
  }
}
