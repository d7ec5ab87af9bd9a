package io.trawl.core;

import java.util.Locale;

/**
 * Writes runs: TREC ({@code qid Q0 docid rank score tag}, score printed like C's / Java's
 * {@code %f}, i.e. 6 decimals) or MS MARCO ({@code qid<TAB>docid<TAB>rank}). Output goes to a
 * file atomically (temporary file renamed on {@link #commit()}) or to stdout for {@code -}.
 *
 * <p>For parallel producers, {@link #format(RankedList)} turns one query's list into its lines
 * (thread-safe, no shared state) and {@link #writeFormatted(String)} appends them in order.
 */
public final class RunWriter implements AutoCloseable {
  /** Run file formats. */
  public enum Format {
    TREC, MSMARCO;

    public static Format parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "trec" -> TREC;
        case "msmarco" -> MSMARCO;
        default -> throw TrawlException.invalid("unknown run format '" + s + "'; valid: trec, msmarco");
      };
    }
  }

  private final AtomicOutput out;
  private final String name;
  private final Format format;
  private final String tag;
  private final java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();

  private RunWriter(String name, Format format, String tag) {
    this.out = AtomicOutput.open(name);
    this.name = name;
    this.format = format;
    this.tag = sanitizeTag(tag);
  }

  /** Opens {@code name} ({@code -} = stdout) for writing a run. */
  public static RunWriter open(String name, Format format, String tag) {
    return new RunWriter(name, format, tag);
  }

  /** A run tag must be one whitespace-free token; spaces become underscores. */
  public static String sanitizeTag(String tag) {
    if (tag == null || tag.isBlank()) {
      return "trawl";
    }
    return tag.strip().replaceAll("\\s+", "_");
  }

  public String tag() {
    return tag;
  }

  /** The lines of one ranked list (rank 1 first), each ending in a newline. */
  public String format(RankedList list) {
    // qid, docid, rank, score (6 decimals), tag, separators: sized so the builder never grows
    StringBuilder sb = new StringBuilder(list.size() * (list.queryId().length() + tag.length() + 48));
    appendLines(sb, list, format, tag);
    return sb.toString();
  }

  /** Appends one query's lines in the given format. */
  public static void appendLines(StringBuilder sb, RankedList list, Format format, String tag) {
    String qid = list.queryId();
    int rank = 1;
    for (Candidate c : list.candidates()) {
      if (format == Format.MSMARCO) {
        sb.append(qid).append('\t').append(c.docId()).append('\t').append(rank).append('\n');
      } else {
        sb.append(qid).append(" Q0 ").append(c.docId()).append(' ').append(rank).append(' ');
        appendScore(sb, c.score());
        sb.append(' ').append(tag).append('\n');
      }
      rank++;
    }
  }

  /** Writes one ranked list. */
  public void write(RankedList list) {
    writeFormatted(format(list));
  }

  /** Writes lines produced by {@link #format(RankedList)}. */
  public void writeFormatted(String lines) {
    out.write(lines);
  }

  /** A setting the tag does not show (threads, an engine), recorded in the run's metadata. */
  public RunWriter setting(String key, Object value) {
    settings.put(key, value);
    return this;
  }

  /**
   * Flushes and moves the file into place (a no-op rename for stdout), then writes the run's
   * {@link RunMetadata} beside it.
   */
  public void commit() {
    out.commit();
    RunMetadata.write(name, tag, settings);
  }

  @Override
  public void close() {
    out.close();
  }

  /**
   * Appends {@code v} exactly as {@code String.format(Locale.US, "%f", v)} would (6 decimals,
   * half-up rounding of the shortest decimal representation), with a fast path for the common
   * case where the 7th decimal is not near a half.
   */
  public static void appendScore(StringBuilder sb, double v) {
    if (Double.doubleToRawLongBits(v) < 0 || !(v < 1e9)) {
      sb.append(String.format(Locale.US, "%f", v));
      return;
    }
    double s = v * 1e6;
    double fl = Math.floor(s);
    double frac = s - fl;
    if (Math.abs(frac - 0.5) < 1e-3) {
      sb.append(String.format(Locale.US, "%f", v));
      return;
    }
    long r = frac > 0.5 ? (long) fl + 1 : (long) fl;
    long intPart = r / 1_000_000;
    long fracPart = r % 1_000_000;
    sb.append(intPart).append('.');
    String f = Long.toString(fracPart);
    for (int i = f.length(); i < 6; i++) {
      sb.append('0');
    }
    sb.append(f);
  }

  /** {@link #appendScore(StringBuilder, double)} as a string. */
  public static String formatScore(double v) {
    StringBuilder sb = new StringBuilder(16);
    appendScore(sb, v);
    return sb.toString();
  }
}
