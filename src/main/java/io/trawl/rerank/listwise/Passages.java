package io.trawl.rerank.listwise;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passage text as listwise prompts show it (RankGPT / RankLLM conventions): "Title: {title}
 * Content: {text}" when a title exists, whitespace collapsed, at most {@code maxWords} words, and
 * every "[n]" rewritten to "(n)" so passage text cannot be read as an identifier.
 */
public final class Passages {
  public static final int DEFAULT_MAX_WORDS = 300;
  private static final Pattern BRACKETED_NUMBER = Pattern.compile("\\[(\\d+)\\]");

  private Passages() {}

  /** Formats one passage; {@code title} may be null or blank. */
  public static String format(String title, String text, int maxWords) {
    String body = text == null ? "" : text;
    String content = title != null && !title.isBlank()
        ? "Title: " + title.strip() + " Content: " + body
        : body;
    content = truncateWords(content, maxWords);
    return rewriteIdentifiers(content);
  }

  /** The first {@code maxWords} whitespace-separated words joined by single spaces. */
  public static String truncateWords(String text, int maxWords) {
    String t = text.strip();
    if (t.isEmpty()) {
      return "";
    }
    String[] words = t.split("\\s+");
    int n = Math.min(words.length, maxWords);
    return String.join(" ", java.util.Arrays.asList(words).subList(0, n));
  }

  /** "[12]" becomes "(12)". */
  public static String rewriteIdentifiers(String text) {
    return BRACKETED_NUMBER.matcher(text).replaceAll(m -> Matcher.quoteReplacement("(" + m.group(1) + ")"));
  }
}
