package io.trawl.regress;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * One expected value against the value we got.
 *
 * @param topics topic set name
 * @param measure measure as written in the spec
 * @param expected the expected value
 * @param actual what we got
 * @param tolerance allowed |actual - expected|; null = equal when both are printed with 4 decimals
 *     (as trec_eval prints them)
 */
public record Check(String topics, String measure, double expected, double actual, Double tolerance) {

  public boolean passed() {
    if (tolerance == null) {
      return fourDecimals(actual).equals(fourDecimals(expected));
    }
    return Math.abs(actual - expected) <= tolerance + 1e-12;
  }

  /** actual - expected. */
  public double delta() {
    return actual - expected;
  }

  /** How the comparison is made, for reports: "exact (4 dp)" or "±0.0100". */
  public String rule() {
    return tolerance == null ? "exact (4 dp)" : "±" + String.format(Locale.ROOT, "%.4f", tolerance);
  }

  /**
   * {@code value} with 4 decimals, rounded as C's printf rounds the exact binary value (what
   * trec_eval prints), so that "exact to 4 decimals" means "trec_eval would print the same".
   */
  public static String fourDecimals(double value) {
    return new BigDecimal(value).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
  }
}
