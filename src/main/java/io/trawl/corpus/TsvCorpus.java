package io.trawl.corpus;

import io.trawl.core.InputException;
import java.io.InputStream;

/**
 * MS MARCO's {@code collection.tsv}: {@code docid<TAB>text} per line. The text is everything after
 * the first tab. Blank lines are ignored. The raw document is the text column.
 */
public class TsvCorpus extends Corpus {
  @Override
  public String format() {
    return "tsv";
  }

  /** The raw document of this format is the text column itself. */
  @Override
  public SourceDocument parseRaw(String raw) {
    return new SourceDocument("raw", "", raw, raw, "raw", 1);
  }

  @Override
  public DocumentReader open(String file, InputStream in) {
    LineSource lines = new LineSource(file, in);
    return new DocumentReader() {
      @Override
      public SourceDocument next() {
        String line;
        do {
          line = lines.next();
          if (line == null) {
            return null;
          }
        } while (line.isBlank());
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new InputException(file, lines.lineNumber(), "expected docid<TAB>text, found no tab");
        }
        if (tab == 0) {
          throw new InputException(file, lines.lineNumber(), "empty docid before the tab");
        }
        String text = line.substring(tab + 1);
        return new SourceDocument(line.substring(0, tab), "", text, text, file, lines.lineNumber());
      }

      @Override
      public void close() {
        lines.close();
      }
    };
  }
}
