package io.trawl.rerank;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.TextFiles;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TREC run files ({@code qid Q0 docid rank score tag}, whitespace separated) for reranking: read
 * into ranked lists (queries in order of first appearance, each sorted by score descending, ties by
 * rank), and written with scores in shortest exact decimal form, so no two different scores print
 * alike and order survives trec_eval's re-sort.
 */
public final class TrecRuns {
  private TrecRuns() {}

  private record Row(String docid, int rank, double score, long line) {}

  public static Map<String, RankedList> read(String file) {
    Map<String, List<Row>> rows = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> seen = new LinkedHashMap<>();
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        if (f.length != 6) {
          throw lines.error("expected 6 fields 'qid Q0 docid rank score tag', found " + f.length);
        }
        int rank;
        double score;
        try {
          rank = Integer.parseInt(f[3]);
        } catch (NumberFormatException e) {
          throw lines.error("rank '" + f[3] + "' is not an integer");
        }
        try {
          score = Double.parseDouble(f[4]);
        } catch (NumberFormatException e) {
          throw lines.error("score '" + f[4] + "' is not a number");
        }
        if (!Double.isFinite(score)) {
          throw lines.error("score '" + f[4] + "' is not finite");
        }
        if (!seen.computeIfAbsent(f[0], k -> new java.util.HashSet<>()).add(f[2])) {
          throw lines.error("docid '" + f[2] + "' appears twice for query '" + f[0] + "'");
        }
        rows.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Row(f[2], rank, score, lines.lineNumber()));
      }
    }
    Map<String, RankedList> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
      List<Row> r = e.getValue();
      r.sort(Comparator.comparingDouble((Row x) -> -x.score()).thenComparingInt(Row::rank).thenComparingLong(Row::line));
      List<Candidate> cs = new ArrayList<>(r.size());
      for (Row x : r) {
        cs.add(new Candidate(x.docid(), x.score()));
      }
      out.put(e.getKey(), new RankedList(e.getKey(), cs));
    }
    if (out.isEmpty()) {
      throw new InputException(file, "empty run");
    }
    return out;
  }

  /** A score in the shortest decimal that parses back to the same double, without exponent. */
  public static String formatScore(double score) {
    String s = Double.toString(score);
    if (s.indexOf('E') >= 0) {
      s = new BigDecimal(s).toPlainString();
    }
    return s;
  }

  /** Writes one query's lines; {@code tag} must not contain whitespace. */
  public static void write(Writer w, RankedList list, String tag) throws IOException {
    int rank = 1;
    for (Candidate c : list.candidates()) {
      w.write(list.queryId());
      w.write(" Q0 ");
      w.write(c.docId());
      w.write(' ');
      w.write(Integer.toString(rank++));
      w.write(' ');
      w.write(formatScore(c.score()));
      w.write(' ');
      w.write(tag);
      w.write('\n');
    }
  }

  /** Makes a run tag of a spec: whitespace becomes '_'. */
  public static String tag(String spec) {
    String t = spec.replaceAll("\\s+", "_");
    return t.isEmpty() ? "trawl" : t;
  }
}
