package io.trawl.rerank;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a reranker asked of its model, per query: the cost side of a result table (FIRST, ICR and
 * E2Rank exist to cut it). Counted by each reranker where it builds its model inputs, in the same
 * units for every paradigm:
 *
 * <ul>
 *   <li><b>prefill passes</b>: forward passes over one whole input sequence (a prompt, a
 *       query-document pair, a text to embed); a batch of n sequences is n passes;
 *   <li><b>decode steps</b>: forward passes that generate one more token of one sequence after its
 *       prefill (a greedy answer of g tokens takes g - 1; the first comes from the prefill);
 *   <li><b>prompt tokens</b>: tokens of the prefilled sequences (an encoder-decoder's encoder input);
 *   <li><b>generated tokens</b>: tokens generated (0 for rerankers that read logits only).
 * </ul>
 *
 * Wall time is not here: queries share batches, so the caller times each group of queries it hands
 * to {@link Reranker#rerankAll} and reports the mean over them.
 * Thread-safe.
 */
public final class Cost {
  /** One query's counts (or a sum). */
  public record Counts(long prefills, long decodeSteps, long promptTokens, long generatedTokens) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0);

    public Counts plus(Counts o) {
      return new Counts(prefills + o.prefills, decodeSteps + o.decodeSteps,
          promptTokens + o.promptTokens, generatedTokens + o.generatedTokens);
    }
  }

  private final ConcurrentHashMap<String, Counts> byQuery = new ConcurrentHashMap<>();

  /** Adds work done for query {@code qid}. */
  public void add(String qid, long prefills, long decodeSteps, long promptTokens, long generatedTokens) {
    byQuery.merge(qid, new Counts(prefills, decodeSteps, promptTokens, generatedTokens), Counts::plus);
  }

  /** One forward pass over a sequence of {@code tokens} tokens, reading its logits only. */
  public void prefill(String qid, long tokens) {
    add(qid, 1, 0, tokens, 0);
  }

  /** {@code sequences} forward passes over sequences of {@code tokens} tokens in all. */
  public void prefills(String qid, long sequences, long tokens) {
    add(qid, sequences, 0, tokens, 0);
  }

  /** One prompt of {@code promptTokens} answered greedily with {@code generated} tokens. */
  public void generation(String qid, long promptTokens, long generated) {
    add(qid, 1, Math.max(0, generated - 1), promptTokens, generated);
  }

  /** The counts of one query (zero when nothing was counted for it). */
  public Counts of(String qid) {
    return byQuery.getOrDefault(qid, Counts.ZERO);
  }

  /** Forgets everything counted (a reranker reused for another run). */
  public void clear() {
    byQuery.clear();
  }

  /** The counts of these queries, summed. */
  public Counts sum(Iterable<String> qids) {
    Counts c = Counts.ZERO;
    for (String q : qids) {
      c = c.plus(of(q));
    }
    return c;
  }

  /** As JSON-ready numbers: totals and means per query over {@code queries} queries. */
  public static Map<String, Object> summary(Counts total, int queries, double wallSeconds) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("queries", queries);
    m.put("prefill_passes", total.prefills());
    m.put("decode_steps", total.decodeSteps());
    m.put("prompt_tokens", total.promptTokens());
    m.put("generated_tokens", total.generatedTokens());
    m.put("wall_seconds", round(wallSeconds, 3));
    Map<String, Object> per = new LinkedHashMap<>();
    double n = Math.max(1, queries);
    per.put("prefill_passes", round(total.prefills() / n, 2));
    per.put("decode_steps", round(total.decodeSteps() / n, 2));
    per.put("prompt_tokens", round(total.promptTokens() / n, 1));
    per.put("generated_tokens", round(total.generatedTokens() / n, 1));
    per.put("wall_seconds", round(wallSeconds / n, 4));
    m.put("per_query", per);
    return m;
  }

  /** One line for a command's summary. */
  public static String line(Counts total, int queries, double wallSeconds) {
    double n = Math.max(1, queries);
    return String.format(java.util.Locale.ROOT,
        "cost per query (%d queries): %.1f prefill passes, %.1f decode steps, %,.0f prompt tokens,"
            + " %,.1f generated tokens, %.3f s",
        queries, total.prefills() / n, total.decodeSteps() / n, total.promptTokens() / n,
        total.generatedTokens() / n, wallSeconds / n);
  }

  /** {@link #line} of a {@link #summary} (as read back from a run's metadata). */
  public static String line(Object summary) {
    if (!(summary instanceof Map<?, ?> m)) {
      return String.valueOf(summary);
    }
    long q = ((Number) m.get("queries")).longValue();
    Counts c = new Counts(num(m, "prefill_passes"), num(m, "decode_steps"), num(m, "prompt_tokens"),
        num(m, "generated_tokens"));
    return line(c, (int) q, ((Number) m.get("wall_seconds")).doubleValue());
  }

  private static long num(Map<?, ?> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
