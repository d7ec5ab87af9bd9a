package io.trawl.io;

import io.trawl.core.InputException;
import io.trawl.core.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams a text input ({@code -}, plain or gzipped, via {@link TextFiles#openStream}) as lines of
 * whitespace-separated byte fields, without allocating per line. Used by the run reader
 * ({@link RunReader}) and the qrels reader ({@code eval.Qrels}), whose inputs reach millions of lines. A leading UTF-8 BOM is dropped; {@code \r} counts as
 * whitespace (CRLF files work).
 *
 * <p>Only the first {@code keep} fields of a line are held; whatever follows them is read and
 * dropped as it streams by (only whether it holds another field is remembered), so a line may be
 * any length, as trec_eval reads it. The kept fields together may take {@link #MAX_KEPT_BYTES}.
 *
 * <p>Blank lines and comments follow trec_eval 10.0 for each file kind: in a run, blank lines and
 * lines whose first field starts with {@code #} are skipped; in qrels, a line whose first byte is
 * {@code #} is skipped unless the line before it was such a comment (trec_eval then reads it as a
 * judgment), and a blank line is malformed.
 */
public final class ByteLines implements AutoCloseable {
  /** The file kinds, whose blank-line and comment rules differ. */
  public enum Syntax { RUN, QRELS }

  /** The most the kept fields of one line may take (ids and a run tag; this bounds memory). */
  public static final int MAX_KEPT_BYTES = 64 << 20;

  private final String name;
  private final InputStream in;
  private final Syntax syntax;
  private final int keep;
  private byte[] buf = new byte[1 << 20];
  private int start;
  private int end;
  /** Bytes in [start, scanned) hold no newline. */
  private int scanned;
  /** While the tail of an over-long line is being dropped: where the kept part ends, else -1. */
  private int tailFrom = -1;
  private boolean tailHasField;
  private boolean eof;
  private long lineNumber;
  private boolean first = true;
  private boolean previousWasComment;

  /** Field boundaries of the current line: field i is buf[fieldStart[i], fieldEnd[i]). */
  private final int[] fieldStart;
  private final int[] fieldEnd;
  /** Fields on the current line, counting at most {@code keep + 1} (more than kept). */
  private int fieldCount;

  /**
   * Opens {@code name} ({@code -}, plain or gzipped) keeping the first {@code keep} fields of each
   * line.
   */
  public ByteLines(String name, Syntax syntax, int keep) {
    this.name = name;
    this.syntax = syntax;
    this.keep = keep;
    this.fieldStart = new int[keep];
    this.fieldEnd = new int[keep];
    this.in = TextFiles.openStream(name);
  }

  public String name() {
    return name;
  }

  public long lineNumber() {
    return lineNumber;
  }

  public byte[] buffer() {
    return buf;
  }

  /** Fields on the current line, counting at most {@code keep + 1} (see {@link #hasMoreFields()}). */
  public int fieldCount() {
    return fieldCount;
  }

  /** Where field {@code i} of the current line starts in {@link #buffer()}. */
  public int fieldStart(int i) {
    return fieldStart[i];
  }

  /** Where field {@code i} of the current line ends (exclusive) in {@link #buffer()}. */
  public int fieldEnd(int i) {
    return fieldEnd[i];
  }

  /** True when the current line has fields beyond the kept ones. */
  public boolean hasMoreFields() {
    return fieldCount > keep;
  }

  /** Advances to the next line that holds data (see the class comment); false at end of input. */
  public boolean next() {
    while (true) {
      if (tailFrom >= 0) {
        dropTail();
        continue;
      }
      int nl = indexOfNewline();
      if (nl < 0) {
        if (eof) {
          if (start >= end) {
            return false;
          }
          nl = end; // last line without newline
        } else {
          makeRoom();
          fill();
          continue;
        }
      }
      int lineStart = start;
      int lineEnd = nl;
      start = Math.min(nl + 1, end);
      scanned = start;
      lineNumber++;
      if (first) {
        first = false;
        if (lineEnd - lineStart >= 3 && (buf[lineStart] & 0xff) == 0xEF
            && (buf[lineStart + 1] & 0xff) == 0xBB && (buf[lineStart + 2] & 0xff) == 0xBF) {
          lineStart += 3;
        }
      }
      if (syntax == Syntax.QRELS) {
        boolean comment = lineStart < lineEnd && buf[lineStart] == '#' && !previousWasComment;
        previousWasComment = comment;
        if (comment) {
          continue;
        }
        split(lineStart, lineEnd);
        if (fieldCount == 0) {
          throw error("blank line (trec_eval 10.0 rejects it as a malformed qrels line)");
        }
        return true;
      }
      split(lineStart, lineEnd);
      if (fieldCount == 0 || buf[fieldStart[0]] == '#') {
        continue;
      }
      return true;
    }
  }

  private int indexOfNewline() {
    byte[] b = buf;
    for (int i = Math.max(start, scanned); i < end; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    scanned = end;
    return -1;
  }

  /**
   * Makes room for more input when the buffer holds no newline: moves the partial line to the
   * front; if it already fills the buffer, either drops what follows its kept fields (once they are
   * complete) or grows the buffer.
   */
  private void makeRoom() {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      scanned -= start;
      start = 0;
    }
    if (end < buf.length) {
      return;
    }
    int cut = afterKeptFields(start, end);
    if (cut >= 0) {
      tailHasField = false;
      scanTail(cut, end);
      end = cut;
      scanned = cut;
      tailFrom = cut;
      return;
    }
    if (buf.length >= MAX_KEPT_BYTES) {
      throw new InputException(name, lineNumber + 1, "the first " + keep + " fields of the line are"
          + " longer than " + MAX_KEPT_BYTES + " bytes together (only what follows them may be"
          + " that long)");
    }
    buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_KEPT_BYTES));
  }

  /** Reads on, dropping the rest of an over-long line up to its newline. */
  private void dropTail() {
    int nl = -1;
    for (int i = tailFrom; i < end; i++) {
      if (buf[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      scanTail(tailFrom, end);
      end = tailFrom;
      if (eof) {
        closeTail(end);
      } else {
        fill();
      }
      return;
    }
    scanTail(tailFrom, nl);
    closeTail(nl);
  }

  /** Ends tail dropping: the kept part, one placeholder field if the tail held one, then buf[nl..end). */
  private void closeTail(int nl) {
    int at = tailFrom;
    if (tailHasField) {
      buf[at++] = 'x'; // stands for the dropped fields; at <= nl since the tail held a byte
    }
    System.arraycopy(buf, nl, buf, at, end - nl);
    end = at + (end - nl);
    scanned = start;
    tailFrom = -1;
  }

  private void scanTail(int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = buf[i];
      if (c == 0) {
        throw new InputException(name, lineNumber + 1, "NUL byte in text");
      }
      if (!isSpace(c)) {
        tailHasField = true;
      }
    }
  }

  /** The index just after the whitespace that ends the kept fields of buf[from, to), or -1. */
  private int afterKeptFields(int from, int to) {
    int n = 0;
    int i = from;
    while (i < to) {
      while (i < to && isSpace(buf[i])) {
        i++;
      }
      if (i >= to) {
        return -1;
      }
      while (i < to && !isSpace(buf[i])) {
        i++;
      }
      if (i >= to) {
        return -1;
      }
      if (++n == keep) {
        return i + 1;
      }
    }
    return -1;
  }

  private void fill() {
    try {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    } catch (IOException e) {
      throw new InputException(name, lineNumber + 1, "cannot read: " + e.getMessage());
    }
  }

  private void split(int from, int to) {
    int n = 0;
    int i = from;
    byte[] b = buf;
    while (i < to) {
      while (i < to && isSpace(b[i])) {
        i++;
      }
      if (i >= to) {
        break;
      }
      int s = i;
      while (i < to && !isSpace(b[i])) {
        if (b[i] == 0) {
          throw new InputException(name, lineNumber, i - from + 1, "NUL byte in text");
        }
        i++;
      }
      if (n < keep) {
        fieldStart[n] = s;
        fieldEnd[n] = i;
      } else {
        n = keep; // counted as "more than kept"
      }
      n++;
    }
    fieldCount = n;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == 0x0b || c == 0x0c;
  }

  public String field(int i) {
    return new String(buf, fieldStart[i], fieldEnd[i] - fieldStart[i], StandardCharsets.UTF_8);
  }

  public int fieldLength(int i) {
    return fieldEnd[i] - fieldStart[i];
  }

  public InputException error(String problem) {
    return new InputException(name, lineNumber, problem);
  }

  /** Parses field i as a long integer (optional sign); error naming the line if not one. */
  public long parseLong(int i, String what) {
    int s = fieldStart[i];
    int e = fieldEnd[i];
    boolean neg = false;
    if (s < e && (buf[s] == '-' || buf[s] == '+')) {
      neg = buf[s] == '-';
      s++;
    }
    if (s >= e || e - s > 18) {
      throw error(what + " must be an integer, got '" + field(i) + "'");
    }
    long v = 0;
    for (int k = s; k < e; k++) {
      int d = buf[k] - '0';
      if (d < 0 || d > 9) {
        throw error(what + " must be an integer, got '" + field(i) + "'");
      }
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /**
   * Parses field i as a finite double, correctly rounded (same value as C's {@code atof} for every
   * valid number): a fast exact path for plain decimals with at most 15 significant digits, and
   * {@link Double#parseDouble} for everything else.
   */
  public double parseDouble(int i, String what) {
    int s = fieldStart[i];
    int e = fieldEnd[i];
    int k = s;
    boolean neg = false;
    if (k < e && (buf[k] == '-' || buf[k] == '+')) {
      neg = buf[k] == '-';
      k++;
    }
    long mant = 0;
    int digits = 0;
    int fracDigits = 0;
    boolean seenDot = false;
    boolean simple = k < e;
    boolean anyDigit = false;
    for (; k < e; k++) {
      byte c = buf[k];
      if (c >= '0' && c <= '9') {
        anyDigit = true;
        if (mant != 0 || c != '0') {
          digits++;
        }
        if (digits > 15) {
          simple = false;
          break;
        }
        mant = mant * 10 + (c - '0');
        if (seenDot) {
          fracDigits++;
        }
      } else if (c == '.' && !seenDot) {
        seenDot = true;
      } else {
        simple = false;
        break;
      }
    }
    if (simple && anyDigit && fracDigits <= 22) {
      double v = fracDigits == 0 ? (double) mant : mant / POW10[fracDigits];
      return neg ? -v : v;
    }
    String text = field(i);
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v) || text.endsWith("d") || text.endsWith("D") || text.endsWith("f")
          || text.endsWith("F")) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException ex) {
      throw error(what + " must be a number, got '" + text + "'");
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing useful to do
    }
  }
}
