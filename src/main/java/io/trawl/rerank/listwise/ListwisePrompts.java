package io.trawl.rerank.listwise;

import io.trawl.model.llm.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Listwise ranking prompts, byte for byte as the code behind the published checkpoints and numbers
 * builds them (castorini/rank_llm at 5f31fe1, {@code rank_gpt.py} and {@code
 * rank_listwise_os_llm.py}; sources and differences in docs/llm-reranking.md).
 *
 * <ul>
 *   <li>{@link #rankGpt}: RankGPT's multi-turn conversation (Sun et al., 2023, "Is ChatGPT Good at
 *       Search?"): one user/assistant exchange per passage.
 *   <li>{@link #rankZephyr}: RankLLM's single-turn prompt (RankVicuna/RankZephyr, Pradeep et al.,
 *       2023): system message, then one user message = prefix + an empty line + "[id] passage\n"
 *       per candidate + suffix "... e.g., [2] > [1], Only respond with the ranking results, ...".
 *   <li>{@link #first}: the same with alphabetic identifiers [A], [B], ..., "a alphabetical
 *       identifier" (sic, as FIRST was trained and evaluated) and the example "[B] > [A]" (FIRST,
 *       Reddy et al., 2024).
 * </ul>
 *
 * The single-turn prompts rewrite "[n]" in the query as in passages. Passages must already be
 * formatted by {@link Passages#format}. A local model reads the rendered chat template of these
 * messages after {@link Ftfy#fixText}, tokenized with the tokenizer's special tokens (BOS).
 */
public final class ListwisePrompts {
  public static final String RANKGPT_SYSTEM =
      "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy"
          + " to the query.";
  public static final String RANKLLM_SYSTEM =
      "You are RankLLM, an intelligent assistant that can rank passages based on their relevancy"
          + " to the query";

  private ListwisePrompts() {}

  /** Which prompt a listwise reranker builds. */
  public enum Template {
    RANKGPT, RANKZEPHYR, FIRST;

    public static Template parse(String s) {
      return switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "rankgpt" -> RANKGPT;
        case "rankzephyr", "rankllm", "rankvicuna" -> RANKZEPHYR;
        case "first", "alpha" -> FIRST;
        default -> throw io.trawl.core.TrawlException.invalid(
            "unknown template '" + s + "'; valid: rankgpt, rankzephyr, first");
      };
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** RankLLM's single-turn prompts (RankZephyr, FIRST), rendered locally after {@link Ftfy}. */
    public boolean singleTurn() {
      return this != RANKGPT;
    }

    /**
     * Words per passage in a window of {@code n}: RankLLM scales {@code words} by {@code 20 / n}
     * for its single-turn prompts and by {@code window / n} for RankGPT's.
     */
    public int wordLimit(int words, int window, int n) {
      return Passages.wordLimit(words, singleTurn() ? 20 : window, n);
    }
  }

  /**
   * The text a local model reads, given the rendered chat template of a prompt: RankLLM's
   * single-turn prompts go through {@link Ftfy#fixText} (RankLLM: {@code prompt =
   * fix_text(prompt)}), and FIRST's then get "[" (RankLLM: {@code generate([prompt + "["])}).
   */
  public static String modelText(Template t, String rendered) {
    String text = t.singleTurn() ? Ftfy.fixText(rendered) : rendered;
    return t == Template.FIRST ? text + "[" : text;
  }

  public static List<ChatMessage> build(Template t, String query, List<String> passages) {
    return switch (t) {
      case RANKGPT -> rankGpt(query, passages);
      case RANKZEPHYR -> rankZephyr(query, passages);
      case FIRST -> first(query, passages);
    };
  }

  /** RankGPT multi-turn messages; identifiers [1]..[n]. */
  public static List<ChatMessage> rankGpt(String query, List<String> passages) {
    int num = passages.size();
    List<ChatMessage> m = new ArrayList<>(2 * num + 4);
    m.add(ChatMessage.system(RANKGPT_SYSTEM));
    m.add(ChatMessage.user("I will provide you with " + num
        + " passages, each indicated by number identifier []. \nRank the passages based on their"
        + " relevance to query: " + query + "."));
    m.add(ChatMessage.assistant("Okay, please provide the passages."));
    for (int i = 0; i < num; i++) {
      m.add(ChatMessage.user("[" + (i + 1) + "] " + passages.get(i)));
      m.add(ChatMessage.assistant("Received passage [" + (i + 1) + "]."));
    }
    m.add(ChatMessage.user("Search Query: " + query + ". \nRank the " + num
        + " passages above based on their relevance to the search query. The passages should be"
        + " listed in descending order using identifiers. The most relevant passages should be"
        + " listed first. The output format should be [] > [], e.g., [1] > [2]. Only response the"
        + " ranking results, do not say any word or explain."));
    return m;
  }

  /** RankZephyr / RankVicuna single-turn messages; identifiers [1]..[n]. */
  public static List<ChatMessage> rankZephyr(String query, List<String> passages) {
    return singleTurn(query, passages, false);
  }

  /** FIRST: the single-turn prompt with identifiers [A], [B], .... */
  public static List<ChatMessage> first(String query, List<String> passages) {
    return singleTurn(query, passages, true);
  }

  /** The identifier (without brackets) of 0-based position {@code i}. */
  public static String identifier(int i, boolean alphabetic) {
    if (!alphabetic) {
      return Integer.toString(i + 1);
    }
    if (i < 0 || i >= 26) {
      throw io.trawl.core.TrawlException.invalid(
          "alphabetic identifiers support at most 26 passages per window, got position " + (i + 1));
    }
    return String.valueOf((char) ('A' + i));
  }

  private static List<ChatMessage> singleTurn(String rawQuery, List<String> passages, boolean alpha) {
    int num = passages.size();
    String query = Passages.rewriteIdentifiers(rawQuery);
    StringBuilder sb = new StringBuilder();
    sb.append("I will provide you with ").append(num).append(" passages, each indicated by a")
        .append(alpha ? " alphabetical" : " numerical")
        .append(" identifier []. Rank the passages based on their relevance to the search query: ")
        .append(query).append(".\n\n");
    for (int i = 0; i < num; i++) {
      sb.append('[').append(identifier(i, alpha)).append("] ").append(passages.get(i)).append('\n');
    }
    sb.append("Search Query: ").append(query).append(".\nRank the ").append(num)
        .append(" passages above based on their relevance to the search query. All the passages"
            + " should be included and listed using identifiers, in descending order of relevance."
            + " The output format should be [] > [], e.g., ")
        .append(alpha ? "[B] > [A]" : "[2] > [1]")
        .append(", Only respond with the ranking results, do not say any word or explain.");
    List<ChatMessage> m = new ArrayList<>(2);
    m.add(ChatMessage.system(RANKLLM_SYSTEM));
    m.add(ChatMessage.user(sb.toString()));
    return m;
  }
}
