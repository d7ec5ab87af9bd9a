package io.trawl.corpus;

import io.trawl.core.InputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every document's id and text ({@link Corpus#text}) in corpus order, for the bi-encoders (dense
 * indexing, {@code trawl encode}). Read with the corpus formats' own readers, so every format that
 * {@code trawl index} reads can be encoded. As {@code trawl index} does, a document whose text
 * trims to nothing is skipped and counted ({@link #emptySkipped()}); a docid given twice is an
 * error naming the file and line.
 *
 * @param ids the docids
 * @param texts their texts, in the same order
 * @param emptySkipped documents skipped because their text is empty
 */
public record CorpusTexts(List<String> ids, List<String> texts, long emptySkipped) {

  /** Reads every document of {@code input} in {@code corpus}'s format. */
  public static CorpusTexts read(Corpus corpus, String input) {
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    long empty = 0;
    try (CorpusReader r = corpus.read(input, OnError.FAIL)) {
      SourceDocument d;
      while ((d = r.next()) != null) {
        String text = corpus.text(d);
        if (text.trim().isEmpty()) { // Anserini's (and trawl index's) empty document
          empty++;
          continue;
        }
        String first = seen.putIfAbsent(d.id(), d.location());
        if (first != null) {
          throw new InputException(d.file(), d.line(), "duplicate document id '" + d.id() + "' (first at "
              + first + ")");
        }
        ids.add(d.id());
        texts.add(text);
      }
    }
    return new CorpusTexts(ids, texts, empty);
  }
}
