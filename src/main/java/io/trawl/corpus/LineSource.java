package io.trawl.corpus;

import io.trawl.core.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines from bytes and decodes each one strictly as UTF-8 on its own, so an invalid line is
 * an error naming its number and reading can go on with the next line (for {@code --on-error
 * skip}). Strips one trailing {@code \r} and a leading byte-order mark. NUL bytes are an error.
 */
final class LineSource implements AutoCloseable {
  private final String name;
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private long lineNumber;
  private boolean eof;

  LineSource(String name, InputStream in) {
    this.name = name;
    this.in = in;
  }

  String name() {
    return name;
  }

  /** Number of the line last returned (1-based). */
  long lineNumber() {
    return lineNumber;
  }

  /**
   * The next line, or null at the end. A line that is not valid UTF-8 or holds a NUL byte throws
   * {@link InputException}; the line is consumed, so the next call reads the line after it.
   */
  String next() {
    int len = 0;
    boolean any = false;
    while (true) {
      if (pos >= limit) {
        if (eof || !fill()) {
          if (!any) {
            return null;
          }
          break;
        }
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? limit : nl;
      int n = end - start;
      if (len + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
      }
      System.arraycopy(buf, start, line, len, n);
      len += n;
      pos = nl < 0 ? limit : nl + 1;
      if (nl >= 0) {
        break;
      }
    }
    lineNumber++;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    int off = 0;
    if (lineNumber == 1 && len >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB
        && (line[2] & 0xff) == 0xBF) {
      off = 3;
    }
    for (int i = off; i < len; i++) {
      if (line[i] == 0) {
        throw new InputException(name, lineNumber, i - off + 1, "NUL byte in text");
      }
    }
    boolean ascii = true;
    for (int i = off; i < len; i++) {
      if (line[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(line, off, len - off, StandardCharsets.ISO_8859_1);
    }
    try {
      decoder.reset();
      return decoder.decode(ByteBuffer.wrap(line, off, len - off)).toString();
    } catch (CharacterCodingException e) {
      throw new InputException(name, lineNumber, "invalid UTF-8");
    }
  }

  private boolean fill() {
    try {
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        eof = true;
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      eof = true; // a broken stream (e.g. truncated gzip) ends the file
      limit = pos;
      throw new InputException(name, lineNumber + 1, "cannot read: " + e.getMessage());
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
