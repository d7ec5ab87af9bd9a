package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.model.llm.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListwisePromptsTest {
  @Test
  void passageFormatting() {
    assertEquals("Title: T Content: see (1) and (23) but [x] stays",
        Passages.format("T", "see  [1] and\n[23] but [x] stays", 300));
    assertEquals("a b c", Passages.format(null, " a\tb c d e", 3));
    assertEquals("a b", Passages.format("", "a b", 300));
    // Python's split() also splits at U+00A0 and U+3000; ftfy makes full-width digits ASCII
    assertEquals("a b c (12)", Passages.format(null, "a\u00a0b\u3000c [\uff11\uff12]", 300));
    assertEquals(300, Passages.wordLimit(300, 20, 20));
    assertEquals(857, Passages.wordLimit(300, 20, 7));
    assertEquals(315, Passages.wordLimit(300, 20, 19));
    StringBuilder longText = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      longText.append("w").append(i).append(' ');
    }
    String t = Passages.format(null, longText.toString(), Passages.DEFAULT_MAX_WORDS);
    assertEquals(300, t.split(" ").length);
    assertEquals("w299", t.substring(t.lastIndexOf(' ') + 1));
  }

  @Test
  void rankGptMultiTurn() {
    List<ChatMessage> m = ListwisePrompts.rankGpt("q?", List.of("p one", "p two"));
    assertEquals(8, m.size());
    assertEquals(ChatMessage.system("You are RankGPT, an intelligent assistant that can rank passages"
        + " based on their relevancy to the query."), m.get(0));
    assertEquals(ChatMessage.user("I will provide you with 2 passages, each indicated by number"
        + " identifier []. \nRank the passages based on their relevance to query: q?."), m.get(1));
    assertEquals(ChatMessage.assistant("Okay, please provide the passages."), m.get(2));
    assertEquals(ChatMessage.user("[1] p one"), m.get(3));
    assertEquals(ChatMessage.assistant("Received passage [1]."), m.get(4));
    assertEquals(ChatMessage.user("[2] p two"), m.get(5));
    assertEquals(ChatMessage.assistant("Received passage [2]."), m.get(6));
    assertEquals(ChatMessage.user("Search Query: q?. \nRank the 2 passages above based on their"
        + " relevance to the search query. The passages should be listed in descending order using"
        + " identifiers. The most relevant passages should be listed first. The output format should"
        + " be [] > [], e.g., [1] > [2]. Only response the ranking results, do not say any word or"
        + " explain."), m.get(7));
  }

  @Test
  void rankZephyrAndFirstSingleTurn() {
    // RankLLM 5f31fe1 (rank_listwise_os_llm.py): an empty line after the prefix, "Only respond
    // with ...", "a alphabetical" for FIRST, "[n]" in the query rewritten
    List<ChatMessage> z = ListwisePrompts.rankZephyr("q [3]", List.of("a", "b"));
    assertEquals(2, z.size());
    assertEquals("You are RankLLM, an intelligent assistant that can rank passages based on their"
        + " relevancy to the query", z.get(0).content());
    String suffix = "Search Query: q (3).\nRank the 2 passages above based on their relevance to the"
        + " search query. All the passages should be included and listed using identifiers, in"
        + " descending order of relevance. The output format should be [] > [], e.g., %s, Only"
        + " respond with the ranking results, do not say any word or explain.";
    assertEquals("I will provide you with 2 passages, each indicated by a numerical identifier []."
        + " Rank the passages based on their relevance to the search query: q (3).\n\n[1] a\n[2] b\n"
        + suffix.formatted("[2] > [1]"), z.get(1).content());
    List<ChatMessage> f = ListwisePrompts.first("q [3]", List.of("a", "b"));
    assertEquals("I will provide you with 2 passages, each indicated by a alphabetical identifier"
        + " []. Rank the passages based on their relevance to the search query: q (3).\n\n[A] a\n"
        + "[B] b\n" + suffix.formatted("[B] > [A]"), f.get(1).content());
  }
}
