package io.trawl.rerank.listwise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.trawl.core.Params;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.HfConfig;
import io.trawl.model.T5Model;
import io.trawl.model.TextTokenizer;
import io.trawl.model.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A local T5 model (Flan-T5) as ielab's llm-rankers prompts it in its T5 paths (setwise and
 * pairwise, {@code llmrankers/setwise.py} and {@code pairwise.py}, commit b36517b): the prompt as
 * plain text, {@code tokenizer(text)} ({@code </s>} appended, no truncation), the decoder fed
 * {@code "<pad> Passage"} (the decoder start token, then "Passage"), and either the logits at the
 * decoder's last position or greedy tokens after it ({@code generate(input_ids,
 * decoder_input_ids=..., max_new_tokens=n)}). Query and passages are cut with {@link #truncate}.
 */
public final class LocalT5 implements AutoCloseable {
  private final T5Model model;
  private final TextTokenizer tok;
  private final int[] prefix;

  private LocalT5(T5Model model, TextTokenizer tok, int[] prefix) {
    this.model = model;
    this.tok = tok;
    this.prefix = prefix;
  }

  /** Whether a model folder holds a T5 model ({@code model_type} t5 in its config.json), as llm-rankers decides. */
  public static boolean isT5(Path folder) {
    return Files.isRegularFile(folder.resolve("config.json")) && HfConfig.load(folder).modelType().equals("t5");
  }

  /**
   * Opens {@code model=<folder>} with {@code device=}, {@code dtype=}, {@code threads=}; a {@code
   * chat-template=} is an error (the T5 prompt is the plain text). Nothing stays open on failure.
   */
  public static LocalT5 open(Params p, String owner) {
    Path folder = Path.of(p.requireString("model", owner + " (a Hugging Face model folder)"));
    if (p.getString("chat-template", null) != null) {
      throw TrawlException.invalid(owner + ": chat-template= is for decoder-only models; " + folder
          + " is a T5 model (its prompt is the plain text)");
    }
    ComputeOptions options = new ComputeOptions(p.getString("device", null), p.getString("dtype", null),
        p.getInt("threads", 0));
    options.applyThreads();
    T5Model model = T5Model.load(folder, options);
    TextTokenizer tok = null;
    try {
      tok = Tokenizers.load(folder, Tokenizers.Convention.T5);
      int[] passage = tok.encode("Passage");
      int[] prefix = new int[passage.length + 1];
      prefix[0] = model.config().decoderStartTokenId();
      System.arraycopy(passage, 0, prefix, 1, passage.length);
      return new LocalT5(model, tok, prefix);
    } catch (RuntimeException e) {
      if (tok != null) {
        tok.close();
      }
      model.close();
      throw e;
    }
  }

  public T5Model model() {
    return model;
  }

  /** The decoder input, {@code "<pad> Passage"}: the start token, then "Passage". */
  public int[] prefix() {
    return prefix.clone();
  }

  /**
   * The last token of {@code "Passage " + label}, which must add exactly one token to "Passage"
   * (llm-rankers' target ids: the last id of {@code "<pad> Passage X"}); a clear error naming
   * {@code owner} otherwise.
   */
  public int labelId(String label, String owner) {
    int[] passage = Arrays.copyOfRange(prefix, 1, prefix.length);
    int[] with = tok.encode("Passage " + label);
    if (with.length != passage.length + 1 || !Arrays.equals(Arrays.copyOf(with, passage.length), passage)) {
      throw TrawlException.invalid(model.folder() + ": 'Passage " + label + "' is not 'Passage' and one more"
          + " token in this tokenizer; " + owner + " reads the logits of one label token");
    }
    return with[passage.length];
  }

  /** The text of the first {@code n} tokens of {@code text} (llm-rankers' {@code truncate}); 0: as it is. */
  public String truncate(String text, int n) {
    if (n == 0) {
      return text;
    }
    int[] ids = tok.encode(text);
    return tok.decode(ids.length > n ? Arrays.copyOf(ids, n) : ids);
  }

  /** {@code tokenizer(text)}: the pieces, then {@code </s>}; no truncation. */
  public int[] tokenize(String text) {
    return tok.encodeForModel(text, 0);
  }

  /** The text of token ids, special tokens left out ({@code decode(ids, skip_special_tokens=True)}). */
  public String decode(int[] ids) {
    return tok.decode(ids);
  }

  /** The logits (whole vocabulary) at the decoder prefix's last position for one prompt. */
  public float[] lastLogits(int[] ids) {
    try (NDManager m = model.manager().newSubManager()) {
      T5Model.EncoderOutput enc = model.encode(m, new int[][] {ids});
      try (T5Model.Decoder dec = model.decoder(m, enc)) {
        NDArray h = dec.step(new int[][] {prefix});
        long t = h.getShape().get(1);
        NDArray last = h.get(":, " + (t - 1) + ":" + t + ", :");
        return model.logits(last).toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
  }

  /**
   * The greedy answer to one prompt: {@code tokens} generated after the prefix (eos and what
   * follows left out), {@code steps} decoder steps run (eos included: the tokens the model
   * generated), {@code logits} the logit of each generated token, and {@code text}: the decoded
   * prefix without its start token, then the tokens (llm-rankers decodes the whole output, e.g.
   * "Passage A").
   */
  public record Answer(int[] tokens, int steps, float[] logits, String text) {}

  /**
   * Greedy generation of at most {@code maxNew} tokens after the prefix for each prompt, one
   * right-padded batch ({@code generate(input_ids, decoder_input_ids=prefix, max_new_tokens=maxNew)}).
   */
  public Answer[] generate(List<int[]> prompts, int maxNew) {
    T5Model.Greedy g = model.greedy(prompts.toArray(new int[0][]), prefix, maxNew);
    int eos = model.config().eosTokenId();
    Answer[] out = new Answer[prompts.size()];
    for (int r = 0; r < out.length; r++) {
      int[] s = g.sequences()[r];
      int n = 0;
      int steps = 0;
      while (prefix.length + steps < s.length) {
        int t = s[prefix.length + steps];
        steps++;
        if (t == eos) {
          break;
        }
        n++;
      }
      int[] tokens = Arrays.copyOfRange(s, prefix.length, prefix.length + n);
      int[] shown = new int[prefix.length - 1 + n];
      System.arraycopy(prefix, 1, shown, 0, prefix.length - 1);
      System.arraycopy(tokens, 0, shown, prefix.length - 1, n);
      out[r] = new Answer(tokens, steps, Arrays.copyOf(g.chosenLogits()[r], steps), tok.decode(shown));
    }
    return out;
  }

  @Override
  public void close() {
    tok.close();
    model.close();
  }
}
