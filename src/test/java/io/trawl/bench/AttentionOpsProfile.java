package io.trawl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

/**
 * Where one layer's time goes (not a test; docs/performance-llm.md quotes it). Usage: {@code
 * AttentionOpsProfile T PAST REPS ROWS}, run with {@code -Dai.djl.pytorch.num_threads=1} so that
 * every op runs on the calling thread, whose CPU time is measured per op (mean of REPS after one
 * warm-up): one Qwen2-0.5B-shaped layer (hidden 896, 14/2 heads of 64, FFN 4864, random values)
 * for a chunk of T new tokens after PAST cached ones. It times the projections and the MLP; the
 * attention as DecoderLm computed it before 2026-12-07 (an additive [T, S] causal mask, the
 * [heads, T, S] score matrix, mask add, softmax, probabilities times values); two key blocks (cached
 * / new) combined by an online softmax with unfused max/exp/sum ops ("alt"); and blocks of ROWS
 * query rows over the keys they see ("rowblock", the first, head-major form of what DecoderLm now
 * does), with the largest difference of its output from the materialized one.
 */
public final class AttentionOpsProfile {
  static long t0;
  static double lap() { long t = cpu(); double d = (t - t0) / 1e6; t0 = t; return d; }

  static final java.lang.management.ThreadMXBean TMX = java.lang.management.ManagementFactory.getThreadMXBean();
  static long cpu() { return TMX.getCurrentThreadCpuTime(); }

