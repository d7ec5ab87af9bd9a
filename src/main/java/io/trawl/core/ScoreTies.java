package io.trawl.core;

/**
 * Anserini's score-tie adjustment, so that trec_eval (which re-sorts by score descending, then
 * docid descending) sees exactly the ranking order we produced.
 *
 * <p>Walking the ranking in order, every score is rounded to 4 decimals in float arithmetic
 * ({@code Math.round(s * 1e4f) / 1e4f}); if the previous (already adjusted) score exceeds this
 * one by no more than {@code 1e-4f}, the position counts as a tie: {@code dup} grows by one and
 * {@code dup * 1e-6f} is subtracted; otherwise {@code dup} restarts at 0. All arithmetic is in
 * float, as in Anserini, so the printed {@code %f} strings match Anserini's byte for byte
 * (including its quirk that a tie run can carry into the next 1e-4 step).
 */
public final class ScoreTies {
  private ScoreTies() {}

  /** Adjusts {@code scores} (in ranking order) in place. */
  public static void adjust(float[] scores, int n) {
    int dup = 0;
    for (int i = 0; i < n; i++) {
      scores[i] = Math.round(scores[i] * 1e4f) / 1e4f;
      if (i == 0 || scores[i - 1] - scores[i] > 1e-4f) {
        dup = 0;
      } else {
        dup++;
        scores[i] -= 1e-6f * dup;
      }
    }
  }
}
