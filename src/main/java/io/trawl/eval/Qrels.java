package io.trawl.eval;

import io.trawl.core.InputException;
import io.trawl.io.ByteLines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Relevance judgments ({@code qid iter docno rel} per line, trec_eval's qrels format). A negative
 * {@code rel} marks a document that is in the pool but unjudged (used by infAP). Lines are read as
 * trec_eval 10.0 reads them: exactly four fields (a fifth is malformed), a blank line is malformed,
 * a {@code #} comment is skipped as described in {@link ByteLines}. A docno judged twice for a query
 * is an error when that query is evaluated (trec_eval's exit 4), not when the file is read. Lookups
 * go by raw UTF-8 bytes so that evaluating a 7M-line run allocates no strings per line.
 */
public final class Qrels {
  /** Returned by {@link #rel} for a document not in the qrels of that query. */
  public static final int NOT_IN_QRELS = Integer.MIN_VALUE;

  private static volatile Function<String, Path> resolver = name -> null;

  private final String source;
  private final List<String> queryIds = new ArrayList<>();
  private final Map<String, Integer> queryIndex = new HashMap<>();
  private long[][] levelCounts = new long[16][];
  // entries
  private byte[] arena = new byte[1 << 16];
  private int arenaSize;
  private int[] entryQuery = new int[1024];
  private int[] entryOff = new int[1024];
  private int[] entryLen = new int[1024];
  private int[] entryRel = new int[1024];
  private int[] entryLine = new int[1024];
  private int size;
  private long positiveJudgments;
  /** Per query index: the first docno judged twice, as a message, or null; and its line. */
  private String[] duplicates = new String[16];
  private long[] duplicateLines = new long[16];
  private int[] table = new int[2048];

  private Qrels(String source) {
    this.source = source;
  }

  /**
   * Installs the function that maps a symbolic qrels name ({@code dl19-passage}) to a file. The
   * lead wires {@code TopicsAndQrels} here at merge; until then only paths work.
   */
  public static void setResolver(Function<String, Path> nameToPath) {
    resolver = Objects.requireNonNull(nameToPath, "nameToPath");
  }

  /** An existing file (or {@code -}) is read as is; anything else goes through the resolver. */
  public static Qrels resolve(String fileOrName) {
    if ("-".equals(fileOrName) || Files.exists(Path.of(fileOrName))) {
      return read(fileOrName);
    }
    Path p = resolver.apply(fileOrName);
    if (p == null) {
      throw new InputException(fileOrName, "no such qrels file, and not a known qrels name");
    }
    return read(p.toString());
  }

  /** Reads a qrels file (plain, .gz, or {@code -}). */
  public static Qrels read(String file) {
    Qrels q = new Qrels(file);
    try (ByteLines in = new ByteLines(file, ByteLines.Syntax.QRELS, 4)) {
      byte[] lastQid = new byte[0];
      int lastQix = -1;
      while (in.next()) {
        if (in.fieldCount() < 4) {
          throw in.error("expected 4 fields 'qid iter docno rel', found only " + in.fieldCount()
              + commentHint(in));
        }
        if (in.hasMoreFields()) {
          throw in.error("expected 4 fields 'qid iter docno rel', found more (trec_eval 10.0 rejects"
              + " a qrels line with extra fields as malformed)" + commentHint(in));
        }
        byte[] b = in.buffer();
        int qs = in.fieldStart(0);
        int ql = in.fieldLength(0);
        int qix;
        if (lastQix >= 0 && Arrays.equals(b, qs, qs + ql, lastQid, 0, lastQid.length)) {
          qix = lastQix;
        } else {
          String qid = in.field(0);
          qix = q.queryIndex.computeIfAbsent(qid, k -> {
            q.queryIds.add(k);
            return q.queryIds.size() - 1;
          });
          lastQid = Arrays.copyOfRange(b, qs, qs + ql);
          lastQix = qix;
        }
        long rel = in.parseLong(3, "relevance");
        if (rel > 1_000_000 || rel < -1_000_000) {
          throw in.error("relevance " + rel + " out of range");
        }
        int ds = in.fieldStart(2);
        int dl = in.fieldLength(2);
        int line = (int) Math.min(in.lineNumber(), Integer.MAX_VALUE);
        int first = q.find(qix, b, ds, dl);
        if (first >= 0) {
          q.noteDuplicate(qix, line, "docno '" + in.field(2) + "' judged twice for query '"
              + q.queryIds.get(qix) + "' (also on line " + q.entryLine[first] + ")");
          continue;
        }
        q.add(qix, b, ds, dl, (int) rel, line);
      }
    }
    if (q.queryIds.isEmpty()) {
      throw new InputException(file, "no judgments (empty qrels)");
    }
    return q;
  }

  private static String commentHint(ByteLines in) {
    return in.buffer()[in.fieldStart(0)] == '#' ? "; trec_eval 10.0 skips one '#' comment line"
        + " at a time and reads a second one in a row as a judgment" : "";
  }

  private void noteDuplicate(int qix, long line, String problem) {
    if (qix >= duplicates.length) {
      int n = Math.max(duplicates.length * 2, qix + 1);
      duplicates = Arrays.copyOf(duplicates, n);
      duplicateLines = Arrays.copyOf(duplicateLines, n);
    }
    if (duplicates[qix] == null) {
      duplicates[qix] = problem;
      duplicateLines[qix] = line;
    }
  }

  /** The first docno judged twice for a query, as a problem, or null ({@link #duplicateLine}). */
  String duplicate(int qix) {
    return qix < duplicates.length ? duplicates[qix] : null;
  }

  /** The line of the second judgment {@link #duplicate} describes. */
  long duplicateLine(int qix) {
    return duplicateLines[qix];
  }

  private void add(int qix, byte[] b, int off, int len, int rel, int line) {
    if (size == entryQuery.length) {
      int n = size * 2;
      entryQuery = Arrays.copyOf(entryQuery, n);
      entryOff = Arrays.copyOf(entryOff, n);
      entryLen = Arrays.copyOf(entryLen, n);
      entryRel = Arrays.copyOf(entryRel, n);
      entryLine = Arrays.copyOf(entryLine, n);
    }
    if (arenaSize + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + len));
    }
    System.arraycopy(b, off, arena, arenaSize, len);
    entryQuery[size] = qix;
    entryOff[size] = arenaSize;
    entryLen[size] = len;
    entryRel[size] = rel;
    entryLine[size] = line;
    if (rel > 0) {
      positiveJudgments++;
    }
    arenaSize += len;
    size++;
    if (qix >= levelCounts.length) {
      levelCounts = Arrays.copyOf(levelCounts, Math.max(levelCounts.length * 2, qix + 1));
    }
    if (rel >= 0) {
      long[] c = levelCounts[qix];
      if (c == null || c.length <= rel) {
        c = c == null ? new long[rel + 1] : Arrays.copyOf(c, rel + 1);
        levelCounts[qix] = c;
      }
      c[rel]++;
    }
    if (size * 2 > table.length) {
      rehash();
    } else {
      insert(size - 1);
    }
  }

  private void rehash() {
    table = new int[table.length * 2];
    for (int i = 0; i < size; i++) {
      insert(i);
    }
  }

  private void insert(int entry) {
    int mask = table.length - 1;
    int h = hash(entryQuery[entry], arena, entryOff[entry], entryLen[entry]) & mask;
    while (table[h] != 0) {
      h = (h + 1) & mask;
    }
    table[h] = entry + 1;
  }

  private static int hash(int qix, byte[] b, int off, int len) {
    int h = qix * 0x9E3779B1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return h;
  }

  private int find(int qix, byte[] b, int off, int len) {
    int mask = table.length - 1;
    int h = hash(qix, b, off, len) & mask;
    while (true) {
      int e = table[h] - 1;
      if (e < 0) {
        return -1;
      }
      if (entryQuery[e] == qix && entryLen[e] == len
          && Arrays.equals(arena, entryOff[e], entryOff[e] + len, b, off, off + len)) {
        return e;
      }
      h = (h + 1) & mask;
    }
  }

  /** Relevance of a docno (UTF-8 bytes) for query index {@code qix}, or {@link #NOT_IN_QRELS}. */
  public int rel(int qix, byte[] docno, int off, int len) {
    int e = find(qix, docno, off, len);
    return e < 0 ? NOT_IN_QRELS : entryRel[e];
  }

  /** Relevance of a docno for a query id, or {@link #NOT_IN_QRELS}. */
  public int rel(String qid, String docno) {
    Integer qix = queryIndex.get(qid);
    if (qix == null) {
      return NOT_IN_QRELS;
    }
    byte[] b = docno.getBytes(StandardCharsets.UTF_8);
    return rel(qix, b, 0, b.length);
  }

  /** Index of a query id, or -1 when the qrels do not judge it. */
  public int queryIndex(String qid) {
    Integer i = queryIndex.get(qid);
    return i == null ? -1 : i;
  }

  /** Query ids in first-appearance order. */
  public List<String> queryIds() {
    return Collections.unmodifiableList(queryIds);
  }

  public int numQueries() {
    return queryIds.size();
  }

  /** Number of judgments (lines). */
  public int size() {
    return size;
  }

  /**
   * Judgments with a grade above 0 over every query, whatever the relevance level: trec_eval's
   * summary {@code num_rel} with {@code -c}.
   */
  long positiveJudgments() {
    return positiveJudgments;
  }

  public String source() {
    return source;
  }

  /**
   * Counts of judged documents per non-negative relevance grade for a query ({@code [g]} = number
   * judged exactly g). Never null; shared, do not modify.
   */
  long[] levelCounts(int qix) {
    long[] c = levelCounts[qix];
    return c == null ? new long[0] : c;
  }

  /** Number of documents with grade at least {@code level} for a query. */
  public long numRelevant(String qid, int level) {
    int qix = queryIndex(qid);
    if (qix < 0) {
      return 0;
    }
    long n = 0;
    long[] c = levelCounts(qix);
    for (int g = Math.max(level, 0); g < c.length; g++) {
      n += c[g];
    }
    return n;
  }

  /** Every judgment of a query as docno to grade (allocates; for small uses such as fusion). */
  public Map<String, Integer> judgments(String qid) {
    int qix = queryIndex(qid);
    Map<String, Integer> m = new HashMap<>();
    if (qix < 0) {
      return m;
    }
    for (int i = 0; i < size; i++) {
      if (entryQuery[i] == qix) {
        m.put(new String(arena, entryOff[i], entryLen[i], StandardCharsets.UTF_8), entryRel[i]);
      }
    }
    return m;
  }
}
