package io.trawl.eval;

import java.util.Arrays;

/**
 * Base-2 logarithm rounded to the nearest double, as C's {@code log2} returns it. trec_eval
 * discounts every DCG-style gain by {@code log2(rank + 1)}; {@code Math.log(x) / Math.log(2)} is off
 * by one unit in the last place for about a quarter of all ranks, which is enough to move a printed
 * fourth decimal now and then. Here ln(m) for the mantissa m is summed as 2 atanh((m-1)/(m+1)) in
 * double-double arithmetic (about 100 bits) and rounded once: the correctly rounded value, which is
 * glibc's for all but its rare 0.5001-ulp cases; the 49 integers up to 10^6 where glibc differs
 * return glibc's value from a table, so trec_eval's discounts are matched bit for bit. Integer
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

  /**
   * The integers up to 10^6 where glibc's {@code log2} (trec_eval's libm on Linux; the
   * implementation glibc has had since 2.28) is not the correctly rounded value, and glibc's
   * result for each (its raw bits), one unit in the last place away. Made by comparing Python's
   * {@code math.log2} (glibc 2.36) with mpmath at 200 bits. Beyond 10^6 the correctly rounded value is returned.
   */
  private static final int[] GLIBC_EXCEPTIONS = {
      1621, 3242, 6484, 12968, 25936, 51872, 57803, 104703, 107177, 110806,
      112705, 143957, 171891, 186767, 209406, 214354, 221612, 225410, 287914, 343782,
      373534, 401433, 418812, 419207, 428708, 430451, 442387, 443224, 450820, 525507,
      567989, 575828, 614807, 628159, 638189, 687564, 705653, 747043, 747068, 802866,
      837624, 838414, 857416, 860902, 876249, 884774, 886448, 901640, 927217
  };
  private static final long[] GLIBC_BITS = {
      0x4025534944f1e1f1L, 0x4027534944f1e1f1L, 0x4029534944f1e1f1L,
      0x402b534944f1e1f1L, 0x402d534944f1e1f1L, 0x402f534944f1e1f1L,
      0x402fa3413128b5e3L, 0x4030ad0a9dfa39d0L, 0x4030b5aab1535be3L,
      0x4030c1f715ede92bL, 0x4030c83dbc0ba633L, 0x403122a19b38df9dL,
      0x4031642163b6fc63L, 0x403182c908cce3a6L, 0x4031ad0a9dfa39d0L,
      0x4031b5aab1535be3L, 0x4031c1f715ede92bL, 0x4031c83dbc0ba633L,
      0x403222a19b38df9dL, 0x4032642163b6fc63L, 0x403282c908cce3a6L,
      0x40329d63834113e7L, 0x4032ad0a9dfa39d0L, 0x4032ad63bf754d16L,
      0x4032b5aab1535be3L, 0x4032b72a51c74e45L, 0x4032c1445e40a5ecL,
      0x4032c1f715ede92bL, 0x4032c83dbc0ba633L, 0x403300db93537eb2L,
      0x40331d91a29215c5L, 0x403322a19b38df9dL, 0x40333ad279215ce0L,
      0x403342c1d6e7cb3aL, 0x4033489b98be932dL, 0x4033642163b6fc63L,
      0x40336db8b0a908fbL, 0x403382c5dece8875L, 0x403382c908cce3a6L,
      0x40339d63834113e7L, 0x4033ad0a9dfa39d0L, 0x4033ad63bf754d16L,
      0x4033b5aab1535be3L, 0x4033b72a51c74e45L, 0x4033bdb0f472b658L,
      0x4033c1445e40a5ecL, 0x4033c1f715ede92bL, 0x4033c83dbc0ba633L,
      0x4033d29278f1a4a2L
  };

  static {
    Arrays.fill(INTEGERS, Double.NaN);
  }

  static double of(double x) {
    if (x >= 1 && x <= TABLE) {
      int i = (int) x;
      if (i == x) {
        double v = INTEGERS[i];
        if (Double.isNaN(v)) {
          v = integer(i);
          INTEGERS[i] = v;
        }
        return v;
      }
    }
    if (x > TABLE && x <= GLIBC_EXCEPTIONS[GLIBC_EXCEPTIONS.length - 1] && x == (int) x) {
      return integer((int) x);
    }
    return compute(x);
  }

  private static double integer(int i) {
    int at = Arrays.binarySearch(GLIBC_EXCEPTIONS, i);
    return at >= 0 ? Double.longBitsToDouble(GLIBC_BITS[at]) : compute(i);
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
