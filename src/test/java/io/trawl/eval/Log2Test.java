package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DCG discounts as C's log2 gives them. Expected values are glibc 2.36's log2 (Python's
 * math.log2(x).hex(), which calls it), the library trec_eval 10.0 was built against here.
 */
class Log2Test {
  @ParameterizedTest
  @CsvSource({
    "3, 0x1.95c01a39fbd68p+0", "9, 0x1.95c01a39fbd68p+1", "10, 0x1.a934f0979a371p+1",
    "11, 0x1.bacea7c065d42p+1", "12, 0x1.cae00d1cfdeb4p+1", "14, 0x1.e75767f54042dp+1",
    "17, 0x1.0598fdbeb244cp+2", "24, 0x1.2570068e7ef5ap+2", "1000, 0x1.3ee7b471b3a95p+3",
    "1001, 0x1.3ef3847bb10e8p+3", "4097, 0x1.8002e291d8543p+3", "123457, 0x1.0e9e4e8883f52p+4",
    "2.5, 0x1.5269e12f346e3p+0", "0.3, -0x1.bca9c6f53897bp+0", "7.75, 0x1.7a231acd89a9dp+1",
    "1, 0x0.0p+0", "1024, 0x1.4p+3"})
  void equalsGlibc(double x, String glibcHex) {
    assertEquals(Double.parseDouble(glibcHex), Log2.of(x), "log2(" + x + ")");
  }

  @ParameterizedTest
  @CsvSource({"3", "9", "10", "12", "24"})
  void lnRatioIsOffByOneUlpThere(double x) {
    // why Log2 exists: ln(x) / ln(2) misses C's value for these ranks
    assertNotEquals(Log2.of(x), Math.log(x) / Math.log(2));
  }
}
