package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * FIRST's window order as RankLLM reads it from vLLM's 30 most likely tokens: letters among them by
 * logit (ties keep the window order), the other letters after them in window order.
 */
class FirstOrderTest {
  @Test
  void lettersOutsideTheTopTokensKeepTheirOrderAfterTheOthers() {
    float[] logits = new float[100];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = i; // token 99 is the most likely, 70..99 are the top 30
    }
    int[] letters = {10, 95, 80, 20, 99, 85};
    // in the top 30: 95 (B), 80 (C), 99 (E), 85 (F); below: 10 (A), 20 (D)
    assertArrayEquals(new int[] {4, 1, 5, 2, 0, 3}, FirstReranker.order(logits, letters, 6, 30));
    assertArrayEquals(new int[] {4, 1, 5, 2, 3, 0}, FirstReranker.order(logits, letters, 6, 0));
    // only the window's letters count (a window of 3 of a 6-letter window size)
    assertArrayEquals(new int[] {1, 2, 0}, FirstReranker.order(logits, letters, 3, 30));
    float[] ties = new float[40];
    int[] tied = {5, 6, 7};
    assertArrayEquals(new int[] {0, 1, 2}, FirstReranker.order(ties, tied, 3, 30));
  }
}
