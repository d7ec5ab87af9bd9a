package io.trawl.index;

import io.trawl.core.TrawlException;
import java.util.Locale;

/**
 * How a document with a title is laid out in fields (Anserini's BEIR conventions).
 *
 * <ul>
 *   <li>{@link #FLAT}: one {@code contents} field holding the document's text, {@link
 *       io.trawl.corpus.Corpus#text} ({@code title + " " + text}; Anserini joins with a newline,
 *       which its analyzer splits the same way); the text alone where the corpus says it begins
 *       with the title ({@link io.trawl.corpus.Corpus#titleInContents()}).
 *   <li>{@link #MULTIFIELD}: a {@code title} field and a {@code contents} field with the text.
 * </ul>
 */
public enum Layout {
  FLAT,
  MULTIFIELD;

  public static Layout parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TrawlException.invalid("unknown layout '" + s + "'; valid: flat, multifield");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
