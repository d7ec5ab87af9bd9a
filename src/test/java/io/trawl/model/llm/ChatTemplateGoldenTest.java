package io.trawl.model.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The real chat templates of Zephyr (RankZephyr, FIRST), Mistral v3 (Mistral-7B-Instruct-v0.3),
 * Llama-3.1-Instruct and Qwen2.5-Instruct render byte for byte as Hugging Face's
 * {@code apply_chat_template} renders them. The templates and the expected strings are in
 * {@code src/test/resources/io/trawl/model/llm/chat-templates}; {@code golden.json} was written by
 * {@code src/test/python/chat_template_golden.py} (jinja2 3.1.6, transformers 5.18.0). The
 * conversations include passages that look like Jinja ({@code {{ 7*7 }}}, {@code {% raw %}},
 * {@code {{cite web |url=x}}}), which must reach the model as the text they are.
 */
public class ChatTemplateGoldenTest {
  static final String DIR = "/io/trawl/model/llm/chat-templates/";

  static String resource(String name) throws IOException {
    try (InputStream in = ChatTemplateGoldenTest.class.getResourceAsStream(DIR + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @TestFactory
  Stream<DynamicTest> rendersAsHuggingFace() throws IOException {
    JsonNode doc = new ObjectMapper().readTree(resource("golden.json"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : doc.path("cases")) {
      String file = c.path("template").asText();
      String conv = c.path("conversation").asText();
      boolean gen = c.path("add_generation_prompt").asBoolean();
      JsonNode special = doc.path("special_tokens").path(file);
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode m : doc.path("conversations").path(conv)) {
        messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText()));
      }
      tests.add(DynamicTest.dynamicTest(file + " " + conv + " gen=" + gen, () -> {
        ChatTemplate t = new ChatTemplate(resource(file),
            special.hasNonNull("bos_token") ? special.path("bos_token").asText() : null,
            special.hasNonNull("eos_token") ? special.path("eos_token").asText() : null, file);
        if (c.path("tools").asBoolean()) {
          // the tool-calling branches (tojson with indent, loop filters, selectattr, slicing)
          java.util.Map<String, Object> vars = new java.util.HashMap<>();
          java.util.List<java.util.Map<String, Object>> msgs = new ArrayList<>();
          for (ChatMessage m : messages) {
            msgs.add(java.util.Map.of("role", m.role(), "content", m.content()));
          }
          vars.put("messages", msgs);
          vars.put("tools", new ObjectMapper().convertValue(doc.path("tools"), List.class));
          vars.put("documents", null);
          vars.put("add_generation_prompt", gen);
          special.fields().forEachRemaining(e -> vars.put(e.getKey(), e.getValue().asText()));
          assertEquals(c.path("expected").asText(), t.renderVariables(vars));
        } else if (c.has("error")) {
          TrawlException e = assertThrows(TrawlException.class, () -> t.render(messages, gen));
          assertTrue(e.getMessage().endsWith(": " + c.path("error").asText()), e.getMessage());
          assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
        } else {
          String want = c.path("expected").asText();
          String got = t.render(messages, gen);
          assertEquals(want, got, () -> "first difference at char " + firstDifference(want, got)
              + ": expected " + escape(want.substring(Math.min(want.length(), firstDifference(want, got))))
              + " got " + escape(got.substring(Math.min(got.length(), firstDifference(want, got)))));
        }
      }));
    }
    return tests.stream();
  }

  /** One Jinja feature per case (slicing, namespace, loop, trim/strip, tojson, tests, filters...). */
  @TestFactory
  Stream<DynamicTest> featuresAsJinja2() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode doc = json.readTree(resource("features.json"));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> vars = json.convertValue(doc.path("vars"), java.util.Map.class);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : doc.path("cases")) {
      tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> {
        if (c.has("syntax_error")) {
          TrawlException e = assertThrows(TrawlException.class,
              () -> new ChatTemplate(c.path("template").asText(), "<s>", "</s>", "t.jinja"));
          assertEquals("chat template t.jinja, template line " + c.path("line").asInt() + ": "
              + c.path("syntax_error").asText(), e.getMessage());
          return;
        }
        ChatTemplate t = new ChatTemplate(c.path("template").asText(), "<s>", "</s>", c.path("name").asText());
        if (c.has("error")) {
          TrawlException e = assertThrows(TrawlException.class, () -> t.renderVariables(vars));
          assertTrue(e.getMessage().endsWith(": " + c.path("error").asText()), e.getMessage());
        } else {
          String want = c.path("expected").asText();
          String got = t.renderVariables(vars);
          assertEquals(want, got, () -> "first difference at char " + firstDifference(want, got)
              + ": expected " + escape(want.substring(Math.min(want.length(), firstDifference(want, got))))
              + " got " + escape(got.substring(Math.min(got.length(), firstDifference(want, got)))));
        }
      }));
    }
    return tests.stream();
  }

  static int firstDifference(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.substring(0, Math.min(60, s.length())).toCharArray()) {
      sb.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
    }
    return sb.toString();
  }
}
