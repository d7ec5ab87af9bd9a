package io.trawl.corpus;

/**
 * BEIR's {@code corpus.jsonl}: {@code {"_id": ..., "title": ..., "text": ...}} per line. The title
 * may be missing or empty. Indexed flat (title and text in one field, joined as {@link Corpus#text}
 * says) or multifield (separate title and contents fields), as Anserini does.
 */
public class BeirCorpus extends JsonCorpus {
  private final boolean titleInContents;

  public BeirCorpus() {
    this(false);
  }

  /** @param titleInContents the text already starts with the title (see {@link #titleInContents()}) */
  public BeirCorpus(boolean titleInContents) {
    super("beir", "_id", "title", "text");
    this.titleInContents = titleInContents;
  }

  @Override
  public boolean titleInContents() {
    return titleInContents;
  }
}
