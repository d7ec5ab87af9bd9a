package io.trawl.model.llm.jinja;

/**
 * A template that cannot be parsed or rendered: the message says what is wrong and, when known,
 * the 1-based line of the template. {@link #raised()} marks a {@code raise_exception(msg)} call of
 * the template itself, whose message is the template author's text.
 */
public final class JinjaException extends RuntimeException {
  private final int line;
  private final boolean raised;

  JinjaException(String message, int line, boolean raised) {
    super(message);
    this.line = line;
    this.raised = raised;
  }

  JinjaException(String message) {
    this(message, 0, false);
  }

  /** The template line (1-based), 0 when unknown. */
  public int line() {
    return line;
  }

  /** True when the template called {@code raise_exception}. */
  public boolean raised() {
    return raised;
  }

  JinjaException atLine(int l) {
    return line > 0 || l <= 0 ? this : new JinjaException(getMessage(), l, raised);
  }
}
