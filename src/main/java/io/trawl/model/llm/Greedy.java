package io.trawl.model.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Set;

/**
 * Greedy decoding for a batch of prompts: rows are left-padded to one length (pad id 0, masked),
 * prefilled in chunks of at most {@code chunk} positions (bounding the attention matrix), then
 * decoded one token per step with the {@link KvCache}; a row stops at a stop id (not included in
 * its output) or after {@code maxNew} tokens. {@code useCache=false} recomputes the whole sequence
 * each step (a reference for tests).
 */
public final class Greedy {
  private Greedy() {}

  /** New tokens per row and the logit of each chosen token. */
  public record Result(int[][] tokens, float[][] chosenLogits, int promptTokens) {}

  public static Result generate(DecoderLm lm, List<int[]> prompts, int maxNew, Set<Integer> stop,
      boolean useCache, int chunk) {
    int b = prompts.size();
    int len = 0;
    for (int[] p : prompts) {
      if (p.length == 0) {
        throw new IllegalArgumentException("empty prompt");
      }
      len = Math.max(len, p.length);
    }
    long[][] ids = new long[b][len + maxNew];
    int[][] mask = new int[b][len + maxNew];
    int promptTokens = 0;
    for (int r = 0; r < b; r++) {
      int[] p = prompts.get(r);
      promptTokens += p.length;
      int off = len - p.length;
      for (int i = 0; i < p.length; i++) {
        ids[r][off + i] = p[i];
        mask[r][off + i] = 1;
      }
    }
    int[][] out = new int[b][maxNew];
    float[][] chosen = new float[b][maxNew];
    int[] count = new int[b];
    boolean[] done = new boolean[b];
    try (NDManager m = lm.manager().newSubManager()) {
      KvCache cache = lm.newCache(m, b);
      int cur = len;
      NDArray logits = null;
      if (useCache) {
        logits = prefill(lm, ids, mask, 0, len, cache, chunk, m);
      }
      for (int step = 0; step < maxNew; step++) {
        if (!useCache) {
          try (NDManager tmp = m.newSubManager()) {
            KvCache fresh = lm.newCache(tmp, b);
            NDArray l = prefill(lm, ids, mask, 0, cur, fresh, chunk, tmp);
            l.attach(m);
            if (logits != null) {
              logits.close();
            }
            logits = l;
          }
        }
        float[] flat = logits.toFloatArray();
        int v = (int) (flat.length / b);
        boolean all = true;
        for (int r = 0; r < b; r++) {
          int best = 0;
          float bestVal = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < v; j++) {
            float x = flat[r * v + j];
            if (x > bestVal) {
              bestVal = x;
              best = j;
            }
          }
          ids[r][cur] = best;
          mask[r][cur] = 1;
          if (!done[r]) {
            if (stop.contains(best)) {
              done[r] = true;
            } else {
              chosen[r][count[r]] = bestVal;
              out[r][count[r]++] = best;
            }
          }
          all &= done[r];
        }
        cur++;
        if (all || step == maxNew - 1) {
          break;
        }
        if (useCache) {
          long[][] next = new long[b][1];
          int[][] nextMask = new int[b][1];
          for (int r = 0; r < b; r++) {
            next[r][0] = ids[r][cur - 1];
            nextMask[r][0] = 1;
          }
          NDArray l = lm.forward(next, nextMask, cache, null, false, m);
          logits.close();
          logits = l;
        }
      }
    }
    int[][] tokens = new int[b][];
    float[][] logitsOut = new float[b][];
    for (int r = 0; r < b; r++) {
      tokens[r] = java.util.Arrays.copyOf(out[r], count[r]);
      logitsOut[r] = java.util.Arrays.copyOf(chosen[r], count[r]);
    }
    return new Result(tokens, logitsOut, promptTokens);
  }

  /** Runs positions [from, to) in chunks; returns the last position's logits [B, V]. */
  public static NDArray prefill(DecoderLm lm, long[][] ids, int[][] mask, int from, int to, KvCache cache,
      int chunk, NDManager out) {
    int b = ids.length;
    NDArray logits = null;
    for (int a = from; a < to; a += chunk) {
      int e = Math.min(to, a + chunk);
      long[][] ci = new long[b][];
      int[][] cm = new int[b][];
      for (int r = 0; r < b; r++) {
        ci[r] = java.util.Arrays.copyOfRange(ids[r], a, e);
        cm[r] = java.util.Arrays.copyOfRange(mask[r], a, e);
      }
      NDArray l = lm.forward(ci, cm, cache, null, false, out);
      if (logits != null) {
        logits.close();
      }
      logits = l;
    }
    return logits;
  }
}
