package io.trawl.model.encoder;

import io.trawl.model.SafeTensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BERT encoder (Devlin et al. 2019; the architecture of bge-small-en-v1.5, all-MiniLM-L6-v2 and
 * E5) whose forward pass is plain Java: embeddings (word + token type 0 + position) and layer
 * norm, then per layer multi-head self-attention {@code softmax(Q K^T / sqrt(d_h)) V}, output
 * projection, residual and layer norm, feed-forward {@code GELU(x W1 + b1) W2 + b2} (exact erf
 * GELU), residual and layer norm. It returns the last hidden state, as Hugging Face's
 * {@code BertModel} does.
 *
 * <p>Every text is computed on its own, at its own length (no padding, no attention mask), by
 * one thread, with {@link Kernels}' fixed-order arithmetic: an embedding is a function of its
 * token ids alone, bit for bit, on any CPU, with any thread count and any batch.
 *
 * <p>Weights come from an fp32 ONNX export of a Hugging Face BERT (torch.onnx names: linear
 * weights are anonymous {@code MatMul} initializers, found through the {@code Add} of their named
 * bias) or from a Hugging Face folder's {@code model.safetensors}.
 */
final class BertModel {
  /** Architecture numbers (Hugging Face {@code BertConfig} names in comments). */
  record Config(
      int layers, // num_hidden_layers
      int hidden, // hidden_size
      int heads, // num_attention_heads
      int intermediate, // intermediate_size
      int maxPositions, // max_position_embeddings
      double eps) { // layer_norm_eps
    Config {
      if (heads <= 0 || hidden % heads != 0) {
        throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of "
            + heads + " heads");
      }
    }
  }

  private static final class Layer {
    Kernels.Packed wqkv; // [h, 3h]: query | key | value columns
    float[] bqkv;
    Kernels.Packed wo;
    float[] bo;
    float[] ln1w;
    float[] ln1b;
    Kernels.Packed w1;
    float[] b1;
    Kernels.Packed w2;
    float[] b2;
    float[] ln2w;
    float[] ln2b;
  }

  final Config config;
  private final int vocab;
  private final float[] word;
  private final float[] position;
  private final float[] type0;
  private final float[] embLnW;
  private final float[] embLnB;
  private final Layer[] layers;

  private BertModel(Config config, Map<String, float[]> w, int vocab) {
    this.config = config;
    this.vocab = vocab;
    int h = config.hidden();
    this.word = w.get("embeddings.word_embeddings.weight");
    this.position = w.get("embeddings.position_embeddings.weight");
    float[] types = w.get("embeddings.token_type_embeddings.weight");
    this.type0 = java.util.Arrays.copyOf(types, h);
    this.embLnW = w.get("embeddings.LayerNorm.weight");
    this.embLnB = w.get("embeddings.LayerNorm.bias");
    this.layers = new Layer[config.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "encoder.layer." + i + ".";
      Layer l = new Layer();
      int f = config.intermediate();
      l.wqkv = new Kernels.Packed(concatColumns(h, w.get(p + "attention.self.query.weight"),
          w.get(p + "attention.self.key.weight"), w.get(p + "attention.self.value.weight")), h, 3 * h);
      l.bqkv = concat(w.get(p + "attention.self.query.bias"), w.get(p + "attention.self.key.bias"),
          w.get(p + "attention.self.value.bias"));
      l.wo = new Kernels.Packed(w.get(p + "attention.output.dense.weight"), h, h);
      l.bo = w.get(p + "attention.output.dense.bias");
      l.ln1w = w.get(p + "attention.output.LayerNorm.weight");
      l.ln1b = w.get(p + "attention.output.LayerNorm.bias");
      l.w1 = new Kernels.Packed(w.get(p + "intermediate.dense.weight"), h, f);
      l.b1 = w.get(p + "intermediate.dense.bias");
      l.w2 = new Kernels.Packed(w.get(p + "output.dense.weight"), f, h);
      l.b2 = w.get(p + "output.dense.bias");
      l.ln2w = w.get(p + "output.LayerNorm.weight");
      l.ln2b = w.get(p + "output.LayerNorm.bias");
      layers[i] = l;
    }
  }

  /** The hidden size (embedding dimension). */
  int dimension() {
    return config.hidden();
  }

  /** Rows of the token embedding. */
  int vocabulary() {
    return vocab;
  }

  /** The word embeddings {@code [vocab, hidden]} (the MLM decoder's tied weights); not a copy. */
  float[] wordEmbeddings() {
    return word;
  }

  // ---- loading ------------------------------------------------------------------------------

  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

  /** Expected shapes, with linear weights as [in, out]. */
  private static Map<String, int[]> shapes(Config c, int vocab, int types) {
    int h = c.hidden(), f = c.intermediate();
    Map<String, int[]> m = new HashMap<>();
    m.put("embeddings.word_embeddings.weight", new int[] {vocab, h});
    m.put("embeddings.position_embeddings.weight", new int[] {c.maxPositions(), h});
    m.put("embeddings.token_type_embeddings.weight", new int[] {types, h});
    m.put("embeddings.LayerNorm.weight", new int[] {h});
    m.put("embeddings.LayerNorm.bias", new int[] {h});
    for (int i = 0; i < c.layers(); i++) {
      String p = "encoder.layer." + i + ".";
      for (String x : new String[] {"attention.self.query", "attention.self.key",
          "attention.self.value", "attention.output.dense"}) {
        m.put(p + x + ".weight", new int[] {h, h});
        m.put(p + x + ".bias", new int[] {h});
      }
      m.put(p + "intermediate.dense.weight", new int[] {h, f});
      m.put(p + "intermediate.dense.bias", new int[] {f});
      m.put(p + "output.dense.weight", new int[] {f, h});
      m.put(p + "output.dense.bias", new int[] {h});
      for (String x : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
        m.put(p + x + ".weight", new int[] {h});
        m.put(p + x + ".bias", new int[] {h});
      }
    }
    return m;
  }

  /** The parameter name without a task-head prefix ({@code bert.}, {@code model.}). */
  private static String canonical(String name) {
    int e = name.indexOf("embeddings.");
    int l = name.indexOf("encoder.layer.");
    int at = e < 0 ? l : l < 0 ? e : Math.min(e, l);
    return at < 0 ? null : name.substring(at);
  }

  /**
   * Reads the weights of an fp32 torch.onnx export of a BERT model. {@code heads}, {@code eps}
   * are not stored as weights; they come from the caller (the built-in registry or the folder's
   * {@code config.json}). Fails with {@link OnnxGraph.FormatError} when the graph is not such an
   * export (an int8 graph, another architecture).
   */
  static BertModel fromOnnx(byte[] model, String what, int heads, double eps) {
    OnnxGraph g = OnnxGraph.parse(model, what);
    Map<String, float[]> w = new HashMap<>();
    Map<String, long[]> dims = new HashMap<>();
    for (OnnxGraph.Tensor t : g.initializers.values()) {
      String c = canonical(t.name());
      if (c != null) {
        w.put(c, t.data());
        dims.put(c, t.dims());
      }
    }
    // linear weights: MatMul(x, W[in,out]) whose output feeds Add(..., <name>.bias)
    Map<String, List<OnnxGraph.Node>> consumers = g.consumers();
    for (OnnxGraph.Node n : g.nodes) {
      if (!n.op().equals("MatMul") || n.inputs().size() != 2
          || !g.initializers.containsKey(n.inputs().get(1))) {
        continue;
      }
      OnnxGraph.Tensor weight = g.initializers.get(n.inputs().get(1));
      for (OnnxGraph.Node add : consumers.getOrDefault(n.outputs().get(0), List.of())) {
        if (!add.op().equals("Add")) {
          continue;
        }
        for (String in : add.inputs()) {
          String c = in.endsWith(".bias") ? canonical(in) : null;
          if (c != null && g.initializers.containsKey(in)) {
            String wn = c.substring(0, c.length() - ".bias".length()) + ".weight";
            w.put(wn, weight.data());
            dims.put(wn, weight.dims());
          }
        }
      }
    }
    return build(w, dims, heads, eps, what, false);
  }

  /**
   * Reads a Hugging Face BERT checkpoint ({@code model.safetensors}; linear weights stored
   * {@code [out, in]} and transposed here). F16/BF16 weights are widened to float.
   */
  static BertModel fromSafeTensors(Path file, int heads, double eps) {
    Map<String, float[]> w = new HashMap<>();
    Map<String, long[]> dims = new HashMap<>();
    try (SafeTensors st = SafeTensors.open(file)) {
      for (String name : st.names()) {
        String c = canonical(name);
        if (c == null || c.endsWith("position_ids")) {
          continue;
        }
        w.put(c, st.floats(name));
        dims.put(c, st.info(name).shape());
      }
    }
    return build(w, dims, heads, eps, file.toString(), true);
  }

  private static BertModel build(Map<String, float[]> w, Map<String, long[]> dims, int heads,
      double eps, String what, boolean transposeLinear) {
    long[] word = dims.get("embeddings.word_embeddings.weight");
    long[] pos = dims.get("embeddings.position_embeddings.weight");
    long[] types = dims.get("embeddings.token_type_embeddings.weight");
    if (word == null || pos == null || types == null || word.length != 2) {
      throw new OnnxGraph.FormatError(what + ": no BERT embeddings (embeddings.word_embeddings."
          + "weight, position_embeddings, token_type_embeddings) among the weights");
    }
    TreeSet<Integer> layerIds = new TreeSet<>();
    for (String k : w.keySet()) {
      Matcher m = LAYER.matcher(k);
      if (m.find()) {
        layerIds.add(Integer.parseInt(m.group(1)));
      }
    }
    int h = (int) word[1];
    String ffn = "encoder.layer.0.intermediate.dense.bias";
    if (layerIds.isEmpty() || !w.containsKey(ffn)) {
      throw new OnnxGraph.FormatError(what + ": no BERT encoder layers among the weights "
          + "(an fp32 BERT export is needed; int8 graphs run on ONNX Runtime)");
    }
    Config c = new Config(layerIds.last() + 1, h, heads, w.get(ffn).length, (int) pos[0], eps);
    Map<String, int[]> expect = shapes(c, (int) word[0], (int) types[0]);
    for (Map.Entry<String, int[]> e : expect.entrySet()) {
      float[] v = w.get(e.getKey());
      if (v == null) {
        throw new OnnxGraph.FormatError(what + ": weight '" + e.getKey() + "' is missing (not a "
            + "BERT model, or an int8 graph: those run on ONNX Runtime)");
      }
      int[] s = e.getValue();
      boolean linear = s.length == 2 && e.getKey().startsWith("encoder.");
      // as stored: safetensors keeps torch's [out, in] for linear weights
      long[] want = new long[s.length];
      for (int i = 0; i < s.length; i++) {
        want[i] = transposeLinear && linear ? s[s.length - 1 - i] : s[i];
      }
      long[] have = dims.get(e.getKey());
      if (!java.util.Arrays.equals(have, want) || v.length != java.util.Arrays.stream(want).reduce(1, (a, b) -> a * b)) {
        throw new OnnxGraph.FormatError(what + ": weight '" + e.getKey() + "' has shape "
            + java.util.Arrays.toString(have) + ", expected " + java.util.Arrays.toString(want));
      }
      if (transposeLinear && linear) {
        w.put(e.getKey(), transpose(v, s[1], s[0])); // stored [out, in]
      }
    }
    return new BertModel(c, w, (int) word[0]);
  }

  /** {@code v} [rows, cols] row-major, transposed to [cols, rows]. */
  static float[] transpose(float[] v, int rows, int cols) {
    float[] t = new float[v.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = v[r * cols + c];
      }
    }
    return t;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** Side by side: each of {@code parts} is [rows, cols_i] row-major. */
  private static float[] concatColumns(int rows, float[]... parts) {
    int cols = 0;
    for (float[] p : parts) {
      cols += p.length / rows;
    }
    float[] out = new float[rows * cols];
    int at = 0;
    for (float[] p : parts) {
      int pc = p.length / rows;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(p, r * pc, out, r * cols + at, pc);
      }
      at += pc;
    }
    return out;
  }

  // ---- forward ------------------------------------------------------------------------------

  /**
   * The last hidden state {@code [t, hidden]} (row-major) of one token sequence; {@code ids}
   * includes the special tokens and is at most {@link Config#maxPositions()} long.
   */
  float[] forward(long[] ids) {
    int t = ids.length;
    int h = config.hidden();
    if (t > config.maxPositions()) {
      throw new IllegalArgumentException(t + " tokens > " + config.maxPositions() + " positions");
    }
    float[] x = new float[t * h];
    for (int i = 0; i < t; i++) {
      long id = ids[i];
      if (id < 0 || id >= vocab) {
        throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocab);
      }
      int wo = (int) id * h, po = i * h, xo = i * h;
      for (int j = 0; j < h; j++) {
        x[xo + j] = (word[wo + j] + type0[j]) + position[po + j];
      }
    }
    Kernels.layerNorm(x, 0, t, h, embLnW, embLnB, config.eps());
    Work work = new Work(t, config);
    for (Layer l : layers) {
      layer(l, x, t, work);
    }
    return x;
  }

  /** Scratch arrays of one forward pass. */
  private static final class Work {
    final float[] qkv;
    final float[] kt;
    final float[] scores;
    final float[] ctx;
    final float[] attn;
    final float[] ff;
    final double[] geluScratch;

    /** Row stride of the score matrix: t rounded up to whole vector pairs (zero keys beyond t). */
    final int tp;

    Work(int t, Config c) {
      int h = c.hidden();
      int w = 2 * Kernels.SPECIES.length();
      tp = (t + w - 1) / w * w;
      qkv = new float[t * 3 * h];
      kt = new float[(h / c.heads()) * tp];
      scores = new float[t * tp];
      ctx = new float[t * h];
      attn = new float[t * h];
      ff = new float[t * c.intermediate()];
      geluScratch = new double[t * c.intermediate()];
    }
  }

  private void layer(Layer l, float[] x, int t, Work w) {
    int h = config.hidden(), nh = config.heads(), dh = h / nh, f = config.intermediate();
    int h3 = 3 * h;
    float scale = (float) Math.sqrt(dh);
    Kernels.matmul(x, 0, h, l.wqkv, l.bqkv, w.qkv, 0, h3, t);
    for (int head = 0; head < nh; head++) {
      int q0 = head * dh, k0 = h + head * dh, v0 = 2 * h + head * dh;
      int tp = w.tp;
      for (int j = 0; j < t; j++) { // K_h transposed: kt[d][j], columns t..tp stay 0
        for (int d = 0; d < dh; d++) {
          w.kt[d * tp + j] = w.qkv[j * h3 + k0 + d];
        }
      }
      // scores of the padding columns are computed (0) and never read
      Kernels.matmul(w.qkv, q0, h3, w.kt, 0, tp, null, w.scores, 0, tp, t, tp, dh);
      for (int i = 0; i < t; i++) {
        Kernels.softmax(w.scores, i * tp, t, scale);
      }
      Kernels.matmul(w.scores, 0, tp, w.qkv, v0, h3, null, w.ctx, head * dh, h, t, dh, t);
    }
    Kernels.matmul(w.ctx, 0, h, l.wo, l.bo, w.attn, 0, h, t);
    for (int i = 0; i < t * h; i++) {
      w.attn[i] += x[i];
    }
    Kernels.layerNorm(w.attn, 0, t, h, l.ln1w, l.ln1b, config.eps());
    Kernels.matmul(w.attn, 0, h, l.w1, l.b1, w.ff, 0, f, t);
    Kernels.gelu(w.ff, 0, t * f, w.geluScratch);
    Kernels.matmul(w.ff, 0, f, l.w2, l.b2, x, 0, h, t);
    for (int i = 0; i < t * h; i++) {
      x[i] += w.attn[i];
    }
    Kernels.layerNorm(x, 0, t, h, l.ln2w, l.ln2b, config.eps());
  }
}
