package io.trawl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.trawl.model.ComputeOptions;
import io.trawl.model.SafeTensors.DType;
import io.trawl.model.SafeTensorsWriter;
import io.trawl.model.T5Config;
import io.trawl.model.HfConfig;
import io.trawl.model.T5Model;
import io.trawl.rerank.MonoT5Reranker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * monoT5 throughput benchmark (not a test): writes a random T5-base-shaped checkpoint (d_model 768,
 * 12+12 layers, d_ff 3072, 12 heads, vocab 32128, ReLU, tied) with {@link SafeTensorsWriter},
 * measures the libtorch matmul ceiling in the same process, then scores batches of 512-token
 * inputs (encoder, one decoder step, the two monoT5 logits: what {@link MonoT5Reranker#scoreBatch}
 * does) and reports candidates/s and the encoder's
 * achieved GFLOP/s against the ceiling.
 *
 * <p>Flags: {@code --dir DIR} (model folder, default target/bench/t5-base-random), {@code --batches
 * 1,2,4,8,16,32}, {@code --length 512}, {@code --reps 1}, {@code --device cpu|gpu|auto},
 * {@code --dtype float32|float16|bfloat16}, {@code --threads N}, {@code --layers 12} (fewer layers
 * for a quick look; FLOPs are counted for what runs). See bin/bench-monot5.
 */
public final class MonoT5Bench {
  private MonoT5Bench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of("target/bench/t5-base-random");
    int[] batches = {1, 2, 4, 8, 16, 32};
    int length = 512;
    int reps = 1;
    int layers = 12;
    String device = "cpu";
    String dtype = "float32";
    int threads = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--batches" -> batches = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--length" -> length = Integer.parseInt(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--layers" -> layers = Integer.parseInt(args[++i]);
        case "--device" -> device = args[++i];
        case "--dtype" -> dtype = args[++i];
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    dir = dir.resolve("layers" + layers);
    if (!Files.exists(dir.resolve("model.safetensors"))) {
      long t0 = System.nanoTime();
      writeRandomT5Base(dir, layers);
      System.out.printf(Locale.ROOT, "wrote %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
    }
    ComputeOptions options = new ComputeOptions(device, dtype, threads);
    try (T5Model model = T5Model.load(dir, options)) {
      System.out.printf(Locale.ROOT, "device %s, dtype %s, libtorch threads %d, length %d, layers %d+%d%n",
          options.resolveDevice(), model.dataType(), ai.djl.pytorch.jni.JniUtils.getNumThreads(), length,
          model.config().numLayers(), model.config().numDecoderLayers());
      double ceiling1024 = matmulGflops(model, 1024, 1024, 1024);
      double ceilingFfn = matmulGflops(model, 4096, 768, 3072);
      double ceiling = Math.max(ceiling1024, ceilingFfn);
      System.out.printf(Locale.ROOT, "matmul ceiling: 1024x1024x1024 %.1f GFLOP/s, 4096x768x3072 %.1f GFLOP/s%n",
          ceiling1024, ceilingFfn);
      NDArray pair = model.headRows(6136, 1176);
      SplittableRandom rnd = new SplittableRandom(42);
      // warm-up (allocator, kernels)
      MonoT5Reranker.scoreBatch(model, pair, rows(rnd, 1, Math.min(64, length)));
      double flopsPerCand = T5Model.encoderFlops(model.config(), length);
      double totalPerCand = flopsPerCand + T5Model.decoderFirstStepFlops(model.config(), length);
      System.out.printf(Locale.ROOT, "FLOPs per candidate: encoder %.1f GFLOP, encoder + first decoder step %.1f GFLOP%n",
          flopsPerCand / 1e9, totalPerCand / 1e9);
      System.out.println();
      System.out.println("| batch | candidates/s | s/batch (all) | s/batch (encoder) | encoder GFLOP/s | encoder % of ceiling | all GFLOP/s | all % of ceiling |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (int b : batches) {
        List<Double> all = new ArrayList<>();
        List<Double> enc = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
          int[][] in = rows(rnd, b, length);
          long t0 = System.nanoTime();
          long t1;
          try (NDManager m = model.manager().newSubManager()) {
            T5Model.EncoderOutput e = model.encode(m, in);
            e.hidden().get(0, 0, 0).toFloatArray(); // synchronize (GPU)
            t1 = System.nanoTime();
            try (T5Model.Decoder dec = model.decoder(m, e)) {
              int[][] start = new int[b][1];
              model.logits(dec.step(start), pair).toType(DataType.FLOAT32, false).toFloatArray();
            }
          }
          long t2 = System.nanoTime();
          enc.add((t1 - t0) / 1e9);
          all.add((t2 - t0) / 1e9);
        }
        double sAll = median(all);
        double sEnc = median(enc);
        double gf = flopsPerCand * b / sEnc / 1e9;
        double gfAll = totalPerCand * b / sAll / 1e9;
        System.out.printf(Locale.ROOT, "| %d | %.3f | %.2f | %.2f | %.1f | %.0f%% | %.1f | %.0f%% |%n", b, b / sAll, sAll,
            sEnc, gf, 100 * gf / ceiling, gfAll, 100 * gfAll / ceiling);
        System.out.flush();
      }
    }
  }

  static int[][] rows(SplittableRandom rnd, int b, int length) {
    int[][] out = new int[b][length];
    for (int[] r : out) {
      for (int j = 0; j < length - 1; j++) {
        r[j] = 2 + rnd.nextInt(32000);
      }
      r[length - 1] = 1;
    }
    return out;
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  /** Best of 5 timed float matmuls [m,k] x [k,n] in the model's dtype and device. */
  static double matmulGflops(T5Model model, int m, int k, int n) {
    try (NDManager mg = model.manager().newSubManager()) {
      NDArray a = mg.randomNormal(new Shape(m, k)).toType(model.dataType(), false);
      NDArray b = mg.randomNormal(new Shape(k, n)).toType(model.dataType(), false);
      a.matMul(b).get(0, 0).toFloatArray();
      double best = 0;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        NDArray c = a.matMul(b);
        c.get(0, 0).toFloatArray();
        double s = (System.nanoTime() - t0) / 1e9;
        c.close();
        best = Math.max(best, 2.0 * m * k * n / s / 1e9);
      }
      return best;
    }
  }

  /** Writes config.json and a random model.safetensors with T5-base shapes (v1.0, tied). */
  static void writeRandomT5Base(Path dir, int layers) throws IOException {
    Files.createDirectories(dir);
    int d = 768;
    int ff = 3072;
    int h = 12;
    int dkv = 64;
    int v = 32128;
    Files.writeString(dir.resolve("config.json"), """
        {"architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "d_model": %d, "d_ff": %d,
         "d_kv": %d, "num_heads": %d, "num_layers": %d, "num_decoder_layers": %d, "vocab_size": %d,
         "feed_forward_proj": "relu", "tie_word_embeddings": true, "relative_attention_num_buckets": 32,
         "relative_attention_max_distance": 128, "layer_norm_epsilon": 1e-6, "decoder_start_token_id": 0,
         "eos_token_id": 1, "pad_token_id": 0}
        """.formatted(d, ff, dkv, h, layers, layers, v));
    SafeTensorsWriter w = new SafeTensorsWriter();
    long[] seed = {1};
    add(w, "shared.weight", new long[] {v, d}, 1.0f, seed);
    for (String stack : new String[] {"encoder", "decoder"}) {
      add(w, stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight", new long[] {32, h}, 0.5f, seed);
      for (int i = 0; i < layers; i++) {
        String p = stack + ".block." + i + ".";
        List<String> attn = new ArrayList<>(List.of("layer.0.SelfAttention."));
        if (stack.equals("decoder")) {
          attn.add("layer.1.EncDecAttention.");
        }
        for (String a : attn) {
          for (String x : new String[] {"q", "k", "v"}) {
            add(w, p + a + x + ".weight", new long[] {h * dkv, d}, (float) Math.pow(d, -0.5) * 0.5f, seed);
          }
          add(w, p + a + "o.weight", new long[] {d, h * dkv}, (float) Math.pow(h * dkv, -0.5), seed);
        }
        int ffLayer = stack.equals("decoder") ? 2 : 1;
        for (int l = 0; l <= ffLayer; l++) {
          ones(w, p + "layer." + l + ".layer_norm.weight", d);
        }
        add(w, p + "layer." + ffLayer + ".DenseReluDense.wi.weight", new long[] {ff, d}, (float) Math.pow(d, -0.5), seed);
        add(w, p + "layer." + ffLayer + ".DenseReluDense.wo.weight", new long[] {d, ff}, (float) Math.pow(ff, -0.5), seed);
      }
      ones(w, stack + ".final_layer_norm.weight", d);
    }
    w.write(dir.resolve("model.safetensors"));
    HfConfig.load(dir); // sanity: readable
    T5Config.from(HfConfig.load(dir), "bench");
  }

  private static void ones(SafeTensorsWriter w, String name, int n) {
    float[] f = new float[n];
    Arrays.fill(f, 1f);
    w.add(name, new long[] {n}, f);
  }

  /** Uniform random values in [-std*sqrt3, std*sqrt3] (variance std^2), generated while writing. */
  private static void add(SafeTensorsWriter w, String name, long[] shape, float std, long[] seed) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    long count = n;
    long s0 = seed[0]++ * 0x9E3779B97F4A7C15L;
    float scale = (float) (std * Math.sqrt(3.0));
    w.add(name, DType.F32, shape, buf -> {
      SplittableRandom r = new SplittableRandom(s0);
      for (long i = 0; i < count; i++) {
        buf.putFloat(scale * (float) (2 * r.nextDouble() - 1));
      }
    });
  }
}
