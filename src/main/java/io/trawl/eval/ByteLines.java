package io.trawl.eval;

import io.trawl.core.InputException;
import io.trawl.core.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams a text input ({@code -}, plain or gzipped, via {@link TextFiles#openStream}) as lines of
 * whitespace-separated byte fields, without allocating per line. Used by the run and qrels readers,
 * whose inputs reach millions of lines. A leading UTF-8 BOM is dropped; {@code \r} counts as
 * whitespace (CRLF files work); blank lines and lines starting with {@code #} are skipped.
 */
final class ByteLines implements AutoCloseable {
  static final int MAX_FIELDS = 16;
  /** The longest line accepted (qrels and run lines are short; this bounds memory). */
  static final int MAX_LINE_BYTES = 16 << 20;

  private final String name;
  private final InputStream in;
  private byte[] buf = new byte[1 << 20];
  private int start;
  private int end;
  private boolean eof;
  private long lineNumber;
  private boolean first = true;

  /** Field boundaries of the current line: field i is buf[fieldStart[i], fieldEnd[i]). */
  final int[] fieldStart = new int[MAX_FIELDS];
  final int[] fieldEnd = new int[MAX_FIELDS];
  int fieldCount;

  ByteLines(String name) {
    this.name = name;
    this.in = TextFiles.openStream(name);
  }

  String name() {
    return name;
  }

  long lineNumber() {
    return lineNumber;
  }

  byte[] buffer() {
    return buf;
  }

  /** Advances to the next non-blank, non-comment line; false at end of input. */
  boolean next() {
    while (true) {
      int nl = indexOfNewline();
      if (nl < 0) {
        if (eof) {
          if (start >= end) {
            return false;
          }
          nl = end; // last line without newline
        } else {
          fill();
          continue;
        }
      }
      int lineStart = start;
      int lineEnd = nl;
      start = Math.min(nl + 1, end);
      if (nl == end) {
        start = end;
      }
      lineNumber++;
      if (first) {
        first = false;
        if (lineEnd - lineStart >= 3 && (buf[lineStart] & 0xff) == 0xEF
            && (buf[lineStart + 1] & 0xff) == 0xBB && (buf[lineStart + 2] & 0xff) == 0xBF) {
          lineStart += 3;
        }
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
    for (int i = start; i < end; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void fill() {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      if (buf.length >= MAX_LINE_BYTES) {
        throw new InputException(name, lineNumber + 1, "line longer than " + MAX_LINE_BYTES + " bytes");
      }
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, 0, bigger, 0, end);
      buf = bigger;
    }
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
      if (n < MAX_FIELDS) {
        fieldStart[n] = s;
        fieldEnd[n] = i;
      }
      n++;
    }
    fieldCount = n;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == 0x0b || c == 0x0c;
  }

  String field(int i) {
    return new String(buf, fieldStart[i], fieldEnd[i] - fieldStart[i], StandardCharsets.UTF_8);
  }

  int fieldLength(int i) {
    return fieldEnd[i] - fieldStart[i];
  }

  InputException error(String problem) {
    return new InputException(name, lineNumber, problem);
  }

  /** Parses field i as a long integer (optional sign); error naming the line if not one. */
  long parseLong(int i, String what) {
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
  double parseDouble(int i, String what) {
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
