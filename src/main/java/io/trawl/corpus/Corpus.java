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
   * Whether documents are pre-encoded term weights ({@link JsonVectorCorpus}): indexed with the
   * whitespace analyzer as impacts (term frequency = weight, norms 1) and searched with the
   * {@code impact} retriever.
   */
  public boolean impact() {
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
   * The text of a document as every consumer sees it: dense indexing encodes it, rerankers read it
   * from an index, the flat BM25 layout indexes it. One rule: the title (trimmed) and the contents
   * joined by one space ({@link #joinTitle}), the contents alone when there is no title. (BEIR's
   * and MTEB's dense evaluations and RankLLM join with a space; Anserini's flat layout with a
   * newline, which its analyzer splits exactly as a space, so BM25 runs are unchanged.) The flat
   * layout alone leaves out a title this format declares repeated at the start of the contents
   * ({@link #titleInContents()}), so that BM25 does not count its words twice.
   */
  public String text(SourceDocument d) {
    return joinTitle(d.title(), d.contents());
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
