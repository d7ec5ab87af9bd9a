package io.trawl.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products whose result is fixed by the inputs alone, on every CPU.
 *
 * <p>A library dot product (Lucene's {@code VectorUtil}, BLAS) sums in as many lanes as the
 * machine's widest vector, so an AVX2 and an AVX-512 machine add in different orders and can
 * differ in the last bits, which is enough to swap two tied documents. Here the sum always runs
 * in 16 partial sums, element {@code i} into partial {@code i % 16} by fused multiply-add; then
 * lane {@code j} of 4 is {@code (p[j] + p[j+4]) + (p[j+8] + p[j+12])}, the total {@code (l0 + l1) +
 * (l2 + l3)}, and the elements beyond the last whole group of 16 are added one by one by fused
 * multiply-add. With the JDK's vector module that runs in 128-bit vectors (every x86-64 and Arm
 * machine has them); without it, as the same operations in scalar code: the same bits either way.
 */
public final class Vectors {
  private Vectors() {}

  /** Whether the JDK's vector module is present (the JVM started with {@code --add-modules jdk.incubator.vector}). */
  public static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** {@code sum_i a[i] * b[i]} in Trawl's fixed order; the arrays must have equal lengths. */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw TrawlException.invalid("vector dimensions differ: " + a.length + " vs " + b.length);
    }
    return SIMD ? Simd.dot(a, b) : scalar(a, b);
  }

  /** The same order in scalar operations (also the reference the tests compare with). */
  static float scalar(float[] a, float[] b) {
    int n = a.length;
    int end = n - n % 16;
    float[] p = new float[16];
    for (int i = 0; i < end; i++) {
      p[i & 15] = Math.fma(a[i], b[i], p[i & 15]);
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

  /** Loaded only where the vector module is present. */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;

    static float dot(float[] a, float[] b) {
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
      // s0 holds partials 0-3, s1 4-7, s2 8-11, s3 12-15
      FloatVector t = s0.add(s1).add(s2.add(s3));
      float sum = (t.lane(0) + t.lane(1)) + (t.lane(2) + t.lane(3));
      for (int i = end; i < n; i++) {
        sum = Math.fma(a[i], b[i], sum);
      }
      return sum;
    }
  }
}
