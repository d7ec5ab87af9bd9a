package io.trawl.eval;

import java.util.Arrays;

/**
 * Base-2 logarithm rounded to the nearest double, as C's {@code log2} returns it. trec_eval
 * discounts every DCG-style gain by {@code log2(rank + 1)}; {@code Math.log(x) / Math.log(2)} is off
 * by one unit in the last place for about a quarter of all ranks, which is enough to move a printed
 * fourth decimal now and then. Here ln(m) for the mantissa m is summed as 2 atanh((m-1)/(m+1)) in
 * double-double arithmetic (about 100 bits) and rounded once: the correctly rounded value, which is
 * glibc's for all but its rare 0.5001-ulp cases (49 of the integers up to 10^6). Integer
 * arguments up to {@link #TABLE} are computed once and kept.
 */
final class Log2 {
  private Log2() {}

  static final int TABLE = 1 << 16;
  /** log2 of small integers, filled on first use (NaN: not yet); a race only recomputes. */
  private static final double[] INTEGERS = new double[TABLE + 1];
  /** 1 / ln 2 as a double-double. */
  private static final double INV_LN2_HI = 1.4426950408889634;
  private static final double INV_LN2_LO = 2.0355273740931033e-17;
  private static final double SQRT2 = Math.sqrt(2);
  /** Terms of atanh(z)/z = sum z^(2k) / (2k + 1); z^2 <= 0.0295 here, so 24 reach 1e-36. */
  private static final int TERMS = 24;

  static {
    Arrays.fill(INTEGERS, Double.NaN);
  }

  static double of(double x) {
    if (x >= 1 && x <= TABLE) {
      int i = (int) x;
      if (i == x) {
        double v = INTEGERS[i];
        if (Double.isNaN(v)) {
          v = compute(x);
          INTEGERS[i] = v;
        }
        return v;
      }
    }
    return compute(x);
  }

  private static double compute(double x) {
    if (!(x > 0) || Double.isInfinite(x)) {
      return Math.log(x) / Math.log(2); // NaN, -Infinity or Infinity, as C gives
    }
    double y = x;
    int e = 0;
    if (Math.getExponent(y) < Double.MIN_EXPONENT) { // subnormal
      y *= 0x1p54;
      e = -54;
    }
    int k = Math.getExponent(y);
    double m = y / Math.scalb(1.0, k);
    e += k;
    if (m > SQRT2) {
      m /= 2;
      e++;
    }
    // z = (m - 1) / (m + 1): m - 1 is exact for m in [0.7, 1.42]; m + 1 as a double-double
    double num = m - 1;
    double dh = m + 1;
    double dl = (m - (dh - (dh - m))) + (1 - (dh - m));
    double zh = num / dh;
    double zl = (Math.fma(-zh, dh, num) - zh * dl) / dh;
    double t = zh + zl;
    zl = zl - (t - zh);
    zh = t;
    // z^2
    double z2h = zh * zh;
    double z2l = Math.fma(zh, zh, -z2h) + 2 * zh * zl;
    t = z2h + z2l;
    z2l = z2l - (t - z2h);
    z2h = t;
    // Horner: s = 1/(2K+1); s = s z^2 + 1/(2k+1)
    double sh = 1.0 / (2 * TERMS + 1);
    double sl = Math.fma(-sh, 2 * TERMS + 1, 1.0) / (2 * TERMS + 1);
    for (int j = TERMS - 1; j >= 0; j--) {
      // s * z^2
      double p = sh * z2h;
      double pe = Math.fma(sh, z2h, -p) + (sh * z2l + sl * z2h);
      double ph = p + pe;
      double pl = pe - (ph - p);
      // + 1/(2j+1)
      int d = 2 * j + 1;
      double rh = 1.0 / d;
      double rl = Math.fma(-rh, d, 1.0) / d;
      double s = ph + rh;
      double v = s - ph;
      double err = (ph - (s - v)) + (rh - v) + pl + rl;
      sh = s + err;
      sl = err - (sh - s);
    }
    // ln m = 2 z s; log2 m = ln m / ln 2
    double[] lnm = mul(2 * zh, 2 * zl, sh, sl);
    double[] l2 = mul(lnm[0], lnm[1], INV_LN2_HI, INV_LN2_LO);
    double s = e + l2[0];
    double v = s - e;
    double err = (e - (s - v)) + (l2[0] - v) + l2[1];
    return s + err;
  }

  private static double[] mul(double ah, double al, double bh, double bl) {
    double p = ah * bh;
    double e = Math.fma(ah, bh, -p) + (ah * bl + al * bh);
    double hi = p + e;
    return new double[] {hi, e - (hi - p)};
  }
}
