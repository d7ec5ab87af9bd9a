package io.trawl.io;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run held as a table of its result lines, as {@link RunReader} reads it: one entry per line
 * (query index, score, docno bytes in a shared arena, source line number), no per-line objects,
 * so that 7M lines take well under a second and little memory. Queries keep the order of their
 * first line.
 *
 * <p>{@link #sort} puts a query's entries in trec_eval's order ({@link RunReader#TREC_EVAL_ORDER}):
 * the evaluator works on the table directly; {@link #toRun()} gives the lists every other consumer
 * (rerankers, fusion, pipelines) sees, in that same order.
 */
public final class RunTable {
  private final String source;
  private String tag = "";
  private final List<String> queryIds = new ArrayList<>();
  private final List<byte[]> queryBytes = new ArrayList<>();
  private final List<Integer> queryLines = new ArrayList<>();
  private final Map<String, Integer> queryIndex = new HashMap<>();
  private byte[] arena = new byte[1 << 16];
  private int arenaSize;
  private int[] query = new int[1024];
  private double[] score = new double[1024];
  private int[] docOff = new int[1024];
  private int[] docLen = new int[1024];
  private int[] line = new int[1024];
  private int size;

  RunTable(String source) {
    this.source = source;
  }

  /** Wraps an in-memory run (the order of each list does not matter; scores do). */
  public static RunTable of(Run run) {
    RunTable r = new RunTable(run.tag());
    r.tag = run.tag();
    for (Map.Entry<String, RankedList> e : run.lists().entrySet()) {
      byte[] q = e.getKey().getBytes(StandardCharsets.UTF_8);
      int qix = r.queryIndexFor(e.getKey(), q, 0, q.length, 1);
      int rank = 0;
      for (Candidate c : e.getValue().candidates()) {
        byte[] d = c.docId().getBytes(StandardCharsets.UTF_8);
        r.add(qix, c.score(), d, 0, d.length, ++rank);
      }
    }
    return r;
  }

  /** Sizes the arrays from the file size (about 30 bytes a line) to avoid regrowing 7M entries. */
  void presize(String file) {
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

  /** The index of the query with these id bytes, registered on first sight (at {@code lineNo}). */
  int queryIndexFor(String qid, byte[] b, int off, int len, long lineNo) {
    Integer i = queryIndex.get(qid);
    if (i == null) {
      i = queryIds.size();
      queryIds.add(qid);
      queryBytes.add(Arrays.copyOfRange(b, off, off + len));
      queryLines.add((int) Math.min(lineNo, Integer.MAX_VALUE));
      queryIndex.put(qid, i);
    }
    return i;
  }

  void add(int qix, double s, byte[] b, int off, int len, long lineNo) {
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

  void tag(String t) {
    tag = t;
  }

  /** The file it was read from (for messages), or the tag of a wrapped in-memory run. */
  public String source() {
    return source;
  }

  /** The run tag: the sixth column of the last line, as trec_eval's {@code runid}. */
  public String tag() {
    return tag;
  }

  /** Query ids in the order of their first line. */
  public List<String> queryIds() {
    return java.util.Collections.unmodifiableList(queryIds);
  }

  /** Number of result lines. */
  public int size() {
    return size;
  }

  /** The query index (into {@link #queryIds()}) of entry {@code e}. */
  public int query(int e) {
    return query[e];
  }

  public double score(int e) {
    return score[e];
  }

  /** The 1-based line entry {@code e} was read from. */
  public int line(int e) {
    return line[e];
  }

  /** The arena holding every docno's bytes; read only. */
  public byte[] docnoBytes() {
    return arena;
  }

  public int docnoOffset(int e) {
    return docOff[e];
  }

  public int docnoLength(int e) {
    return docLen[e];
  }

  /**
   * The entries grouped by query, in line order within a query: entries of query {@code q} are
   * {@code order[start[q]] .. order[start[q + 1] - 1]}; {@code start} has one more element than
   * there are queries.
   */
  public record Groups(int[] start, int[] order) {}

  /** Groups the entries by query (a counting sort: linear time). */
  public Groups groups() {
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
    return new Groups(count, order);
  }

  /**
   * trec_eval's order of two entries: score descending, then docno descending in unsigned byte
   * order ({@code strcmp}). The same order as {@link RunReader#TREC_EVAL_ORDER}.
   */
  public int compare(int a, int b) {
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

  /**
   * Sorts {@code order[from, to)} (entry indices) into trec_eval's order; a block already in that
   * order (the usual case: runs are written sorted) costs one pass. {@code tmp} must hold at least
   * {@code to - from} elements; a stable merge sort, so the result does not depend on the input
   * order even for equal keys (which only duplicate docnos can have).
   */
  public void sort(int[] order, int from, int to, int[] tmp) {
    if (!isSorted(order, from, to)) {
      mergeSort(order, tmp, from, to);
    }
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

  /**
   * The run as ranked lists, each in trec_eval's order, queries in the order of their first line:
   * what a reranker, a fusion or a pipeline gets. Unlike the evaluator (which, as trec_eval, only
   * looks at the top {@code -M} of judged queries), every list is checked: a docno twice within a
   * query, or a query id or docno that is not valid UTF-8, is an {@link InputException} naming the
   * file and line.
   */
  public Run toRun() {
    Groups g = groups();
    int[] order = g.order();
    int[] tmp = new int[0];
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    Map<String, RankedList> lists = new LinkedHashMap<>();
    for (int q = 0; q < queryIds.size(); q++) {
      byte[] qb = queryBytes.get(q);
      String qid = decode(utf8, qb, 0, qb.length, queryLines.get(q), "query id");
      int from = g.start()[q];
      int to = g.start()[q + 1];
      if (tmp.length < to - from) {
        tmp = new int[to - from];
      }
      sort(order, from, to, tmp);
      List<Candidate> cs = new ArrayList<>(to - from);
      Map<String, Integer> seen = new HashMap<>(Math.max(16, (to - from) * 2));
      for (int k = from; k < to; k++) {
        int e = order[k];
        String docno = decode(utf8, arena, docOff[e], docLen[e], line[e], "docno");
        Integer other = seen.putIfAbsent(docno, line[e]);
        if (other != null) {
          throw new InputException(source, Math.max(other, line[e]), "docno '" + docno
              + "' appears twice for query '" + qid + "' (also on line " + Math.min(other, line[e])
              + ")");
        }
        cs.add(new Candidate(docno, score[e]));
      }
      lists.put(qid, new RankedList(qid, cs));
    }
    return new Run(tag, lists);
  }

  private String decode(CharsetDecoder utf8, byte[] b, int off, int len, int lineNo, String what) {
    boolean ascii = true;
    for (int i = off, end = off + len; i < end; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
    try {
      return utf8.decode(ByteBuffer.wrap(b, off, len)).toString();
    } catch (CharacterCodingException e) {
      throw new InputException(source, lineNo, what + " is not valid UTF-8");
    }
  }
}
