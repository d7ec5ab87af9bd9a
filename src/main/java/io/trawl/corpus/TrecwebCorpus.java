package io.trawl.corpus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TREC Web ({@code <DOC><DOCNO>id</DOCNO><DOCHDR>http headers</DOCHDR> html </DOC>}), as for
 * Anserini's TREC Web collection: the docid is the trimmed {@code DOCNO}; the header block is
 * dropped and the HTML after it is reduced to its text (scripts, styles, comments and tags removed,
 * common entities decoded, whitespace collapsed). The raw document is the whole {@code <DOC>} block.
 */
public class TrecwebCorpus extends TrecCorpus {
  private static final Pattern BODY_START = Pattern.compile("</DOCHDR>|</DOCNO>");
  private static final Pattern DOC_END = Pattern.compile("</DOC>\\s*$");
  private static final Pattern SCRIPT = Pattern.compile(
      "<(script|style)\\b[^>]*>.*?</\\1\\s*>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");
  private static final Pattern SPACES = Pattern.compile("\\s+");

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
    return htmlToText(html);
  }

  /** Reduces HTML to its visible text. */
  static String htmlToText(String html) {
    String s = SCRIPT.matcher(html).replaceAll(" ");
    s = COMMENT.matcher(s).replaceAll(" ");
    s = TAG.matcher(s).replaceAll(" ");
    s = decodeEntities(s);
    return SPACES.matcher(s).replaceAll(" ").strip();
  }

  private static String decodeEntities(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = ENTITY.matcher(s);
    StringBuilder sb = new StringBuilder(s.length());
    while (m.find()) {
      String e = m.group(1);
      String r;
      if (e.charAt(0) == '#') {
        try {
          int cp = e.length() > 1 && (e.charAt(1) == 'x' || e.charAt(1) == 'X')
              ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
          r = Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : " ";
        } catch (NumberFormatException ex) {
          r = m.group();
        }
      } else {
        r = switch (e) {
          case "amp" -> "&";
          case "lt" -> "<";
          case "gt" -> ">";
          case "quot" -> "\"";
          case "apos" -> "'";
          case "nbsp" -> " ";
          default -> m.group();
        };
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(r));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
