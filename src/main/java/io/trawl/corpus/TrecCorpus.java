package io.trawl.corpus;

import io.trawl.core.InputException;
import java.io.InputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TREC SGML ({@code <DOC><DOCNO>id</DOCNO>...</DOC>}, also NTCIR's {@code <DOC id="...">}), as
 * Anserini's TREC collection reads it: the docid is the trimmed {@code DOCNO}; the indexed text is
 * the {@code TEXT, HEADLINE, TITLE, HL, HEAD, TTL, DD, DATE, LP, LEADPARA} elements (in document
 * order, one per line; other elements such as {@code FILEID} or {@code DATELINE} are left out)
 * reduced to text as Anserini's jsoup call does ({@link HtmlText}); the raw document is the whole
 * {@code <DOC>} block. Text between
 * documents is ignored. {@link TrecwebCorpus} overrides how the text is extracted.
 */
public class TrecCorpus extends Corpus {
  /** Longest {@code <DOC>} block accepted (bounds memory when {@code </DOC>} is missing). */
  public static final int MAX_DOC_CHARS = 64 << 20;

  private static final Pattern DOCNO = Pattern.compile("<DOCNO>(.*?)</DOCNO>", Pattern.DOTALL);
  private static final Pattern DOC_ID = Pattern.compile("^\\s*<DOC\\s+id\\s*=\\s*\"([^\"]*)\"\\s*>",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern TEXT_ELEMENTS = Pattern.compile(
      "<(TEXT|HEADLINE|TITLE|HL|HEAD|TTL|DD|DATE|LP|LEADPARA)>(.*?)</\\1>", Pattern.DOTALL);

  @Override
  public String format() {
    return "trec";
  }

  /**
   * The text to index from a whole {@code <DOC>} block: the chosen elements, tags included, one
   * per line, reduced to text by {@link HtmlText} as Anserini's jsoup call does (entities
   * decoded, inner tags such as {@code <P>} removed).
   */
  protected String contents(String doc) {
    StringBuilder sb = new StringBuilder();
    Matcher m = TEXT_ELEMENTS.matcher(doc);
    while (m.find()) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(m.group());
    }
    return HtmlText.text(sb.toString());
  }

  /** The docid of a whole {@code <DOC>} block, or null. */
  protected String id(String doc) {
    Matcher m = DOCNO.matcher(doc);
    if (m.find()) {
      return m.group(1).strip();
    }
    m = DOC_ID.matcher(doc);
    if (m.find()) {
      return m.group(1).strip();
    }
    return null;
  }

  static boolean isDocStart(String line) {
    String t = line.stripLeading();
    if (!t.regionMatches(true, 0, "<DOC", 0, 4) || t.length() < 5) {
      return false;
    }
    char c = t.charAt(4);
    return c == '>' || Character.isWhitespace(c);
  }

  static boolean isDocEnd(String line) {
    return line.toUpperCase(Locale.ROOT).contains("</DOC>");
  }

  @Override
  public DocumentReader open(String file, InputStream in) {
    LineSource lines = new LineSource(file, in);
    return new DocumentReader() {
      private String pending;
      private long pendingLine;

      @Override
      public SourceDocument next() {
        String line;
        long start;
        if (pending != null) {
          line = pending;
          start = pendingLine;
          pending = null;
        } else {
          do {
            line = lines.next();
            if (line == null) {
              return null;
            }
          } while (!isDocStart(line));
          start = lines.lineNumber();
        }
        StringBuilder doc = new StringBuilder(line);
        boolean closed = isDocEnd(line);
        while (!closed) {
          String l = lines.next();
          if (l == null) {
            throw new InputException(file, start, "<DOC> is not closed by </DOC> before the end of the file");
          }
          if (isDocStart(l)) {
            pending = l;
            pendingLine = lines.lineNumber();
            throw new InputException(file, start, "<DOC> is not closed by </DOC> before the next <DOC> at line " + pendingLine);
          }
          doc.append('\n').append(l);
          closed = isDocEnd(l);
          if (!closed && doc.length() > MAX_DOC_CHARS) {
            throw new InputException(file, start, "<DOC> longer than " + MAX_DOC_CHARS
                + " characters; is </DOC> missing?");
          }
        }
        String raw = doc.toString();
        String id = id(raw);
        if (id == null) {
          throw new InputException(file, start, "document has no <DOCNO>");
        }
        if (id.isEmpty()) {
          throw new InputException(file, start, "document has an empty <DOCNO>");
        }
        return new SourceDocument(id, "", contents(raw), raw, file, start);
      }

      @Override
      public void close() {
        lines.close();
      }
    };
  }
}
