package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorsTest {
  /** The documented order, written out with scalar operations only. */
  static float reference(float[] a, float[] b) {
    int n = a.length, end = n - n % 16;
    float[] p = new float[16];
    for (int i = 0; i < end; i++) {
      p[i % 16] = Math.fma(a[i], b[i], p[i % 16]);
    }
    float[] lane = new float[4];
    for (int j = 0; j < 4; j++) {
      lane[j] = (p[j] + p[j + 4]) + (p[j + 8] + p[j + 12]);
    }
    float sum = (lane[0] + lane[1]) + (lane[2] + lane[3]);
    for (int i = end; i < n; i++) {
      sum = Math.fma(a[i], b[i], sum);
    }
    return sum;
  }

  @Test
  void dotFollowsTheDocumentedOrderBitForBit() {
    long seed = 20261207L;
    Random r = new Random(seed);
    for (int n : new int[] {0, 1, 3, 15, 16, 17, 31, 384, 385, 768, 1000}) {
      for (int rep = 0; rep < 20; rep++) {
        float[] a = new float[n], b = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) r.nextGaussian();
          b[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        }
        assertEquals(Float.floatToRawIntBits(reference(a, b)), Float.floatToRawIntBits(Vectors.dot(a, b)),
            "n=" + n + " seed " + seed);
      }
    }
  }

  @Test
  void lengthsMustMatch() {
    assertThrows(TrawlException.class, () -> Vectors.dot(new float[3], new float[4]));
  }
}
