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

  /**
   * Every integer up to 10^6 where glibc's log2 is not the correctly rounded value (Python's
   * math.log2 against mpmath at 200 bits): glibc's answer, one ulp from the correctly rounded one.
   */
  @ParameterizedTest
  @CsvSource({
    "1621, 0x1.5534944f1e1f1p+3", "3242, 0x1.7534944f1e1f1p+3", "6484, 0x1.9534944f1e1f1p+3",
    "12968, 0x1.b534944f1e1f1p+3", "25936, 0x1.d534944f1e1f1p+3", "51872, 0x1.f534944f1e1f1p+3",
    "57803, 0x1.fa3413128b5e3p+3", "104703, 0x1.0ad0a9dfa39d0p+4", "107177, 0x1.0b5aab1535be3p+4",
    "110806, 0x1.0c1f715ede92bp+4", "112705, 0x1.0c83dbc0ba633p+4", "143957, 0x1.122a19b38df9dp+4",
    "171891, 0x1.1642163b6fc63p+4", "186767, 0x1.182c908cce3a6p+4", "209406, 0x1.1ad0a9dfa39d0p+4",
    "214354, 0x1.1b5aab1535be3p+4", "221612, 0x1.1c1f715ede92bp+4", "225410, 0x1.1c83dbc0ba633p+4",
    "287914, 0x1.222a19b38df9dp+4", "343782, 0x1.2642163b6fc63p+4", "373534, 0x1.282c908cce3a6p+4",
    "401433, 0x1.29d63834113e7p+4", "418812, 0x1.2ad0a9dfa39d0p+4", "419207, 0x1.2ad63bf754d16p+4",
    "428708, 0x1.2b5aab1535be3p+4", "430451, 0x1.2b72a51c74e45p+4", "442387, 0x1.2c1445e40a5ecp+4",
    "443224, 0x1.2c1f715ede92bp+4", "450820, 0x1.2c83dbc0ba633p+4", "525507, 0x1.300db93537eb2p+4",
    "567989, 0x1.31d91a29215c5p+4", "575828, 0x1.322a19b38df9dp+4", "614807, 0x1.33ad279215ce0p+4",
    "628159, 0x1.342c1d6e7cb3ap+4", "638189, 0x1.3489b98be932dp+4", "687564, 0x1.3642163b6fc63p+4",
    "705653, 0x1.36db8b0a908fbp+4", "747043, 0x1.382c5dece8875p+4", "747068, 0x1.382c908cce3a6p+4",
    "802866, 0x1.39d63834113e7p+4", "837624, 0x1.3ad0a9dfa39d0p+4", "838414, 0x1.3ad63bf754d16p+4",
    "857416, 0x1.3b5aab1535be3p+4", "860902, 0x1.3b72a51c74e45p+4", "876249, 0x1.3bdb0f472b658p+4",
    "884774, 0x1.3c1445e40a5ecp+4", "886448, 0x1.3c1f715ede92bp+4", "901640, 0x1.3c83dbc0ba633p+4",
    "927217, 0x1.3d29278f1a4a2p+4"})
  void glibcsMisroundedIntegersToo(double x, String glibcHex) {
    assertEquals(Double.parseDouble(glibcHex), Log2.of(x), "log2(" + x + ")");
  }

  @ParameterizedTest
  @CsvSource({"3", "9", "10", "12", "24"})
  void lnRatioIsOffByOneUlpThere(double x) {
    // why Log2 exists: ln(x) / ln(2) misses C's value for these ranks
    assertNotEquals(Log2.of(x), Math.log(x) / Math.log(2));
  }
}
