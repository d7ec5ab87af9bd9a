package io.trawl.core;

/**
 * Anserini's score-tie adjustment, so that trec_eval (which re-sorts by score descending, then
 * docid descending) sees exactly the ranking order we produced.
 *
 * <p>Walking the ranking in order, every float score is rounded to 4 decimals in double
 * arithmetic and narrowed back to float ({@code (float) (Math.round(s * 1e4) / 1e4)}); if the
 * previous (already adjusted) score exceeds this one by no more than {@code 1e-4f}, the position
 * counts as a tie: {@code dup} grows by one and {@code dup * 1e-6f} is subtracted (float);
 * otherwise {@code dup} restarts at 0. This reproduces Anserini 2.2.0's printed {@code %f}
 * strings byte for byte on all 294,041 lines of its SciFact BM25 run, including its quirk that a
 * tie run can carry into the next 1e-4 step. (Rounding in float instead, {@code s * 1e4f},
 * differs on 393 of those lines: half-way cases such as 2.77085f.)
 */
public final class ScoreTies {
  private ScoreTies() {}

  /** Adjusts {@code scores} (in ranking order) in place. */
  public static void adjust(float[] scores, int n) {
    int dup = 0;
    float lastRaw = Float.NaN;
    float lastRounded = 0;
    for (int i = 0; i < n; i++) {
      float raw = scores[i];
      // runs of equal scores are common (ties): round each distinct value once
      if (Float.floatToRawIntBits(raw) != Float.floatToRawIntBits(lastRaw)) {
        lastRaw = raw;
        lastRounded = (float) (Math.round(raw * 1e4) / 1e4);
      }
      scores[i] = lastRounded;
      if (i == 0 || scores[i - 1] - scores[i] > 1e-4f) {
        dup = 0;
      } else {
        dup++;
        scores[i] -= 1e-6f * dup;
      }
    }
  }
}
