package io.trawl.core;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens text inputs the same way everywhere: {@code -} is stdin, {@code .gz} is gunzipped
 * (detected by magic bytes, not only the name), decoding is strict UTF-8 (invalid bytes are an
 * error naming the file and line, never replaced silently), and a leading BOM is dropped.
 */
public final class TextFiles {
  private TextFiles() {}

  /** Opens raw bytes, transparently gunzipping. Missing files are an {@link InputException}. */
  public static InputStream openStream(String name) {
    try {
      InputStream in;
      if ("-".equals(name)) {
        in = System.in;
      } else {
        Path p = Path.of(name);
        if (Files.isDirectory(p)) {
          throw new InputException(name, "is a folder, expected a file");
        }
        in = Files.newInputStream(p);
      }
      BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
      b.mark(2);
      int m1 = b.read();
      int m2 = b.read();
      b.reset();
      if (m1 == 0x1f && m2 == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new InputException(name, "no such file");
    } catch (IOException e) {
      throw new InputException(name, "cannot read: " + e.getMessage());
    }
  }

  /** A strict UTF-8 reader (BOM removed). */
  public static BufferedReader openReader(String name) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    BufferedReader r = new BufferedReader(new InputStreamReader(openStream(name), decoder), 1 << 16);
    try {
      r.mark(1);
      int c = r.read();
      if (c != 0xFEFF && c != -1) {
        r.reset();
      }
    } catch (IOException e) {
      throw malformed(name, 1, e);
    }
    return r;
  }

  /**
   * Wraps a reader so that a line longer than {@code maxLineChars} fails (with its line number,
   * through {@link #malformed}) instead of filling memory.
   */
  public static java.io.Reader limitLines(java.io.Reader in, int maxLineChars) {
    return new LineLimitReader(in, maxLineChars);
  }

  /** Turns a decoding failure into an {@link InputException}. */
  public static InputException malformed(String name, long line, IOException e) {
    if (e instanceof LineTooLongException t) {
      return new InputException(name, t.line, "line longer than " + t.limit + " characters");
    }
    if (e instanceof BadUtf8Exception b) {
      return new InputException(name, b.line, "invalid UTF-8");
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return new InputException(name, line, "invalid UTF-8");
    }
    return new InputException(name, line, "cannot read: " + e.getMessage());
  }

  /** The longest line {@link Lines} reads by default, in chars (a 10 MB document fits). */
  public static final int MAX_LINE_CHARS = 16 << 20;

  /** Thrown inside a reader when a line exceeds the limit; {@link Lines} turns it into an error. */
  static final class LineTooLongException extends IOException {
    final long line;
    final int limit;

    LineTooLongException(long line, int limit) {
      super("line " + line + " is longer than " + limit + " characters");
      this.line = line;
      this.limit = limit;
    }
  }

  /** Invalid UTF-8 on a known line. */
  static final class BadUtf8Exception extends java.nio.charset.CharacterCodingException {
    final long line;

    BadUtf8Exception(long line) {
      this.line = line;
    }
  }

  /** Counts characters since the last newline and fails once a line exceeds the limit. */
  private static final class LineLimitReader extends java.io.FilterReader {
    private final int limit;
    private long lines;
    private long run;

    LineLimitReader(java.io.Reader in, int limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      char[] one = new char[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(cbuf, off, len);
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new BadUtf8Exception(lines + 1);
      }
      for (int i = off; i < off + n; i++) {
        if (cbuf[i] == '\n') {
          lines++;
          run = 0;
        } else if (++run > limit) {
          throw new LineTooLongException(lines + 1, limit);
        }
      }
      return n;
    }
  }

  /**
   * Reads lines with their 1-based numbers; strips one trailing {@code \r} (CRLF accepted).
   * Decoding errors, NUL bytes and lines longer than {@link #MAX_LINE_CHARS} become {@link
   * InputException} with the line number, so memory stays bounded whatever the input.
   */
  public static final class Lines implements AutoCloseable {
    private final String name;
    private final BufferedReader reader;
    private long lineNumber;

    public Lines(String name) {
      this(name, MAX_LINE_CHARS);
    }

    public Lines(String name, int maxLineChars) {
      this.name = name;
      this.reader = new BufferedReader(new LineLimitReader(openReader(name), maxLineChars), 1 << 16);
    }

    public String name() {
      return name;
    }

    /** Next line or null at end. */
    public String next() {
      try {
        String line = reader.readLine();
        if (line == null) {
          return null;
        }
        lineNumber++;
        if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
          line = line.substring(0, line.length() - 1);
        }
        int nul = line.indexOf('\0');
        if (nul >= 0) {
          throw new InputException(name, lineNumber, nul + 1, "NUL byte in text");
        }
        return line;
      } catch (BadUtf8Exception e) {
        throw new InputException(name, e.line, "invalid UTF-8");
      } catch (LineTooLongException e) {
        throw new InputException(name, e.line, "line longer than " + e.limit + " characters");
      } catch (IOException e) {
        throw malformed(name, lineNumber + 1, e);
      }
    }

    public long lineNumber() {
      return lineNumber;
    }

    public InputException error(String problem) {
      return new InputException(name, lineNumber, problem);
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
