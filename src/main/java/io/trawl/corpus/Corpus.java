package io.trawl.corpus;

import java.io.InputStream;

/**
 * A corpus format: turns the bytes of one file into {@link SourceDocument}s. Implementations are
 * registered by name in {@link Corpora}; {@link #read(String, OnError)} streams a whole input (a
 * file, a folder of files in sorted order, or a built-in collection), plain or gzipped, with
 * bounded memory.
 *
 * <p>Contract (checked for every implementation by {@code CorpusContractTest}): documents come in
 * file order; ids are non-empty; a bad document is an {@link io.trawl.core.InputException} naming
 * file and line; reading the same input twice gives the same documents.
 */
public abstract class Corpus {
  /** The registry name ({@code json}, {@code beir}, ...). */
  public abstract String format();

  /** Whether documents carry a separate title (needed by the multifield layout). */
  public boolean hasTitles() {
    return false;
  }

  /**
   * Whether the contents already begin with the title, so the flat layout must not repeat it
   * (Cranfield's {@code .W} text does).
   */
  public boolean titleInContents() {
    return false;
  }

  /**
   * The text of a document as every consumer sees it: the flat BM25 layout indexes it, dense
   * indexing encodes it, rerankers read it from an index. One rule: the title (trimmed) and the
   * contents joined by one space ({@link #joinTitle}); only the contents when there is no title, or
   * when this format's contents already begin with the title ({@link #titleInContents()}).
   * (Anserini's flat layout joins with a newline; its analyzer splits on either the same way, so
   * BM25 is unchanged, and a space is what BEIR's and MTEB's dense evaluations and RankLLM use.)
   */
  public String text(SourceDocument d) {
    return titleInContents() ? d.contents() : joinTitle(d.title(), d.contents());
  }

  /**
   * {@code title + " " + text}, the title trimmed ({@link String#trim()}); {@code text} alone when
   * the title trims to nothing.
   */
  public static String joinTitle(String title, String text) {
    String t = title == null ? "" : title.trim();
    return t.isEmpty() ? text : t + " " + text;
  }

  /**
   * The document a raw document stored in an index stands for ({@link SourceDocument#raw()} as this
   * format made it), or null when it is not one. By default the raw text is read as a one-document
   * file of this format.
   */
  public SourceDocument parseRaw(String raw) {
    try (DocumentReader r = open("raw", new java.io.ByteArrayInputStream(
        raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
      return r.next();
    } catch (io.trawl.core.InputException e) {
      return null;
    }
  }

  /** Reads the documents of one (already decompressed) file. */
  public abstract DocumentReader open(String file, InputStream in);

  /** Streams every document of {@code input}; the caller closes the reader. */
  public CorpusReader read(String input, OnError onError) {
    return new CorpusReader(this, input, onError);
  }

  @Override
  public String toString() {
    return format();
  }
}
