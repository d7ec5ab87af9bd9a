package io.trawl.corpus;

/**
 * One document as read from a corpus, before analysis.
 *
 * @param id the external docid (never empty)
 * @param title the title, or {@code ""} when the format has none
 * @param contents the text to index (for BEIR: the {@code text} field, without the title)
 * @param raw the document as it appeared in the input (a JSON line, a {@code <DOC>} block, ...)
 * @param file the file it came from (for messages)
 * @param line the 1-based line where it starts (for messages)
 */
public record SourceDocument(String id, String title, String contents, String raw, String file,
    long line) {
  public SourceDocument {
    title = title == null ? "" : title;
    contents = contents == null ? "" : contents;
    raw = raw == null ? "" : raw;
  }

  /** {@code file:line}, for messages. */
  public String location() {
    return file + ":" + line;
  }
}
