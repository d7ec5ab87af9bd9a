package io.trawl.core;

/**
 * A failure the user can act on. The CLI prints {@link #getMessage()} as one line (no stack trace
 * unless {@code --debug}) and exits with {@link #exitCode()}.
 *
 * <p>Exit codes are API: 0 ok, 1 runtime failure, 2 invalid input or usage, 3 regression mismatch.
 */
public class TrawlException extends RuntimeException {
  public static final int RUNTIME = 1;
  public static final int INVALID_INPUT = 2;
  public static final int MISMATCH = 3;

  private final int exitCode;

  public TrawlException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public TrawlException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Invalid input or usage (exit 2). */
  public static TrawlException invalid(String message) {
    return new TrawlException(INVALID_INPUT, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
