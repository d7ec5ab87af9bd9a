package io.trawl.model.encoder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The arithmetic of the exact encoder, written so that every output bit is fixed by the inputs
 * alone, whatever the CPU (AVX2, AVX-512, Arm NEON/SVE), the vector width the JVM picks, the
 * thread count or the batch.
 *
 * <p>Why that holds, by construction:
 *
 * <ul>
 *   <li>Java's float arithmetic is IEEE 754 binary32 with round-to-nearest, and the JIT may not
 *       reorder or contract it ({@code a * b + c} is never turned into a fused multiply-add).
 *   <li>Every sum runs in one fixed order. A matrix product accumulates each output element as
 *       one chain of fused multiply-adds over the inner index, {@code acc = fma(a[i][p], b[p][j],
 *       acc)} for {@code p = 0, 1, ...}, starting at 0. Vector lanes run over the <em>output</em>
 *       columns {@code j}, never over {@code p}, so the vector width changes how many chains run
 *       side by side, not any chain's order. {@code FloatVector.fma} and {@link Math#fma} are both
 *       exactly rounded fused operations, so the vector body and the scalar tail agree bit for
 *       bit.
 *   <li>No library transcendental is used: {@link #exp} and {@link #erf} are built from
 *       additions, multiplications, fused multiply-adds, one division and exact power-of-two
 *       scaling, each specified bit for bit by IEEE 754.
 *   <li>Reductions that are not matrix products (layer-norm moments, softmax sums) are plain
 *       sequential loops in double.
 * </ul>
 *
 * <p>The species is {@link FloatVector#SPECIES_PREFERRED} for speed (a constant, as the Vector
 * API needs for compiled vector code); the tests run the same computation in JVMs limited to
 * 128-bit and 256-bit vectors ({@code -XX:MaxVectorSize}, {@code -XX:UseAVX=2}) and require the
 * same bits.
 */
final class Kernels {
  private Kernels() {}

  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int VL = SPECIES.length();

  /**
   * {@code c[i][j] = sum_p a[i][p] * b[p][j]} (plus {@code bias[j]} when not null, added after
   * the sum), for {@code i < m, j < n, p < k}. Row-major with leading dimensions
   * {@code lda, ldb, ldc} and offsets.
   */
  static void matmul(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] bias,
      float[] c, int cOff, int ldc, int m, int n, int k) {
    int vl = VL;
    int nv = n - n % vl; // columns done with vectors
    int j = 0;
    for (; j + 2 * vl <= nv; j += 2 * vl) {
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        tile4x2(a, aOff + i * lda, lda, b, bOff + j, ldb, k, bias, j, c, cOff + i * ldc + j, ldc);
      }
      for (; i < m; i++) {
        tile1x2(a, aOff + i * lda, b, bOff + j, ldb, k, bias, j, c, cOff + i * ldc + j);
      }
    }
    for (; j < nv; j += vl) {
      for (int i = 0; i < m; i++) {
        tile1x1(a, aOff + i * lda, b, bOff + j, ldb, bias, j, c, cOff + i * ldc + j, k);
      }
    }
    for (; j < n; j++) {
      for (int i = 0; i < m; i++) {
        int ar = aOff + i * lda;
        float acc = 0f;
        for (int p = 0; p < k; p++) {
          acc = Math.fma(a[ar + p], b[bOff + p * ldb + j], acc);
        }
        c[cOff + i * ldc + j] = bias == null ? acc : acc + bias[j];
      }
    }
  }

  /**
   * A weight matrix {@code [k, n]} stored for {@link #matmul(float[], int, int, Packed, float[],
   * float[], int, int, int)}: column panels of {@code 2 * VL} floats, each panel {@code k} rows
   * long and contiguous, so a tile streams through memory (columns padded with zeros to whole
   * panels). Only the layout changes; the arithmetic is {@link #matmul}'s.
   */
  static final class Packed {
    final int k;
    final int n;
    final float[] data;

    Packed(float[] b, int k, int n) {
      int w = 2 * VL;
      int panels = (n + w - 1) / w;
      this.k = k;
      this.n = n;
      this.data = new float[panels * k * w];
      for (int j = 0, o = 0; j < n; j += w) {
        int cols = Math.min(w, n - j);
        for (int p = 0; p < k; p++, o += w) {
          System.arraycopy(b, p * n + j, data, o, cols);
        }
      }
    }
  }

  /**
   * {@code c[i][j] = sum_p a[i][p] * b[p][j] + bias[j]} for a packed {@code b}: the same chains of
   * fused multiply-adds as {@link #matmul(float[], int, int, float[], int, int, float[], float[],
   * int, int, int, int, int)}, hence the same bits.
   */
  static void matmul(float[] a, int aOff, int lda, Packed b, float[] bias, float[] c, int cOff,
      int ldc, int m) {
    int w = 2 * VL, k = b.k, n = b.n;
    float[] edge = null;
    for (int j = 0, panel = 0; j < n; j += w, panel += k * w) {
      boolean full = j + w <= n;
      if (!full && edge == null) {
        edge = new float[4 * w];
      }
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        if (full) {
          tile4x2(a, aOff + i * lda, lda, b.data, panel, w, k, bias, j, c, cOff + i * ldc + j, ldc);
        } else {
          tile4x2(a, aOff + i * lda, lda, b.data, panel, w, k, null, 0, edge, 0, w);
          copyEdge(edge, 4, w, bias, j, n, c, cOff + i * ldc, ldc);
        }
      }
      for (; i < m; i++) {
        if (full) {
          tile1x2(a, aOff + i * lda, b.data, panel, w, k, bias, j, c, cOff + i * ldc + j);
        } else {
          tile1x2(a, aOff + i * lda, b.data, panel, w, k, null, 0, edge, 0);
          copyEdge(edge, 1, w, bias, j, n, c, cOff + i * ldc, ldc);
        }
      }
    }
  }

  private static void copyEdge(float[] edge, int rows, int w, float[] bias, int j, int n, float[] c,
      int cRow, int ldc) {
    for (int r = 0; r < rows; r++) {
      for (int q = j; q < n; q++) {
        float acc = edge[r * w + q - j];
        c[cRow + r * ldc + q] = bias == null ? acc : acc + bias[q];
      }
    }
  }

  /**
   * A 4-row by 2-vector tile: rows {@code a[ar + r*lda ..]}, the tile's columns of {@code b}
   * starting at {@code bj} with {@code bStride} floats between consecutive inner indices (the
   * row length of a plain matrix, or the panel width of a {@link Packed} one).
   */
  private static void tile4x2(float[] a, int ar, int lda, float[] b, int bj, int bStride, int k,
      float[] bias, int j, float[] c, int cr, int ldc) {
    int vl = VL;
    FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
    FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
    FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
    FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
    int a0 = ar, a1 = ar + lda, a2 = ar + 2 * lda, a3 = ar + 3 * lda;
    for (int p = 0, bp = bj; p < k; p++, bp += bStride) {
      FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
      FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + vl);
      FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + p]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(SPECIES, a[a1 + p]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(SPECIES, a[a2 + p]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(SPECIES, a[a3 + p]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    if (bias != null) {
      FloatVector bb0 = FloatVector.fromArray(SPECIES, bias, j);
      FloatVector bb1 = FloatVector.fromArray(SPECIES, bias, j + vl);
      c00 = c00.add(bb0);
      c01 = c01.add(bb1);
      c10 = c10.add(bb0);
      c11 = c11.add(bb1);
      c20 = c20.add(bb0);
      c21 = c21.add(bb1);
      c30 = c30.add(bb0);
      c31 = c31.add(bb1);
    }
    c00.intoArray(c, cr);
    c01.intoArray(c, cr + vl);
    c10.intoArray(c, cr + ldc);
    c11.intoArray(c, cr + ldc + vl);
    c20.intoArray(c, cr + 2 * ldc);
    c21.intoArray(c, cr + 2 * ldc + vl);
    c30.intoArray(c, cr + 3 * ldc);
    c31.intoArray(c, cr + 3 * ldc + vl);
  }

  private static void tile1x2(float[] a, int ar, float[] b, int bj, int bStride, int k,
      float[] bias, int j, float[] c, int cr) {
    int vl = VL;
    FloatVector c0 = FloatVector.zero(SPECIES), c1 = FloatVector.zero(SPECIES);
    for (int p = 0, bp = bj; p < k; p++, bp += bStride) {
      FloatVector x = FloatVector.broadcast(SPECIES, a[ar + p]);
      c0 = x.fma(FloatVector.fromArray(SPECIES, b, bp), c0);
      c1 = x.fma(FloatVector.fromArray(SPECIES, b, bp + vl), c1);
    }
    if (bias != null) {
      c0 = c0.add(FloatVector.fromArray(SPECIES, bias, j));
      c1 = c1.add(FloatVector.fromArray(SPECIES, bias, j + vl));
    }
    c0.intoArray(c, cr);
    c1.intoArray(c, cr + vl);
  }

  private static void tile1x1(float[] a, int ar, float[] b, int bj,
      int ldb, float[] bias, int j, float[] c, int cr, int k) {
    FloatVector c0 = FloatVector.zero(SPECIES);
    for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
      c0 = FloatVector.broadcast(SPECIES, a[ar + p]).fma(FloatVector.fromArray(SPECIES, b, bp), c0);
    }
    if (bias != null) {
      c0 = c0.add(FloatVector.fromArray(SPECIES, bias, j));
    }
    c0.intoArray(c, cr);
  }

  // ---- exp -------------------------------------------------------------------------------

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693145751953125f; // exact in 16 bits
  private static final float LN2_LO = 1.42860682030941723212e-6f;
  private static final float ROUND = 12582912f; // 1.5 * 2^23: x + ROUND - ROUND rounds to integer
  /** Below this, {@link #exp} returns 0 (the true value is under 2^-126). */
  static final float EXP_MIN = -87.33654f;

  /**
   * e^x for {@code x <= 0} (softmax after subtracting the row maximum), to about 1 ulp, from
   * operations whose results IEEE 754 fixes: {@code x = n ln2 + r} with n rounded to nearest and
   * {@code |r| <= ln2/2} (Cody-Waite, two-part ln2), e^r by its Taylor polynomial to degree 7 in
   * Horner form with fused multiply-adds, then an exact scaling by 2^n. {@link #expVector} is the
   * same sequence of operations lane by lane.
   */
  static float exp(float x) {
    if (x < EXP_MIN) {
      return 0f;
    }
    float n = (x * LOG2E + ROUND) - ROUND;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = 1f / 5040f;
    p = Math.fma(p, r, 1f / 720f);
    p = Math.fma(p, r, 1f / 120f);
    p = Math.fma(p, r, 1f / 24f);
    p = Math.fma(p, r, 1f / 6f);
    p = Math.fma(p, r, 0.5f);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    return p * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  private static FloatVector expVector(FloatVector x) {
    FloatVector n = x.mul(LOG2E).add(ROUND).sub(ROUND);
    FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(SPECIES, 1f / 5040f);
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 720f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
    VectorMask<Float> under = x.lt(EXP_MIN);
    IntVector bits = ((IntVector) n.blend(0f, under).convert(VectorOperators.F2I, 0))
        .add(127).lanewise(VectorOperators.LSHL, 23);
    return p.mul(bits.reinterpretAsFloats()).blend(0f, under);
  }

  // ---- erf and GELU ----------------------------------------------------------------------

  /*
   * erf(z) = z P(z^2) / Q(z^2) for |z| < 4 (a rational fit, made for Trawl by iteratively
   * reweighted least squares on Chebyshev nodes; relative error below 2.1e-9 in double), and
   * +-1 beyond (erf(4) = 1 - 1.5e-8 rounds to 1 in float). Evaluated in double, so the GELU
   * result is within a float ulp of the true value.
   */
  private static final double P0 = 1.12837916937239, P1 = 0.18520322985571863,
      P2 = 0.05431695022332559, P3 = 0.003849617081777451, P4 = 0.0003796104742787406,
      P5 = 4.684818464911349e-06, P6 = -1.320243653910426e-08;
  private static final double Q1 = 0.4974655027971732, Q2 = 0.11395845298721309,
      Q3 = 0.015462106135366655, Q4 = 0.0013075732174660628, Q5 = 6.311097472948469e-05;
  private static final double ERF_MAX = 4;
  private static final double INV_SQRT2 = 0.7071067811865476;
  static final VectorSpecies<Double> DSPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int DVL = DSPECIES.length();

  /** erf in double, by the rational fit above. */
  static double erf(double z) {
    double a = Math.abs(z);
    if (!(a < ERF_MAX)) {
      return Double.isNaN(z) ? z : Math.copySign(1.0, z);
    }
    double u = z * z;
    double p = Math.fma(P6, u, P5);
    p = Math.fma(p, u, P4);
    p = Math.fma(p, u, P3);
    p = Math.fma(p, u, P2);
    p = Math.fma(p, u, P1);
    p = Math.fma(p, u, P0);
    double q = Math.fma(Q5, u, Q4);
    q = Math.fma(q, u, Q3);
    q = Math.fma(q, u, Q2);
    q = Math.fma(q, u, Q1);
    q = Math.fma(q, u, 1.0);
    return z * (p / q);
  }

  /** GELU with the exact erf, {@code 0.5 x (1 + erf(x / sqrt 2))}, in double. */
  static double gelu(double x) {
    return 0.5 * x * (1.0 + erf(x * INV_SQRT2));
  }

  private static DoubleVector geluVector(DoubleVector x) {
    DoubleVector z = x.mul(INV_SQRT2);
    DoubleVector u = z.mul(z);
    DoubleVector p = DoubleVector.broadcast(DSPECIES, P6).fma(u, DoubleVector.broadcast(DSPECIES, P5));
    p = p.fma(u, DoubleVector.broadcast(DSPECIES, P4));
    p = p.fma(u, DoubleVector.broadcast(DSPECIES, P3));
    p = p.fma(u, DoubleVector.broadcast(DSPECIES, P2));
    p = p.fma(u, DoubleVector.broadcast(DSPECIES, P1));
    p = p.fma(u, DoubleVector.broadcast(DSPECIES, P0));
    DoubleVector q = DoubleVector.broadcast(DSPECIES, Q5).fma(u, DoubleVector.broadcast(DSPECIES, Q4));
    q = q.fma(u, DoubleVector.broadcast(DSPECIES, Q3));
    q = q.fma(u, DoubleVector.broadcast(DSPECIES, Q2));
    q = q.fma(u, DoubleVector.broadcast(DSPECIES, Q1));
    q = q.fma(u, DoubleVector.broadcast(DSPECIES, 1.0));
    DoubleVector erf = z.mul(p.div(q));
    VectorMask<Double> big = z.abs().compare(VectorOperators.GE, ERF_MAX);
    DoubleVector sign = DoubleVector.broadcast(DSPECIES, 1.0).blend(-1.0, z.lt(0.0));
    erf = erf.blend(sign, big);
    return x.mul(0.5).mul(erf.add(1.0));
  }

  /** GELU in place over {@code v[off..off+len)}, through a double scratch array. */
  static void gelu(float[] v, int off, int len, double[] scratch) {
    for (int i = 0; i < len; i++) {
      scratch[i] = v[off + i];
    }
    int i = 0;
    for (int end = len - len % DVL; i < end; i += DVL) {
      geluVector(DoubleVector.fromArray(DSPECIES, scratch, i)).intoArray(scratch, i);
    }
    for (; i < len; i++) {
      scratch[i] = gelu(scratch[i]);
    }
    for (int j = 0; j < len; j++) {
      v[off + j] = (float) scratch[j];
    }
  }

  // ---- normalisation and softmax --------------------------------------------------------

  /**
   * Layer normalisation of each of {@code rows} rows of width {@code n}, in place:
   * {@code (x - mean) / sqrt(var + eps) * w + b}, moments in double, sequentially.
   */
  static void layerNorm(float[] x, int off, int rows, int n, float[] w, float[] b, double eps) {
    for (int r = 0; r < rows; r++) {
      int o = off + r * n;
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += x[o + j];
      }
      double mean = sum / n;
      double sq = 0;
      for (int j = 0; j < n; j++) {
        double d = x[o + j] - mean;
        sq += d * d;
      }
      double inv = 1.0 / Math.sqrt(sq / n + eps);
      for (int j = 0; j < n; j++) {
        x[o + j] = (float) ((x[o + j] - mean) * inv) * w[j] + b[j];
      }
    }
  }

  /**
   * Softmax of {@code v[off..off+len) / divisor}, in place: divided, maximum subtracted,
   * exponentiated lane by lane, summed sequentially in double, scaled by the float reciprocal.
   */
  static void softmax(float[] v, int off, int len, float divisor) {
    int end = off + len - len % VL;
    float max = Float.NEGATIVE_INFINITY;
    int i = off;
    for (; i < end; i += VL) {
      FloatVector x = FloatVector.fromArray(SPECIES, v, i).div(divisor);
      x.intoArray(v, i);
      max = Math.max(max, x.reduceLanes(VectorOperators.MAX));
    }
    for (; i < off + len; i++) {
      v[i] /= divisor;
      max = Math.max(max, v[i]);
    }
    for (i = off; i < end; i += VL) {
      expVector(FloatVector.fromArray(SPECIES, v, i).sub(max)).intoArray(v, i);
    }
    for (; i < off + len; i++) {
      v[i] = exp(v[i] - max);
    }
    double sum = 0;
    for (i = off; i < off + len; i++) {
      sum += v[i];
    }
    float inv = (float) (1.0 / sum);
    for (i = off; i < end; i += VL) {
      FloatVector.fromArray(SPECIES, v, i).mul(inv).intoArray(v, i);
    }
    for (; i < off + len; i++) {
      v[i] *= inv;
    }
  }

}
