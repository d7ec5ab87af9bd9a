package io.trawl.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the Rust {@code tokenizers}
 * library. The special tokens are what the file's post-processor adds; they are found once by
 * encoding a probe with and without them, so {@link #encodeForModel} can truncate the content
 * and keep the specials, as Hugging Face does.
 */
public final class HfJsonTokenizer implements TextTokenizer {
  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> vocab = new HashMap<>();
  private final int[] prefix;
  private final int[] suffix;

  public HfJsonTokenizer(Path file) {
    this.file = file;
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InputException(file.toString(), "not a tokenizer.json: " + e.getMessage());
    }
    readVocab(root);
    Map<String, String> options = new HashMap<>();
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("addSpecialTokens", "true");
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException e) {
      throw new InputException(file.toString(), "cannot load tokenizer: " + e.getMessage());
    }
    String probe = "probe";
    long[] plain = tokenizer.encode(probe, false, false).getIds();
    long[] full = tokenizer.encode(probe, true, false).getIds();
    int at = indexOf(full, plain);
    if (at < 0) {
      tokenizer.close();
      throw new InputException(file.toString(), "cannot tell the special tokens apart from the content");
    }
    prefix = toInts(full, 0, at);
    suffix = toInts(full, at + plain.length, full.length);
  }

  private void readVocab(JsonNode root) {
    JsonNode model = root.path("model");
    JsonNode v = model.path("vocab");
    if (v.isObject()) {
      v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    } else if (v.isArray()) { // Unigram: [[piece, score], ...]
      for (int i = 0; i < v.size(); i++) {
        vocab.put(v.get(i).path(0).asText(), i);
      }
    }
    for (JsonNode a : root.path("added_tokens")) {
      vocab.put(a.path("content").asText(), a.path("id").asInt());
    }
  }

  private static int indexOf(long[] hay, long[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int[] toInts(long[] a, int from, int to) {
    int[] out = new int[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = Math.toIntExact(a[i]);
    }
    return out;
  }

  @Override
  public int[] encode(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    long[] ids = e.getIds();
    return toInts(ids, 0, ids.length);
  }

  /**
   * Starts from the encoding's character spans, which the Rust library counts in Unicode code
   * points (converted here to char indices); null when a token has no span.
   */
  @Override
  public Tokens encodeWithStarts(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    long[] ids = e.getIds();
    ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = e.getCharTokenSpans();
    int[] starts = new int[ids.length];
    int cp = 0;
    int at = 0;
    for (int i = 0; i < ids.length; i++) {
      if (spans == null || spans[i] == null || spans[i].getStart() < cp) {
        return new Tokens(toInts(ids, 0, ids.length), null);
      }
      at = text.offsetByCodePoints(at, spans[i].getStart() - cp);
      cp = spans[i].getStart();
      starts[i] = at;
    }
    return new Tokens(toInts(ids, 0, ids.length), starts);
  }

  @Override
  public String[] pieces(String text) {
    return tokenizer.encode(text, false, false).getTokens();
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  @Override
  public int pieceId(String piece) {
    return vocab.getOrDefault(piece, -1);
  }

  @Override
  public int vocabSize() {
    int max = -1;
    for (int id : vocab.values()) {
      max = Math.max(max, id);
    }
    return max + 1;
  }

  @Override
  public int[] prefix() {
    return prefix.clone();
  }

  @Override
  public int[] suffix() {
    return suffix.clone();
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "tokenizer.json(" + file + ")";
  }
}
