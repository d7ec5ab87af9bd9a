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
