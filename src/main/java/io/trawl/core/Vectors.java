package io.trawl.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products whose result is fixed by the inputs alone, on every CPU.
 *
 * <p>A library dot product (Lucene's {@code VectorUtil}, BLAS) sums in as many lanes as the
 * machine's widest vector, so an AVX2 and an AVX-512 machine add in different orders and can
 * differ in the last bits, which is enough to swap two tied documents. Here the sum always runs
 * in 16 partial sums, element {@code i} into partial {@code i % 16} by fused multiply-add, in
 * 128-bit vectors (which every x86-64 and Arm machine has; without vector support the JDK's
 * fallback does the same operations), then the partials are added in a fixed tree order and the
 * elements beyond the last whole group of 16 one by one.
 */
public final class Vectors {
  private Vectors() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

  /** {@code sum_i a[i] * b[i]} in Trawl's fixed order; the arrays must have equal lengths. */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw TrawlException.invalid("vector dimensions differ: " + a.length + " vs " + b.length);
    }
    int n = a.length;
    int end = n - n % 16;
    FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
    FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
    for (int i = 0; i < end; i += 16) {
      s0 = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), s0);
      s1 = FloatVector.fromArray(S, a, i + 4).fma(FloatVector.fromArray(S, b, i + 4), s1);
      s2 = FloatVector.fromArray(S, a, i + 8).fma(FloatVector.fromArray(S, b, i + 8), s2);
      s3 = FloatVector.fromArray(S, a, i + 12).fma(FloatVector.fromArray(S, b, i + 12), s3);
    }
    // lanes: s0 = partials 0-3, s1 = 4-7, s2 = 8-11, s3 = 12-15; fixed tree
    FloatVector t = s0.add(s1).add(s2.add(s3)); // partial j + (j+4) ... lane-wise
    float sum = (t.lane(0) + t.lane(1)) + (t.lane(2) + t.lane(3));
    for (int i = end; i < n; i++) {
      sum = Math.fma(a[i], b[i], sum);
    }
    return sum;
  }
}
