package io.trawl.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.jinja.JinjaException;
import io.trawl.model.llm.jinja.JinjaTemplate;
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
import java.util.function.Function;

/**
 * A Hugging Face chat template (Jinja, from {@code tokenizer_config.json}'s {@code chat_template}
 * or a {@code chat_template.jinja} file) rendered exactly as {@code
 * transformers.apply_chat_template(tokenize=False)} renders it ({@link JinjaTemplate}: jinja2
 * semantics, {@code trim_blocks} and {@code lstrip_blocks}). Variables: {@code messages}, {@code
 * tools} and {@code documents} (None), {@code add_generation_prompt}, the tokenizer's special tokens
 * that are set ({@code bos_token}, {@code eos_token}, {@code unk_token}, ...), and the functions
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}. Message content is data: passage text
 * such as <code>{{ 7*7 }}</code>, <code>{{cite web |url=x}}</code> or <code>{% raw %}</code> reaches
 * the model unchanged.
 */
public final class ChatTemplate {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String[] SPECIAL_TOKENS = {"bos", "eos", "unk", "sep", "pad", "cls", "mask"};

  private final String source;
  private final String text;
  private final JinjaTemplate template;
  private final Map<String, String> special;

  /** A template with only bos/eos special tokens (either may be null). */
  public ChatTemplate(String template, String bosToken, String eosToken, String source) {
    this(template, tokens(bosToken, eosToken), source);
  }

  private ChatTemplate(String template, Map<String, String> special, String source) {
    this.source = source;
    this.text = template;
    this.special = special;
    try {
      this.template = JinjaTemplate.parse(template);
    } catch (JinjaException e) {
      throw error(e);
    }
  }

  private static Map<String, String> tokens(String bos, String eos) {
    Map<String, String> m = new HashMap<>();
    if (bos != null) {
      m.put("bos", bos);
    }
    if (eos != null) {
      m.put("eos", eos);
    }
    return m;
  }

  private TrawlException error(JinjaException e) {
    if (e.raised()) {
      return TrawlException.invalid("chat template " + source + ": " + e.getMessage());
    }
    return TrawlException.invalid("chat template " + source
        + (e.line() > 0 ? ", template line " + e.line() : "") + ": " + e.getMessage());
  }

  /**
   * The template of a model folder: {@code override} (a file holding a Jinja template) when given,
   * else {@code chat_template.jinja}, else {@code tokenizer_config.json}'s {@code chat_template}
   * (a string, or a list of named templates of which "default" is used). Fails with a message that
   * says what to do when the folder has none.
   */
  public static ChatTemplate load(Path folder, Path override) {
    ChatTemplate t = loadOptional(folder, override);
    if (t == null) {
      throw TrawlException.invalid(folder + ": the model folder has no chat template (no"
          + " chat_template.jinja, no \"chat_template\" in tokenizer_config.json); give one with"
          + " chat-template=<file.jinja>");
    }
    return t;
  }

  /** {@link #load}, or null when the folder has no template and none is given. */
  public static ChatTemplate loadOptional(Path folder, Path override) {
    Map<String, String> special = specialTokens(folder);
    if (override != null) {
      return new ChatTemplate(read(override), special, override.toString());
    }
    Path jinja = folder.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      return new ChatTemplate(read(jinja), special, jinja.toString());
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
        return new ChatTemplate(t, special, cfg.toString());
      }
    }
    return null;
  }

  /**
   * Special token strings from tokenizer_config.json (plain strings or AddedToken objects), keyed
   * "bos", "eos", "unk", "sep", "pad", "cls", "mask"; tokens that are not set are absent.
   */
  static Map<String, String> specialTokens(Path folder) {
    Map<String, String> m = new HashMap<>();
    Path cfg = folder.resolve("tokenizer_config.json");
    if (!Files.isRegularFile(cfg)) {
      return m;
    }
    JsonNode root = readJson(cfg);
    for (String k : SPECIAL_TOKENS) {
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

  /** The template's Jinja source text. */
  public String text() {
    return text;
  }

  /** The BOS token string ("" when the tokenizer has none). */
  public String bosToken() {
    return special.getOrDefault("bos", "");
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
    vars.put("tools", null);
    vars.put("documents", null);
    vars.put("add_generation_prompt", addGenerationPrompt);
    special.forEach((k, v) -> vars.put(k + "_token", v));
    return renderVariables(vars);
  }

  /** Renders with the given variables plus {@code raise_exception} and {@code strftime_now}. */
  String renderVariables(Map<String, Object> vars) {
    Map<String, Object> all = new HashMap<>(vars);
    all.put("strftime_now", (Function<List<Object>, Object>) args ->
        strftimeNow(args.isEmpty() ? "" : String.valueOf(args.get(0))));
    try {
      return template.render(all);
    } catch (JinjaException e) {
      throw error(e);
    }
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
