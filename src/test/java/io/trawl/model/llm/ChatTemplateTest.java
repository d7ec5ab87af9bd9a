package io.trawl.model.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real chat templates (as published in the models' tokenizer_config.json) render as HF renders them. */
public class ChatTemplateTest {
  static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
      + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ "
      + "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = "
      + "bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
  static final String QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role']"
      + " != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}"
      + "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>'"
      + " + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
      + "{% endif %}";
  public static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
      + "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}"
      + "\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == "
      + "'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
      + "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n"
      + "{% endfor %}";
  static final String MISTRAL = "{{ bos_token }}{% for message in messages %}{% if (message['role']"
      + " == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must"
      + " alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] =="
      + " 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] =="
      + " 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception("
      + "'Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

  static final List<ChatMessage> SYS_USER =
      List.of(ChatMessage.system("Be brief."), ChatMessage.user("  Rank [1] > [2]?  "));

  @TempDir Path dir;

  static Path folder(Path dir, String name, String template, Object bos, Object eos) throws Exception {
    Path f = Files.createDirectories(dir.resolve(name));
    Map<String, Object> cfg = new LinkedHashMap<>();
    if (template != null) {
      cfg.put("chat_template", template);
    }
    cfg.put("bos_token", bos);
    cfg.put("eos_token", eos);
    new ObjectMapper().writeValue(f.resolve("tokenizer_config.json").toFile(), cfg);
    return f;
  }

  @Test
  void llama3() throws Exception {
    ChatTemplate t = ChatTemplate.load(
        folder(dir, "llama3", LLAMA3, "<|begin_of_text|>", "<|eot_id|>"), null);
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nRank [1] > [2]?<|eot_id|>"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(SYS_USER, true));
    assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nRank [1] > [2]?<|eot_id|>",
        t.render(SYS_USER, false));
  }

  @Test
  void qwen2DefaultSystemAndAddedTokenObjects() throws Exception {
    ChatTemplate t = ChatTemplate.load(folder(dir, "qwen2", QWEN2, null,
        Map.of("content", "<|im_end|>", "lstrip", false)), null);
    assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
        t.render(List.of(ChatMessage.user("hi")), true));
    assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n  Rank [1] > [2]?  "
        + "<|im_end|>\n", t.render(SYS_USER, false));
  }

  @Test
  void zephyrTrimsAndStripsBlocks() throws Exception {
    ChatTemplate t = ChatTemplate.load(folder(dir, "zephyr", ZEPHYR, "<s>", "</s>"), null);
    assertEquals("<|system|>\nBe brief.</s>\n<|user|>\n  Rank [1] > [2]?  </s>\n<|assistant|>\n",
        t.render(SYS_USER, true));
  }

  @Test
  void mistralRaiseExceptionBecomesAClearError() throws Exception {
    ChatTemplate t = ChatTemplate.load(folder(dir, "mistral", MISTRAL, "<s>", "</s>"), null);
    assertEquals("<s>[INST] a [/INST]b</s> [INST] c [/INST]", t.render(List.of(
        ChatMessage.user("a"), ChatMessage.assistant("b"), ChatMessage.user("c")), true));
    TrawlException e = assertThrows(TrawlException.class, () -> t.render(SYS_USER, true));
    assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
  }

  @Test
  void backslashEscapesInsideJinjaStringLiterals() {
    ChatTemplate t = new ChatTemplate("{% for m in messages %}{{ '<' + m.role + '>\\n' + m.content"
        + " }}{% if not loop.last %}{{ '\\n' }}{% endif %}{% endfor %}{% if add_generation_prompt"
        + " %}{{ '\\n<a>' }}{% endif %}", "", "", "inline");
    assertEquals("<system>\nBe brief.\n<user>\n  Rank [1] > [2]?  \n<a>", t.render(SYS_USER, true));
  }

  @Test
  void strftimeNowAndChatTemplateFileAndNamedList() throws Exception {
    Path f = folder(dir, "named", null, "<s>", "</s>");
    new ObjectMapper().writeValue(f.resolve("tokenizer_config.json").toFile(), Map.of(
        "chat_template", List.of(Map.of("name", "tool_use", "template", "TOOLS"),
            Map.of("name", "default", "template", "{{ bos_token }}{{ messages[0]['content'] }}"))));
    assertEquals("hi", ChatTemplate.load(f, null).render(List.of(ChatMessage.user("hi")), true));
    Files.writeString(f.resolve("chat_template.jinja"), "{{ strftime_now('%Y') }}");
    assertEquals(String.valueOf(java.time.LocalDate.now().getYear()),
        ChatTemplate.load(f, null).render(SYS_USER, true));
  }

  @Test
  void missingTemplateSaysWhatToDo() throws Exception {
    Path f = folder(dir, "none", null, "<s>", "</s>");
    TrawlException e = assertThrows(TrawlException.class, () -> ChatTemplate.load(f, null));
    assertTrue(e.getMessage().contains("no chat template") && e.getMessage().contains("chat-template="),
        e.getMessage());
    Path override = dir.resolve("t.jinja");
    Files.writeString(override, ZEPHYR);
    assertTrue(ChatTemplate.load(f, override).render(SYS_USER, true).endsWith("<|assistant|>\n"));
  }
}
