package io.trawl.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a run file into a {@link Run}. Formats: TREC ({@code qid Q0 docid rank score tag}; extra
 * trailing fields are ignored, as trec_eval does) and MS MARCO ({@code qid docid rank}, tab or space
 * separated; score becomes {@code -rank}). Each list comes out in the order trec_eval evaluates it:
 * score descending, ties by docid descending (code-point order, which is strcmp's byte order on
 * UTF-8), so a reranker sees exactly what the evaluator sees. Plain, .gz or {@code -}; lines starting
 * with {@code #} are skipped. A docid repeated within a query, a malformed line or a non-numeric
 * score is an {@link InputException} naming the file and line.
 */
public final class RunReader {
  private RunReader() {}

  /** trec_eval's order: score descending, then docid descending. */
  public static final Comparator<Candidate> TREC_EVAL_ORDER = (a, b) -> {
    if (a.score() > b.score()) {
      return -1;
    }
    if (a.score() < b.score()) {
      return 1;
    }
    return -compareCodePoints(a.docId(), b.docId());
  };

  /** Compares strings by Unicode code point (= UTF-8 byte order). */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  public static Run read(String file) {
    Map<String, List<Candidate>> lists = new LinkedHashMap<>();
    Map<String, Set<String>> seen = new LinkedHashMap<>();
    String tag = null;
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] f = t.split("\\s+");
        String qid;
        String docid;
        double score;
        if (f.length >= 6) {
          qid = f[0];
          docid = f[2];
          score = parseScore(f[4], lines);
          if (tag == null) {
            tag = f[5];
          }
        } else if (f.length == 3) {
          qid = f[0];
          docid = f[1];
          try {
            score = -Long.parseLong(f[2]);
          } catch (NumberFormatException e) {
            throw lines.error("rank must be an integer, got '" + f[2] + "'");
          }
        } else {
          throw lines.error("expected 'qid Q0 docid rank score tag' (TREC) or 'qid docid rank'"
              + " (MS MARCO), found " + f.length + " fields");
        }
        if (!seen.computeIfAbsent(qid, k -> new HashSet<>()).add(docid)) {
          throw lines.error("duplicate docid '" + docid + "' for query '" + qid + "'");
        }
        lists.computeIfAbsent(qid, k -> new ArrayList<>()).add(new Candidate(docid, score));
      }
    }
    if (lists.isEmpty()) {
      throw new InputException(file, "empty run (no result lines)");
    }
    Map<String, RankedList> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Candidate>> e : lists.entrySet()) {
      List<Candidate> c = e.getValue();
      c.sort(TREC_EVAL_ORDER);
      out.put(e.getKey(), new RankedList(e.getKey(), c));
    }
    return new Run(tag == null ? "run" : tag, out);
  }

  private static double parseScore(String s, TextFiles.Lines lines) {
    try {
      double v = Double.parseDouble(s);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw lines.error("score must be a number, got '" + s + "'");
    }
  }
}
