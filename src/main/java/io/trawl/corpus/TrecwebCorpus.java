package io.trawl.corpus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TREC Web ({@code <DOC><DOCNO>id</DOCNO><DOCHDR>http headers</DOCHDR> html </DOC>}), as for
 * Anserini's TREC Web collection: the docid is the trimmed {@code DOCNO}; the header block is
 * dropped and the HTML after it is reduced to its text as Anserini's jsoup call does ({@link
 * HtmlText}: tags, comments, scripts and styles removed, character references decoded, spaces
 * collapsed; a {@code <} that starts no tag is text). The raw document is the whole {@code <DOC>}
 * block.
 */
public class TrecwebCorpus extends TrecCorpus {
  private static final Pattern BODY_START = Pattern.compile("</DOCHDR>|</DOCNO>");
  private static final Pattern DOC_END = Pattern.compile("</DOC>\\s*$");

  @Override
  public String format() {
    return "trecweb";
  }

  @Override
  protected String contents(String doc) {
    int from = 0;
    Matcher m = BODY_START.matcher(doc);
    int hdr = doc.indexOf("</DOCHDR>");
    if (hdr >= 0) {
      from = hdr + "</DOCHDR>".length();
    } else if (m.find()) {
      from = m.end();
    }
    String html = doc.substring(from);
    Matcher end = DOC_END.matcher(html);
    if (end.find()) {
      html = html.substring(0, end.start());
    }
    return HtmlText.text(html);
  }
}
