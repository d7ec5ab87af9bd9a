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

  /**
   * The score a run holds for an adjusted float score: the six-decimal value Anserini prints for
   * it ({@code %.6f} of the float, half-up rounding of its shortest decimal form), as a double.
   * Retrieval hands these values on, so the score in memory is the score in the run file: the
   * run writer prints them with exactly six decimals, reading the file back gives the same
   * doubles, and evaluating in memory equals evaluating the file.
   */
  public static double decimal(float adjusted) {
    double v = adjusted;
    if (v >= 0 && v < 1e9) {
      double s = v * 1e6;
      double fl = Math.floor(s);
      double frac = s - fl;
      if (Math.abs(frac - 0.5) >= 1e-3) { // not near a half: rounding v * 1e6 decides
        return (frac > 0.5 ? fl + 1 : fl) / 1e6;
      }
    }
    return Double.parseDouble(String.format(java.util.Locale.US, "%.6f", v));
  }

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
