package io.trawl.core;

/**
 * Invalid input in a file: names the file, the 1-based line (0 when unknown), optionally the
 * column, and what is wrong. Message format: {@code file:line:column: problem}. Exit code 2.
 */
public class InputException extends TrawlException {
  private final String file;
  private final long line;
  private final int column;

  public InputException(String file, long line, int column, String problem) {
    super(INVALID_INPUT, format(file, line, column, problem));
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public InputException(String file, long line, String problem) {
    this(file, line, 0, problem);
  }

  public InputException(String file, String problem) {
    this(file, 0, 0, problem);
  }

  private static String format(String file, long line, int column, String problem) {
    StringBuilder sb = new StringBuilder(file == null ? "<input>" : file);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    return sb.append(": ").append(problem).toString();
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public int column() {
    return column;
  }
}
