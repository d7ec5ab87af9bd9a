package io.trawl.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code random.Random} where Trawl must reproduce a Python program's random choices bit
 * for bit (llm-rankers' setwise {@code num_permutation}): the Mersenne Twister MT19937 seeded as
 * {@code random.seed(n)} seeds it for a non-negative integer n ({@code init_by_array} over the
 * 32-bit words of n, least significant first), {@code getrandbits(k)} for k in 1..32, {@code
 * _randbelow(n)} (rejection sampling on {@code n.bit_length()} bits), {@code sample(population, k)}
 * and {@code choice(seq)} as CPython 3.9-3.12 write them. {@code sample} is implemented for the
 * populations on which CPython uses its pool method (at most 21 elements, or more when k > 5; see
 * {@link #sample}); a larger population is refused rather than sampled differently. Not
 * thread-safe.
 */
public final class PyRandom {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int mti;

  /** {@code random.Random(seed)} / {@code random.seed(seed)} for {@code seed >= 0}. */
  public PyRandom(long seed) {
    if (seed < 0) {
      throw new IllegalArgumentException("seed must be >= 0, got " + seed);
    }
    int hi = (int) (seed >>> 32);
    int[] key = hi == 0 ? new int[] {(int) seed} : new int[] {(int) seed, hi};
    initByArray(key);
  }

  private PyRandom(PyRandom other) {
    System.arraycopy(other.mt, 0, mt, 0, N);
    mti = other.mti;
  }

  /** A generator in this one's state ({@code setstate(getstate())}), drawing independently from here on. */
  public PyRandom copy() {
    return new PyRandom(this);
  }

  private void initGenrand(int s) {
    mt[0] = s;
    for (mti = 1; mti < N; mti++) {
      mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
    }
  }

  private void initByArray(int[] key) {
    initGenrand(19650218);
    int i = 1;
    int j = 0;
    for (int k = Math.max(N, key.length); k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) {
        j = 0;
      }
    }
    for (int k = N - 1; k > 0; k--) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    mti = N;
  }

  /** The next 32-bit output of MT19937 ({@code genrand_uint32}), as an unsigned value. */
  long nextUint32() {
    if (mti >= N) {
      int kk;
      for (kk = 0; kk < N - M; kk++) {
        int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      }
      int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
      mti = 0;
    }
    int y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  /** {@code getrandbits(k)} for k in 1..32: the top k bits of one 32-bit output. */
  public long getrandbits(int k) {
    if (k < 1 || k > 32) {
      throw new IllegalArgumentException("k must be in 1..32, got " + k);
    }
    return nextUint32() >>> (32 - k);
  }

  /** {@code _randbelow(n)} for n >= 1: {@code n.bit_length()} random bits until the value is below n. */
  public int randbelow(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    int k = 32 - Integer.numberOfLeadingZeros(n);
    long r = getrandbits(k);
    while (r >= n) {
      r = getrandbits(k);
    }
    return (int) r;
  }

  /** {@code choice(seq)}: {@code seq[_randbelow(len(seq))]}. */
  public <T> T choice(List<T> seq) {
    if (seq.isEmpty()) {
      throw new IllegalArgumentException("choice from an empty sequence");
    }
    return seq.get(randbelow(seq.size()));
  }

  /**
   * {@code sample(population, k)} by CPython's pool method: for i in 0..k-1, j = _randbelow(n - i),
   * take pool[j] and move the pool's last live element into its place. CPython uses that method
   * when n <= 21 + (k > 5 ? 4^ceil(log4(3k)) : 0); other populations are refused.
   */
  public <T> List<T> sample(List<T> population, int k) {
    int n = population.size();
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("sample larger than population or is negative");
    }
    long setsize = 21;
    if (k > 5) {
      long p = 1;
      while (p < 3L * k) { // 4^ceil(log(3k, 4)), exact in integers (3k is never a power of 4)
        p *= 4;
      }
      setsize += p;
    }
    if (n > setsize) {
      throw new IllegalArgumentException("sample of " + k + " from " + n + ": CPython uses its set method there,"
          + " which is not implemented");
    }
    List<T> pool = new ArrayList<>(population);
    List<T> result = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      int j = randbelow(n - i);
      result.add(pool.get(j));
      pool.set(j, pool.get(n - i - 1));
    }
    return result;
  }
}
