package io.trawl.io;

import io.trawl.core.AtomicOutput;
import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one writer of runs, used by every command that writes one (search, run, rerank, fuse,
 * dense-search, Spark). Output goes to a file atomically (a temporary file renamed on {@link
 * #commit()}, which then writes the run's {@link RunMetadata} beside it) or to stdout for
 * {@code -}. Formats:
 *
 * <ul>
 *   <li>{@link Format#TREC}: {@code qid Q0 docid rank score tag}, rank from 1 in list order.
 *   <li>{@link Format#MSMARCO}: {@code qid<TAB>docid<TAB>rank}.
 *   <li>{@link Format#JSONL}: RankLLM candidates with their texts, one query a line ({@link
 *       CandidateFiles#toJsonl}); needs the query, so lists go through {@link #write(Query,
 *       RankedList)}. Scores are JSON numbers (shortest exact form).
 * </ul>
 *
 * <p><b>The score format</b> ({@link #appendScore}): plain decimal notation with the fewest
 * decimals, at least six, that read back as exactly the same double. Six decimals is {@code %.6f},
 * Anserini's format: retrieval scores are rounded to 4 decimals and tie-nudged by 1e-6 as Anserini
 * does ({@link io.trawl.core.ScoreTies}), so they are six-decimal values and print exactly as
 * Anserini prints them. Any other score (a reranker's, a fusion's, a dense similarity) prints with
 * as many more digits as it needs to be exact, never in exponent form. So reading a written run
 * back gives the same doubles, and trec_eval's re-sort of the file reproduces the in-memory order
 * whenever that order is trec_eval's (score descending, ties by docid descending). A score that
 * is not finite is refused.
 *
 * <p><b>The tag</b> ({@link #tag(String)}): one whitespace-free token; whitespace runs become
 * {@code _}, a blank tag becomes {@code trawl}.
 *
 * <p>For parallel producers, {@link #format(RankedList)} turns one query's list into its lines
 * (thread-safe, no shared state) and {@link #writeFormatted(String)} appends them in order.
 */
public final class RunWriter implements AutoCloseable {
  /** Run file formats. */
  public enum Format {
    TREC, MSMARCO, JSONL;

    /** One of the {@code allowed} formats by name, any case; others are an error listing them. */
    public static Format parse(String s, Format... allowed) {
      for (Format f : allowed) {
        if (f.name().equalsIgnoreCase(s)) {
          return f;
        }
      }
      StringBuilder valid = new StringBuilder();
      for (Format f : allowed) {
        valid.append(valid.isEmpty() ? "" : ", ").append(f.name().toLowerCase(Locale.ROOT));
      }
      throw TrawlException.invalid("unknown run format '" + s + "'; valid: " + valid);
    }
  }

  private final AtomicOutput out;
  private final String name;
  private final Format format;
  private final String tag;
  private final Map<String, Object> settings = new LinkedHashMap<>();

  private RunWriter(String name, Format format, String tag) {
    this.out = AtomicOutput.open(name);
    this.name = name;
    this.format = format;
    this.tag = tag(tag);
  }

  /** Opens {@code name} ({@code -} = stdout) for writing a run; {@code tag} is sanitized. */
  public static RunWriter open(String name, Format format, String tag) {
    return new RunWriter(name, format, tag);
  }

  /** Writes a whole run (lists in the run's order, its tag) to {@code name}, with its metadata. */
  public static void write(String name, Format format, Run run, Map<String, ?> settings) {
    try (RunWriter w = open(name, format, run.tag())) {
      settings.forEach(w::setting);
      for (RankedList l : run.lists().values()) {
        w.write(l);
      }
      w.commit();
    }
  }

  /** A run tag must be one whitespace-free token: whitespace runs become {@code _}. */
  public static String tag(String tag) {
    if (tag == null || tag.isBlank()) {
      return "trawl";
    }
    return tag.strip().replaceAll("\\s+", "_");
  }

  public String tag() {
    return tag;
  }

  public Format format() {
    return format;
  }

  /** The lines of one ranked list (rank 1 first), each ending in a newline (TREC, MS MARCO). */
  public String format(RankedList list) {
    if (format == Format.JSONL) {
      throw new IllegalStateException("JSONL lines need the query: use format(Query, RankedList)");
    }
    // qid, docid, rank, score (6 decimals mostly), tag, separators: sized so the builder rarely grows
    StringBuilder sb = new StringBuilder(list.size() * (list.queryId().length() + tag.length() + 48));
    appendLines(sb, list, format, tag);
    return sb.toString();
  }

  /** The lines of one query's list in any format; JSONL needs the query's text. */
  public String format(Query query, RankedList list) {
    if (format != Format.JSONL) {
      return format(list);
    }
    return CandidateFiles.toJsonl(query, list) + "\n";
  }

  /** Appends one query's lines in TREC or MS MARCO format. */
  public static void appendLines(StringBuilder sb, RankedList list, Format format, String tag) {
    String qid = list.queryId();
    int rank = 1;
    for (Candidate c : list.candidates()) {
      if (format == Format.MSMARCO) {
        sb.append(qid).append('\t').append(c.docId()).append('\t').append(rank).append('\n');
      } else {
        sb.append(qid).append(" Q0 ").append(c.docId()).append(' ').append(rank).append(' ');
        if (!Double.isFinite(c.score())) {
          throw new TrawlException(TrawlException.RUNTIME, "score " + c.score() + " of document '"
              + c.docId() + "' for query '" + qid + "' is not a finite number; no run line can hold it");
        }
        appendScore(sb, c.score());
        sb.append(' ').append(tag).append('\n');
      }
      rank++;
    }
  }

  /** Writes one ranked list (TREC, MS MARCO). */
  public void write(RankedList list) {
    writeFormatted(format(list));
  }

  /** Writes one query's list in any format. */
  public void write(Query query, RankedList list) {
    writeFormatted(format(query, list));
  }

  /** Writes lines produced by {@link #format}. */
  public void writeFormatted(String lines) {
    out.write(lines);
  }

  /** A setting the tag does not show (threads, an engine), recorded in the run's metadata. */
  public RunWriter setting(String key, Object value) {
    settings.put(key, value);
    return this;
  }

  /**
   * Removes an earlier run's metadata, flushes and moves the file into place (a no-op rename for
   * stdout), then writes the run's {@link RunMetadata} beside it: a crash in between leaves a run
   * without a description, never with another run's.
   */
  public void commit() {
    // an old description must never sit beside a new run: gone before the run moves into place
    RunMetadata.delete(name);
    out.commit();
    RunMetadata.write(name, tag, settings);
  }

  @Override
  public void close() {
    out.close();
  }

  /**
   * Appends a finite score in plain decimal notation with the fewest decimals, at least six, that
   * read back as exactly {@code v}: {@code %.6f} for six-decimal values (Anserini's retrieval
   * scores), more digits only where six would lose information. A fast path covers six-decimal
   * values; the rest take Java's shortest round-trip digits ({@link Double#toString(double)}).
   */
  public static void appendScore(StringBuilder sb, double v) {
    if (Math.abs(v) < 1e9) {
      long r = Math.round(v * 1e6);
      if (r / 1e6 == v) {
        if (r < 0 || (r == 0 && Double.doubleToRawLongBits(v) < 0)) {
          sb.append('-');
          r = -r;
        }
        sb.append(r / 1_000_000).append('.');
        long frac = r % 1_000_000;
        for (long p = 100_000; p > frac && p > 1; p /= 10) {
          sb.append('0');
        }
        sb.append(frac);
        return;
      }
    }
    String s = Double.toString(v);
    if (s.indexOf('E') >= 0) {
      s = new BigDecimal(s).stripTrailingZeros().toPlainString(); // "1.0E-9": the ".0" is no digit
    }
    int dot = s.indexOf('.');
    sb.append(s);
    int decimals = dot < 0 ? 0 : s.length() - dot - 1;
    if (dot < 0) {
      sb.append('.');
    }
    for (int i = decimals; i < 6; i++) {
      sb.append('0');
    }
  }

  /** {@link #appendScore(StringBuilder, double)} as a string. */
  public static String formatScore(double v) {
    StringBuilder sb = new StringBuilder(24);
    appendScore(sb, v);
    return sb.toString();
  }
}
