package io.trawl.index;

/**
 * Field names of a Trawl Lucene index (Anserini's layout, so habits carry over).
 *
 * <ul>
 *   <li>{@link #ID}: the external docid, indexed as a keyword, stored, and as sorted doc values
 *       (fast docid lookup during search without stored-field reads).
 *   <li>{@link #CONTENTS}: the analyzed text searched by default (flat layout: the document's text,
 *       {@link io.trawl.corpus.Corpus#text}, title and text joined by a space).
 *   <li>{@link #TITLE}: BEIR multifield layout only: the analyzed title.
 *   <li>{@link #RAW}: the raw document as read from the corpus (stored only); rerankers read it.
 * </ul>
 */
public final class IndexFields {
  public static final String ID = "id";
  public static final String CONTENTS = "contents";
  public static final String TITLE = "title";
  public static final String RAW = "raw";
  /** Name of the metadata file inside an index folder. */
  public static final String METADATA_FILE = "trawl-index.json";

  private IndexFields() {}
}
