package io.trawl.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.HfJsonTokenizer;
import io.trawl.model.TextTokenizer;
import io.trawl.model.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat LLM from a Hugging Face folder: the {@link DecoderLm}, its tokenizer, its chat template
 * and its special tokens. {@link #encode} encodes rendered chat text as {@code
 * apply_chat_template(tokenize=True)} does: no special tokens added, special-token strings in the
 * text ({@code <|im_start|>}, {@code <s>}, ...) become their ids. {@link #encodeWithSpecialTokens}
 * is {@code tokenizer(text)}: the same plus the special tokens the tokenizer adds to a single
 * sequence (BOS for Llama, Mistral and Zephyr tokenizers), which is how RankLLM, FIRST's code, vLLM
 * and ICR's code tokenize their prompts.
 */
public final class LlmRuntime implements AutoCloseable {
  private final DecoderLm model;
  private final TextTokenizer tokenizer;
  private final ChatTemplate template;
  private final Map<String, Integer> specials;
  private final Set<Integer> stopIds;
  private final int[] sequencePrefix;
  private final int[] sequenceSuffix;

  private LlmRuntime(DecoderLm model, TextTokenizer tokenizer, ChatTemplate template,
      Map<String, Integer> specials, Set<Integer> stopIds, int[] sequencePrefix,
      int[] sequenceSuffix) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
    this.specials = specials;
    this.stopIds = stopIds;
    this.sequencePrefix = sequencePrefix;
    this.sequenceSuffix = sequenceSuffix;
  }

  /** Loads model, tokenizer and chat template ({@code templateOverride} may be null). */
  public static LlmRuntime load(Path folder, ComputeOptions options, Path templateOverride) {
    return load(folder, options, templateOverride, true);
  }

  /**
   * Loads model, tokenizer and chat template; with {@code needsTemplate} false a folder without a
   * chat template loads too ({@link #template()} is then null and {@link #render} fails).
   */
  public static LlmRuntime load(Path folder, ComputeOptions options, Path templateOverride,
      boolean needsTemplate) {
    DecoderLm lm = DecoderLm.load(folder, options);
    try {
      TextTokenizer tok = Tokenizers.load(folder, Tokenizers.Convention.NONE);
      ChatTemplate t = needsTemplate ? ChatTemplate.load(folder, templateOverride)
          : ChatTemplate.loadOptional(folder, templateOverride);
      Map<String, Integer> specials = specialTokens(folder, tok);
      Set<Integer> stop = new LinkedHashSet<>(lm.config().eosIds());
      Integer eos = t == null ? null : specials.get(ChatTemplate.specialTokens(folder).get("eos"));
      if (eos != null) {
        stop.add(eos);
      }
      stop.addAll(generationEos(folder));
      int[][] wrap = sequenceSpecials(folder, tok, specials);
      return new LlmRuntime(lm, tok, t, specials, stop, wrap[0], wrap[1]);
    } catch (RuntimeException e) {
      lm.close();
      throw e;
    }
  }

  private static Map<String, Integer> specialTokens(Path folder, TextTokenizer tok) {
    Map<String, Integer> m = new LinkedHashMap<>();
    Path cfg = folder.resolve("tokenizer_config.json");
    if (Files.isRegularFile(cfg)) {
      try {
        JsonNode root = new ObjectMapper().readTree(cfg.toFile());
        root.path("added_tokens_decoder").fields().forEachRemaining(e -> {
          String content = e.getValue().path("content").asText();
          if (!content.isEmpty()) {
            m.put(content, Integer.parseInt(e.getKey()));
          }
        });
      } catch (IOException | NumberFormatException e) {
        throw new io.trawl.core.InputException(cfg.toString(), "invalid tokenizer_config.json: " + e.getMessage());
      }
    }
    for (String s : ChatTemplate.specialTokens(folder).values()) {
      int id = tok.pieceId(s);
      if (id >= 0) {
        m.putIfAbsent(s, id);
      }
    }
    return m;
  }

  /**
   * The special ids {@code tokenizer(text)} puts around one sequence: {@code add_bos_token} /
   * {@code add_eos_token} of tokenizer_config.json when it sets them (Llama's and Mistral's
   * tokenizers honour them), else what tokenizer.json's post-processor adds, else (a SentencePiece
   * model alone, Hugging Face's LlamaTokenizer) BOS and no EOS.
   */
  private static int[][] sequenceSpecials(Path folder, TextTokenizer tok, Map<String, Integer> specials) {
    JsonNode cfg = null;
    Path file = folder.resolve("tokenizer_config.json");
    if (Files.isRegularFile(file)) {
      try {
        cfg = new ObjectMapper().readTree(file.toFile());
      } catch (IOException e) {
        throw new io.trawl.core.InputException(file.toString(), "invalid JSON: " + e.getMessage());
      }
    }
    Map<String, String> names = ChatTemplate.specialTokens(folder);
    boolean json = tok instanceof HfJsonTokenizer;
    int[] prefix = json ? tok.prefix() : new int[0];
    int[] suffix = json ? tok.suffix() : new int[0];
    Integer bos = names.containsKey("bos") ? specials.get(names.get("bos")) : null;
    Integer eos = names.containsKey("eos") ? specials.get(names.get("eos")) : null;
    JsonNode addBos = cfg == null ? null : cfg.get("add_bos_token");
    JsonNode addEos = cfg == null ? null : cfg.get("add_eos_token");
    if (addBos != null && addBos.isBoolean()) {
      prefix = addBos.asBoolean() && bos != null ? new int[] {bos} : new int[0];
    } else if (!json) {
      prefix = bos != null ? new int[] {bos} : new int[0];
    }
    if (addEos != null && addEos.isBoolean()) {
      suffix = addEos.asBoolean() && eos != null ? new int[] {eos} : new int[0];
    }
    return new int[][] {prefix, suffix};
  }

  private static List<Integer> generationEos(Path folder) {
    List<Integer> out = new ArrayList<>();
    Path gen = folder.resolve("generation_config.json");
    if (Files.isRegularFile(gen)) {
      try {
        JsonNode n = new ObjectMapper().readTree(gen.toFile()).path("eos_token_id");
        if (n.isArray()) {
          n.forEach(x -> out.add(x.asInt()));
        } else if (n.isIntegralNumber()) {
          out.add(n.asInt());
        }
      } catch (IOException e) {
        throw new io.trawl.core.InputException(gen.toString(), "invalid JSON: " + e.getMessage());
      }
    }
    return out;
  }

  public DecoderLm model() {
    return model;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** The chat template; null only when loaded without one ({@code needsTemplate} false). */
  public ChatTemplate template() {
    return template;
  }

  public Set<Integer> stopIds() {
    return stopIds;
  }

  /** The model's context length ({@code max_position_embeddings}; 0 when unknown). */
  public int contextLength() {
    return model.config().maxPositions();
  }

  /** Renders messages with the chat template. */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    if (template == null) {
      throw TrawlException.invalid(model.folder() + ": the model folder has no chat template; give"
          + " one with chat-template=<file.jinja>");
    }
    return template.render(messages, addGenerationPrompt);
  }

  /** Encodes rendered chat text; special-token strings become their ids. */
  public int[] encode(String text) {
    return encode(text, false).ids();
  }

  /**
   * {@link #encode} with, per token, the char index in {@code text} where it starts (a special
   * token where its string starts); starts null when the tokenizer cannot tell ({@link
   * TextTokenizer.Tokens}).
   */
  public TextTokenizer.Tokens encodeWithStarts(String text) {
    return encode(text, true);
  }

  /**
   * The one splitting at special-token strings behind {@link #encode} and {@link
   * #encodeWithStarts}; the starts are computed only when asked for (they cost the tokenizers extra
   * work, and {@link #encode} is on every reranker's path).
   */
  private TextTokenizer.Tokens encode(String text, boolean withStarts) {
    if (tokenizer instanceof HfJsonTokenizer || specials.isEmpty()) {
      return segment(text, withStarts); // tokenizer.json extracts its added tokens itself
    }
    List<String> names = new ArrayList<>(specials.keySet());
    names.sort(Comparator.comparingInt(String::length).reversed());
    List<Integer> ids = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    boolean known = true;
    int start = 0;
    int i = 0;
    while (i <= text.length()) {
      String hit = null;
      if (i < text.length()) {
        for (String s : names) {
          if (text.startsWith(s, i)) {
            hit = s;
            break;
          }
        }
        if (hit == null) {
          i++;
          continue;
        }
      }
      if (i > start) {
        TextTokenizer.Tokens part = segment(text.substring(start, i), withStarts);
        known &= part.starts() != null;
        for (int k = 0; k < part.ids().length; k++) {
          ids.add(part.ids()[k]);
          starts.add(known ? start + part.starts()[k] : -1);
        }
      }
      if (hit == null) {
        break;
      }
      ids.add(specials.get(hit));
      starts.add(i);
      i += hit.length();
      start = i;
    }
    return new TextTokenizer.Tokens(ids.stream().mapToInt(Integer::intValue).toArray(),
        known && withStarts ? starts.stream().mapToInt(Integer::intValue).toArray() : null);
  }

  /** One piece of text without special-token strings: its ids, and its starts when asked for. */
  private TextTokenizer.Tokens segment(String text, boolean withStarts) {
    return withStarts ? tokenizer.encodeWithStarts(text) : new TextTokenizer.Tokens(tokenizer.encode(text), null);
  }

  /** {@code tokenizer(text)}: {@link #encode} with the tokenizer's sequence special tokens (BOS). */
  public int[] encodeWithSpecialTokens(String text) {
    int[] body = encode(text);
    int[] out = new int[sequencePrefix.length + body.length + sequenceSuffix.length];
    System.arraycopy(sequencePrefix, 0, out, 0, sequencePrefix.length);
    System.arraycopy(body, 0, out, sequencePrefix.length, body.length);
    System.arraycopy(sequenceSuffix, 0, out, sequencePrefix.length + body.length, sequenceSuffix.length);
    return out;
  }

  /** The special ids {@link #encodeWithSpecialTokens} puts before the text. */
  public int[] sequencePrefix() {
    return sequencePrefix.clone();
  }

  public String decode(int[] ids) {
    return tokenizer.decode(ids);
  }

  /**
   * Fails when {@code promptTokens + newTokens} exceeds the model's context, saying by how much and
   * what to change ({@code hint}, e.g. "lower window= or words=").
   */
  public void checkContext(int promptTokens, int newTokens, String what, String hint) {
    int ctx = contextLength();
    if (ctx > 0 && promptTokens + newTokens > ctx) {
      throw TrawlException.invalid(what + " needs " + promptTokens + " prompt tokens"
          + (newTokens > 0 ? " + " + newTokens + " to generate" : "") + " but the model's context"
          + " (max_position_embeddings) is " + ctx + ": " + (promptTokens + newTokens - ctx)
          + " tokens too many; " + hint);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
