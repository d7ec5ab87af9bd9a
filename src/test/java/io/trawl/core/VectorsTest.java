package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorsTest {
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
        assertEquals(Float.floatToRawIntBits(Vectors.scalar(a, b)), Float.floatToRawIntBits(Vectors.dot(a, b)),
            "n=" + n + " seed " + seed);
      }
    }
  }

  @Test
  void lengthsMustMatch() {
    assertThrows(TrawlException.class, () -> Vectors.dot(new float[3], new float[4]));
  }
}
