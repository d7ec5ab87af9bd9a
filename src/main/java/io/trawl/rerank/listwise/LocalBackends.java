package io.trawl.rerank.listwise;

import ai.djl.ndarray.NDManager;
import io.trawl.core.Params;
import io.trawl.model.ComputeOptions;
import io.trawl.model.llm.Greedy;
import io.trawl.model.llm.KvCache;
import io.trawl.model.llm.LlmRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Opens local (in-process decoder-only model) runtimes and backends from spec parameters. */
public final class LocalBackends {
  private LocalBackends() {}

  /**
   * {@code model=<folder>}, {@code chat-template=<file>}, {@code device=}, {@code dtype=},
   * {@code threads=} (libtorch intra-op threads, process-wide; 0 = libtorch's default).
   */
  public static LlmRuntime runtime(Params p, String owner) {
    return runtime(p, owner, true);
  }

  /**
   * {@link #runtime(Params, String)}; a folder without a chat template loads too when {@code
   * needsTemplate} is false (prompts that are not chats).
   */
  public static LlmRuntime runtime(Params p, String owner, boolean needsTemplate) {
    Path folder = Path.of(p.requireString("model", owner + " (a Hugging Face model folder)"));
    String ct = p.getString("chat-template", null);
    ComputeOptions options = new ComputeOptions(p.getString("device", null),
        p.getString("dtype", null), p.getInt("threads", 0));
    options.applyThreads();
    return LlmRuntime.load(folder, options, ct == null ? null : Path.of(ct), needsTemplate);
  }

  /** Prompts per (left-padded) forward pass: {@code batch=}, default 4. */
  public static int batch(Params p) {
    return Math.max(1, p.getInt("batch", 4));
  }

  /**
   * Adds the local model's parameters that decide results to a canonical spec: {@code
   * chat-template} when given, the effective {@code device} ({@code cpu} or {@code gpu:N}) and
   * {@code dtype}. {@code threads} decides only the speed.
   */
  public static void canonical(io.trawl.core.Spec.Builder spec, Params p) {
    ComputeOptions options = new ComputeOptions(p.getString("device", null), p.getString("dtype", null));
    spec.put("chat-template", p.getString("chat-template", null))
        .put("device", options.effectiveDevice()).put("dtype", options.dtype());
  }

  /**
   * {@code decode(encode(text)[:n])}, llm-rankers' {@code truncate} (the text of the first {@code
   * n} tokens); {@code n = 0}: the text as it is.
   */
  public static String truncate(LlmRuntime rt, String text, int n) {
    if (n == 0) {
      return text;
    }
    int[] ids = rt.tokenizer().encode(text);
    return rt.decode(ids.length > n ? Arrays.copyOf(ids, n) : ids);
  }

  /**
   * The id of the one token the model writes for {@code " " + label} right after {@code prefix}
   * (e.g. " A" after "Passage:"), as the answer-token rerankers read it; a clear error naming
   * {@code owner} when that is not a single token of this tokenizer.
   */
  public static int answerId(LlmRuntime rt, String prefix, String label, String owner) {
    int[] before = rt.tokenizer().encode(prefix);
    int[] with = rt.tokenizer().encode(prefix + " " + label);
    if (with.length != before.length + 1 || !Arrays.equals(Arrays.copyOf(with, before.length), before)) {
      throw io.trawl.core.TrawlException.invalid(rt.model().folder() + ": ' " + label + "' after '" + prefix
          + "' is not one token of this tokenizer; " + owner + " reads the logits of one answer token");
    }
    return with[before.length];
  }

  /**
   * One left-padded batch forward pass over {@code prompts} (token ids); the logits at each row's
   * last position, {@code [row][vocab]}.
   */
  public static float[][] lastLogits(LlmRuntime rt, List<int[]> prompts) {
    int b = prompts.size();
    int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
    long[][] ids = new long[b][len];
    int[][] mask = new int[b][len];
    for (int r = 0; r < b; r++) {
      int[] p = prompts.get(r);
      int off = len - p.length;
      for (int i = 0; i < p.length; i++) {
        ids[r][off + i] = p[i];
        mask[r][off + i] = 1;
      }
    }
    try (NDManager m = rt.model().manager().newSubManager()) {
      KvCache cache = rt.model().newCache(m, b);
      float[] flat = Greedy.prefill(rt.model(), ids, mask, 0, len, cache, 1024, m).toFloatArray();
      int v = flat.length / b;
      float[][] out = new float[b][];
      for (int r = 0; r < b; r++) {
        out[r] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
      }
      return out;
    }
  }

  static ChatBackend open(Params p, ListwisePrompts.Template template) {
    return new LocalChatBackend(runtime(p, "rankgpt"), batch(p), true,
        "lower window= (passages per prompt) or words= (words per passage)", template);
  }
}
