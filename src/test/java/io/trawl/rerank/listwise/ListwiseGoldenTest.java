package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.ChatTemplate;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The prompts RankZephyr, FIRST and RankGPT read are byte for byte what RankLLM (castorini/rank_llm
 * at 5f31fe1) builds for the same query and passages: the text of the messages, the passage
 * normalisation (ftfy, Python's split, "[n]" rewriting, words scaled to the window), the rendered
 * Zephyr chat template after ftfy, and FIRST's trailing "[". Expected strings written by {@code
 * src/test/python/listwise_prompt_golden.py}, which runs RankLLM's own prompt methods on one DL19
 * query with its top 20 (windows of 20 and 7) and on hostile passages (no-break and ideographic
 * spaces, full-width digits, curly quotes, ligatures, HTML entities, mojibake, 1000 words).
 */
class ListwiseGoldenTest {
  static String resource(String path) throws Exception {
    try (InputStream in = ListwiseGoldenTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @TestFactory
  Stream<DynamicTest> promptsAsRankLlm() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(resource("listwise-prompts-golden.json"));
    ChatTemplate zephyr = new ChatTemplate(
        resource("/io/trawl/model/llm/chat-templates/zephyr.jinja"), "<s>", "</s>", "zephyr.jinja");
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (JsonNode c : doc.path("cases")) {
      ListwisePrompts.Template t = ListwisePrompts.Template.parse(c.path("template").asText());
      Query q = new Query("q", c.path("query").asText());
      List<Candidate> cands = new ArrayList<>();
      for (JsonNode p : c.path("passages")) {
        cands.add(new Candidate("d" + cands.size(), 1, p.asText()));
      }
      tests.add(DynamicTest.dynamicTest((i++) + " " + t.label() + " n=" + cands.size(), () -> {
        SlidingWindow.Range r = new SlidingWindow.Range(0, cands.size());
        List<String> passages = ListwiseSupport.passages(q, cands, r, t, Passages.DEFAULT_MAX_WORDS, 20);
        List<ChatMessage> messages = ListwisePrompts.build(t, q.text(), passages);
        if (t == ListwisePrompts.Template.RANKGPT) {
          List<ChatMessage> want = new ArrayList<>();
          for (JsonNode m : c.path("messages")) {
            want.add(new ChatMessage(m.path("role").asText(), m.path("content").asText()));
          }
          assertEquals(want, messages);
        } else {
          assertEquals(c.path("prompt").asText(),
              ListwisePrompts.modelText(t, zephyr.render(messages, true)));
        }
      }));
    }
    return tests.stream();
  }
}
