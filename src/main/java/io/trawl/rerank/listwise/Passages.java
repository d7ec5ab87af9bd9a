package io.trawl.rerank.listwise;

import io.trawl.core.PyStrings;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passage text as RankLLM puts it into listwise prompts ({@code
 * ListwiseRankLLM.convert_doc_to_prompt_content} and {@code _replace_number}, castorini/rank_llm at
 * 5f31fe1): "Title: {title} Content: {text}" when a title exists, stripped of Python whitespace,
 * {@link Ftfy#fixText} (mojibake, full-width forms, U+3000, curly quotes, ...), the first {@code
 * maxWords} words of Python's {@code str.split()} (which also splits at U+00A0 and U+3000) joined by
 * single spaces, and every "[n]" ({@code n} any Unicode decimal digits, as Python's {@code \d}
 * matches) rewritten to "(n)" so passage text cannot be read as an identifier.
 */
public final class Passages {
  public static final int DEFAULT_MAX_WORDS = 300;
  private static final Pattern BRACKETED_NUMBER = Pattern.compile("\\[(\\p{Nd}+)\\]");

  private Passages() {}

  /** Formats one passage; {@code title} may be null or empty. */
  public static String format(String title, String text, int maxWords) {
    String body = text == null ? "" : text;
    String content = title != null && !title.isEmpty() ? "Title: " + title + " Content: " + body : body;
    content = Ftfy.fixText(PyStrings.strip(content));
    return rewriteIdentifiers(truncateWords(content, maxWords));
  }

  /**
   * RankLLM's words per passage for a window of {@code n} passages: {@code int(words * (base /
   * n))}, so a shorter window gets longer passages ({@code base} is 20 for RankLLM's single-turn
   * prompts and the configured window for its RankGPT prompt).
   */
  public static int wordLimit(int words, int base, int n) {
    return (int) (words * ((double) base / n));
  }

  /** The first {@code maxWords} words of Python's {@code str.split()}, joined by single spaces. */
  public static String truncateWords(String text, int maxWords) {
    List<String> words = PyStrings.split(text, Math.max(0, maxWords));
    return String.join(" ", words);
  }

  /** "[12]" becomes "(12)" (also for non-ASCII digits, as Python's {@code \d} matches them). */
  public static String rewriteIdentifiers(String text) {
    return BRACKETED_NUMBER.matcher(text).replaceAll(m -> Matcher.quoteReplacement("(" + m.group(1) + ")"));
  }
}
