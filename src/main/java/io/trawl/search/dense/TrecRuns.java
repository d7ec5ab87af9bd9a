package io.trawl.search.dense;

import io.trawl.core.AtomicOutput;
import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import io.trawl.core.TextFiles;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Minimal TREC run and TSV topic I/O for the dense commands (until the search package's readers
 * and writer are merged). Reading sorts each query like trec_eval: score descending, ties by docid
 * descending.
 */
public final class TrecRuns {
  private TrecRuns() {}

  public static Map<String, RankedList> read(String file) {
    Map<String, List<Candidate>> m = new LinkedHashMap<>();
    Map<String, Set<String>> seen = new LinkedHashMap<>();
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        if (f.length != 6) {
          throw lines.error("expected 6 columns 'qid Q0 docid rank score tag', got " + f.length);
        }
        double score;
        try {
          score = Double.parseDouble(f[4]);
        } catch (NumberFormatException e) {
          throw lines.error("score '" + f[4] + "' is not a number");
        }
        if (!seen.computeIfAbsent(f[0], x -> new HashSet<>()).add(f[2])) {
          throw lines.error("document '" + f[2] + "' appears twice for query '" + f[0] + "'");
        }
        m.computeIfAbsent(f[0], x -> new ArrayList<>()).add(new Candidate(f[2], score));
      }
    }
    Map<String, RankedList> out = new LinkedHashMap<>();
    for (var e : m.entrySet()) {
      List<Candidate> c = e.getValue();
      c.sort((a, b) -> {
        int x = Double.compare(b.score(), a.score());
        return x != 0 ? x : b.docId().compareTo(a.docId());
      });
      out.put(e.getKey(), new RankedList(e.getKey(), c));
    }
    return out;
  }

  /** Writes lists as a TREC run; each score is printed with enough digits to keep the order. */
  public static void write(String file, List<RankedList> lists, String tag) {
    try (AtomicOutput out = AtomicOutput.open(file)) {
      Writer w = out.writer();
      for (RankedList l : lists) {
        if (!l.isMonotone()) {
          throw new IllegalStateException("ranked list of " + l.queryId() + " is not score-monotone");
        }
        for (int i = 0; i < l.size(); i++) {
          Candidate c = l.get(i);
          w.write(l.queryId() + " Q0 " + c.docId() + " " + (i + 1) + " "
              + String.format(Locale.ROOT, "%.8f", c.score()) + " " + tag + "\n");
        }
      }
      out.commit();
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, file + ": cannot write: " + e.getMessage(), e);
    }
  }
}
