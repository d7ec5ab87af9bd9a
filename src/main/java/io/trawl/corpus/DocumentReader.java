package io.trawl.corpus;

/**
 * Reads the documents of one file, in file order. {@link #next()} returns null at the end and
 * throws {@link io.trawl.core.InputException} (naming file and line) for a document it cannot
 * read. After such an error the reader has moved past the bad document, so reading can go on,
 * unless {@link #broken()} says the rest of the file cannot be trusted (e.g. a JSON syntax error
 * in the middle of an array).
 */
public interface DocumentReader extends AutoCloseable {
  SourceDocument next();

  /** True after an error from which this file cannot recover. */
  default boolean broken() {
    return false;
  }

  @Override
  void close();
}
