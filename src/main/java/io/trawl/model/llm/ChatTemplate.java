package io.trawl.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Hugging Face chat template (Jinja2, from {@code tokenizer_config.json}'s {@code chat_template}
 * or a {@code chat_template.jinja} file) rendered with Jinjava the way {@code
 * transformers.apply_chat_template} does: {@code trim_blocks} and {@code lstrip_blocks} on,
 * variables {@code messages}, {@code bos_token}, {@code eos_token}, {@code add_generation_prompt},
 * and the functions {@code raise_exception(msg)} and {@code strftime_now(fmt)}.
 */
public final class ChatTemplate {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadLocal<Jinjava> ENGINE = ThreadLocal.withInitial(ChatTemplate::engine);
  /**
   * The longest prompt a template may render, and the longest string it may build on the way (a
   * template from a model folder is untrusted input): 16 Mi characters, far beyond any model's
   * context, and small enough for any heap.
   */
  public static final int MAX_OUTPUT_CHARS = 16 << 20;

  private final String source;
  private final String template;
  private final String bosToken;
  private final String eosToken;

  public ChatTemplate(String template, String bosToken, String eosToken, String source) {
    this.template = template;
    this.bosToken = bosToken == null ? "" : bosToken;
    this.eosToken = eosToken == null ? "" : eosToken;
    this.source = source;
  }

  /**
   * The template of a model folder: {@code override} (a file holding a Jinja template) when given,
   * else {@code chat_template.jinja}, else {@code tokenizer_config.json}'s {@code chat_template}
   * (a string, or a list of named templates of which "default" is used). Fails with a message that
   * says what to do when the folder has none.
   */
  public static ChatTemplate load(Path folder, Path override) {
    Map<String, String> special = specialTokens(folder);
    if (override != null) {
      return new ChatTemplate(read(override), special.get("bos"), special.get("eos"),
          override.toString());
    }
    Path jinja = folder.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      return new ChatTemplate(read(jinja), special.get("bos"), special.get("eos"), jinja.toString());
    }
    Path cfg = folder.resolve("tokenizer_config.json");
    if (Files.isRegularFile(cfg)) {
      JsonNode ct = readJson(cfg).path("chat_template");
      String t = null;
      if (ct.isTextual()) {
        t = ct.asText();
      } else if (ct.isArray()) {
        for (JsonNode named : ct) {
          if ("default".equals(named.path("name").asText())) {
            t = named.path("template").asText();
          }
        }
        if (t == null && !ct.isEmpty()) {
          t = ct.get(0).path("template").asText();
        }
      }
      if (t != null && !t.isEmpty()) {
        return new ChatTemplate(t, special.get("bos"), special.get("eos"), cfg.toString());
      }
    }
    throw TrawlException.invalid(folder + ": the model folder has no chat template (no"
        + " chat_template.jinja, no \"chat_template\" in tokenizer_config.json); give one with"
        + " chat-template=<file.jinja>");
  }

  /** bos/eos token strings from tokenizer_config.json (plain strings or AddedToken objects). */
  static Map<String, String> specialTokens(Path folder) {
    Map<String, String> m = new HashMap<>();
    Path cfg = folder.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(cfg)) {
      return m;
    }
    JsonNode root = readJson(cfg);
    for (String k : new String[] {"bos", "eos"}) {
      JsonNode v = root.path(k + "_token");
      if (v.isTextual()) {
        m.put(k, v.asText());
      } else if (v.isObject() && v.path("content").isTextual()) {
        m.put(k, v.path("content").asText());
      }
    }
    return m;
  }

  public String source() {
    return source;
  }

  public String bosToken() {
    return bosToken;
  }

  /** Renders the messages; {@code addGenerationPrompt} opens the assistant turn. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("role", m.role());
      e.put("content", m.content());
      msgs.add(e);
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("messages", msgs);
    vars.put("bos_token", bosToken);
    vars.put("eos_token", eosToken);
    vars.put("add_generation_prompt", addGenerationPrompt);
    RenderResult r = ENGINE.get().renderForResult(template, vars);
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
        String msg = e.getMessage();
        Throwable cause = e.getException();
        boolean tooBig = msg != null && msg.contains(OutputTooBigException.class.getSimpleName());
        while (cause != null) {
          if (cause instanceof TemplateRaised raised) {
            msg = raised.getMessage();
            break;
          }
          tooBig |= cause instanceof OutputTooBigException;
          cause = cause.getCause();
        }
        if (tooBig) {
          throw TrawlException.invalid("chat template " + source + ": renders more than "
              + MAX_OUTPUT_CHARS + " characters (the limit for a prompt)");
        }
        if (msg != null && msg.contains(TemplateRaised.MARK)) {
          msg = msg.substring(msg.indexOf(TemplateRaised.MARK) + TemplateRaised.MARK.length());
          int end = msg.indexOf(TemplateRaised.END);
          if (end >= 0) {
            msg = msg.substring(0, end);
          }
        }
        throw TrawlException.invalid("chat template " + source + ": " + msg);
      }
    }
    return r.getOutput();
  }

  private static Jinjava engine() {
    JinjavaConfig cfg = JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withFailOnUnknownTokens(false)
        .withMaxOutputSize(MAX_OUTPUT_CHARS)
        .withMaxStringLength(MAX_OUTPUT_CHARS)
        .build();
    Jinjava j = new Jinjava(cfg);
    j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
        ChatTemplate.class, "raiseException", String.class));
    j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
        ChatTemplate.class, "strftimeNow", String.class));
    return j;
  }

  /** {@code raise_exception(msg)} inside a template. */
  public static Object raiseException(String message) {
    throw new TemplateRaised(message);
  }

  /** {@code strftime_now(fmt)}: the local time, C strftime directives %d %b %B %Y %m %H %M %S %y %A %a. */
  public static String strftimeNow(String fmt) {
    LocalDateTime now = LocalDateTime.now();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%' || i + 1 >= fmt.length()) {
        sb.append(c);
        continue;
      }
      char d = fmt.charAt(++i);
      String p = switch (d) {
        case 'd' -> "dd";
        case 'b' -> "MMM";
        case 'B' -> "MMMM";
        case 'Y' -> "yyyy";
        case 'y' -> "yy";
        case 'm' -> "MM";
        case 'H' -> "HH";
        case 'M' -> "mm";
        case 'S' -> "ss";
        case 'A' -> "EEEE";
        case 'a' -> "EEE";
        default -> null;
      };
      if (p == null) {
        sb.append(d == '%' ? "%" : "%" + d);
      } else {
        sb.append(now.format(DateTimeFormatter.ofPattern(p, Locale.ENGLISH)));
      }
    }
    return sb.toString();
  }

  static final class TemplateRaised extends RuntimeException {
    static final String MARK = "\u0001raise:";
    static final String END = "\u0002";

    TemplateRaised(String message) {
      super(MARK + message + END);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new io.trawl.core.InputException(p.toString(), "cannot read: " + e.getMessage());
    }
  }

  private static JsonNode readJson(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new io.trawl.core.InputException(p.toString(), "invalid JSON: " + e.getMessage());
    }
  }
}
