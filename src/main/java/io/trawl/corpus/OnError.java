package io.trawl.corpus;

import io.trawl.core.TrawlException;
import java.util.Locale;

/** What to do with a document that cannot be read: stop ({@link #FAIL}) or count it and go on. */
public enum OnError {
  FAIL,
  SKIP;

  public static OnError parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TrawlException.invalid("unknown --on-error '" + s + "'; valid: fail, skip");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