  public static void main(String[] a) {
    int t = Integer.parseInt(a[0]);
    int past = Integer.parseInt(a[1]);
    int reps = Integer.parseInt(a[2]);
    int nh = 14, kvh = 2, hd = 64, rep = 7, hidden = 896, ffn = 4864;
    int total = past + t;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomNormal(new Shape(1, t, hidden));
      NDArray qkvW = m.randomNormal(new Shape((nh + 2 * kvh) * hd, hidden)).mul(0.02f);
      NDArray oW = m.randomNormal(new Shape(hidden, nh * hd)).mul(0.02f);
      NDArray guW = m.randomNormal(new Shape(2 * ffn, hidden)).mul(0.02f);
      NDArray dW = m.randomNormal(new Shape(hidden, ffn)).mul(0.02f);
      NDArray kc = m.randomNormal(new Shape(1, kvh, total, hd));
      NDArray vc = m.randomNormal(new Shape(1, kvh, total, hd));
      double[] acc = new double[17];
      for (int r = 0; r < reps + 1; r++) {
        try (NDManager s = m.newSubManager()) {
          t0 = cpu();
          NDArray qkv = Linear.linear(x, qkvW).singletonOrThrow(); double lq = lap();
          NDArray q = m.randomNormal(new Shape(1, nh, t, hd)); q.attach(s); lap();
          NDArray qIdx = s.arange(past, total).reshape(t, 1);
          NDArray kIdx = s.arange(0, total).reshape(1, total);
          NDArray additive = kIdx.gt(qIdx).toType(DataType.FLOAT32, false).mul(-Float.MAX_VALUE / 2).reshape(1, 1, t, total);
          double lmask = lap();
          NDArray scores = q.mul(0.125f).reshape(1, kvh, rep * t, hd).matMul(kc.transpose(0, 1, 3, 2)).reshape(1, nh, t, total);
          double lsc = lap();
          NDArray added = scores.add(additive); double ladd = lap();
          NDArray probs = added.softmax(3); double lsm = lap();
          NDArray ctx = probs.reshape(1, kvh, rep * t, total).matMul(vc).reshape(1, nh, t, hd).transpose(0, 2, 1, 3).reshape(1, t, nh * hd);
          double lpv = lap();
          NDArray o = Linear.linear(ctx, oW).singletonOrThrow(); double lo = lap();
          NDList gu = Linear.linear(o, guW).singletonOrThrow().split(new long[] {ffn}, 2);
          NDArray act = Activation.swish(gu.get(0), 1f).mul(gu.get(1));
          NDArray y = Linear.linear(act, dW).singletonOrThrow(); double lmlp = lap();
          // alternative: split keys [0,past) unmasked and [past,total) masked, online softmax of two blocks
          NDArray qs = q.mul(0.125f).reshape(1, kvh, rep * t, hd);
          double[] alt = new double[5];
          if (past > 0) {
            NDArray s1 = qs.matMul(kc.get(":, :, 0:" + past + ", :").transpose(0, 1, 3, 2)); alt[0] = lap();
            NDArray m1 = s1.max(new int[] {3}, true);
            NDArray diagMask = s.arange(0, t).reshape(1, t).gt(s.arange(0, t).reshape(t, 1)).toType(DataType.FLOAT32, false).mul(-Float.MAX_VALUE / 2).reshape(1, 1, t, t);
            NDArray s2 = qs.matMul(kc.get(":, :, " + past + ":, :").transpose(0, 1, 3, 2)).reshape(1, nh, t, t).add(diagMask).reshape(1, kvh, rep * t, t);
            NDArray mx = m1.maximum(s2.max(new int[] {3}, true)); alt[1] = lap();
            NDArray p1 = s1.sub(mx).exp(); NDArray p2 = s2.sub(mx).exp(); alt[2] = lap();
            NDArray l = p1.sum(new int[] {3}, true).add(p2.sum(new int[] {3}, true));
            NDArray c = p1.matMul(vc.get(":, :, 0:" + past + ", :")).add(p2.matMul(vc.get(":, :, " + past + ":, :"))).div(l); alt[3] = lap();
            // check equality with reference
            NDArray ref = probs.reshape(1, kvh, rep * t, total).matMul(vc);
            alt[4] = ref.sub(c).abs().max().getFloat();
            lap();
          }
          int rb = Integer.parseInt(a[3]);
          lap();
          NDArray tri = s.arange(0, rb).reshape(1, rb).gt(s.arange(0, rb).reshape(rb, 1)).toType(DataType.FLOAT32, false).mul(-Float.MAX_VALUE / 2);
          NDList outs = new NDList();
          NDArray qsc = q.mul(0.125f);
          NDArray kt = kc.transpose(0, 1, 3, 2);
          for (int r0 = 0; r0 < t; r0 += rb) {
            try (NDManager bs = s.newSubManager()) {
              int r1 = Math.min(t, r0 + rb);
              int rr = r1 - r0;
              int sb = past + r1;
              NDArray qb = qsc.get(":, :, " + r0 + ":" + r1 + ", :");
              qb.attach(bs);
              long u0 = cpu();
              NDArray sc = qb.reshape(1, kvh, rep * rr, hd).matMul(kt.get(":, :, :, 0:" + sb)).reshape(1, nh, rr, sb);
              long u1 = cpu();
              NDArray tr = rr == rb ? tri : tri.get("0:" + rr + ", 0:" + rr);
              sc.set(new ai.djl.ndarray.index.NDIndex(":, :, :, " + (past + r0) + ":"), v -> v.add(tr));
              long u2 = cpu();
              NDArray pb = sc.softmax(3);
              long u3 = cpu();
              NDArray cb = pb.reshape(1, kvh, rep * rr, sb).matMul(vc.get(":, :, 0:" + sb + ", :")).reshape(1, nh, rr, hd);
              long u4 = cpu();
              if (r > 0) { acc[13] += (u1 - u0) / 1e6 / reps; acc[14] += (u2 - u1) / 1e6 / reps; acc[15] += (u3 - u2) / 1e6 / reps; acc[16] += (u4 - u3) / 1e6 / reps; }
              cb.attach(s);
              outs.add(cb);
            }
          }
          NDArray ctx2 = NDArrays.concat(outs, 2).transpose(0, 2, 1, 3).reshape(1, t, nh * hd);
          double lrb = lap();
          System.err.printf("rowblock diff %.3g%n", ctx2.sub(ctx).abs().max().getFloat());
          if (r > 0) {
            acc[12] += lrb / reps;
            double[] v = {lq, lmask, lsc, ladd, lsm, lpv, lo, lmlp, alt[0], alt[1], alt[2], alt[3]};
            for (int i = 0; i < v.length; i++) acc[i] += v[i] / reps;
            System.err.printf("maxdiff %.3g%n", alt[4]);
          }
        }
      }
      String[] names = {"qkv", "mask", "scores", "maskadd", "softmax", "pv", "o", "mlp", "alt:s1", "alt:s2+max", "alt:exp", "alt:sum+pv", "rowblock", "rb:sc", "rb:mask", "rb:softmax", "rb:pv"};
      for (int i = 0; i < names.length; i++) System.out.printf("%-12s %8.1f ms%n", names[i], acc[i]);
    }
  }
}
