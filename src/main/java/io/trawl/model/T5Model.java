package io.trawl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.trawl.core.InputException;
import java.nio.file.Path;

/**
 * The T5 encoder-decoder (Raffel et al., 2020, "Exploring the Limits of Transfer Learning with a
 * Unified Text-to-Text Transformer", JMLR 21) on DJL NDArrays, loaded from a Hugging Face folder
 * ({@code config.json} + safetensors). Both flavours:
 *
 * <ul>
 *   <li>v1.0 (t5-base, monoT5): {@code FF(x) = wo(relu(wi x))}, LM head tied to {@code shared} and
 *       applied to {@code y * d_model^-0.5};
 *   <li>v1.1 / Flan-T5: {@code FF(x) = wo(gelu_new(wi_0 x) * wi_1 x)}, separate {@code lm_head}, no
 *       scaling.
 * </ul>
 *
 * Which head and whether to scale is read from config.json as transformers 4.x and 5.x write it
 * ({@link T5Config#scaleDecoderOutputs}, {@link T5Config#ownHead}): a v1.1 checkpoint saved by 5.x
 * says {@code "tie_word_embeddings": true, "scale_decoder_outputs": false} and is not scaled.
 *
 * <p>Math, as Hugging Face runs it: RMS layer norm {@code w * x / sqrt(mean(x^2) + eps)};
 * pre-norm residual blocks; attention {@code softmax(q k^T + bias)} <em>without</em> the
 * {@code 1/sqrt(d_kv)} scaling; the bias is a learned scalar per head and relative-position bucket
 * (block 0's table, shared by every layer of a stack; bidirectional in the encoder, causal in the
 * decoder) plus {@code finfo.min} at masked keys. Cross-attention has only the key mask.
 *
 * <p>Performance: the projections of a block are fused into single matmuls (q|k|v, cross k|v,
 * wi_0|wi_1), weights are pre-transposed once at load, a forward pass issues ~30 native ops per
 * layer regardless of batch size, and each layer's intermediates are freed as soon as the layer is
 * done. Encoder outputs and their cross-attention keys/values are computed once and reused across
 * decoder steps; decoder self-attention keeps a key/value cache.
 *
 * <p>Not thread-safe for concurrent forward passes on the same instance (libtorch already uses
 * all cores inside each op).
 */
public final class T5Model implements AutoCloseable {
  private final Path folder;
  private final T5Config cfg;
  private final NDManager manager;
  private final DataType dtype;
  private final float maskValue;
  private final NDArray shared;
  private final NDArray head;
  private final NDArray headT;
  private final Block[] encoder;
  private final Block[] decoder;
  private final NDArray encoderNorm;
  private final NDArray decoderNorm;
  private final float[] encoderBiasTable;
  private final float[] decoderBiasTable;

  /** One layer's weights, pre-transposed to {@code [in, out]}. Cross fields are null in the encoder. */
  private record Block(NDArray attnNorm, NDArray wQkv, NDArray wO, NDArray crossNorm, NDArray crossQ,
      NDArray crossKv, NDArray crossO, NDArray ffNorm, NDArray wIn, NDArray wOut) {}

  private T5Model(Path folder, T5Config cfg, NDManager manager, DataType dtype, SafeTensors st) {
    this.folder = folder;
    this.cfg = cfg;
    this.manager = manager;
    this.dtype = dtype;
    this.maskValue = dtype == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    long d = cfg.dModel();
    // real checkpoints may carry the tied alias encoder.embed_tokens.weight instead of shared.weight
    String emb = !st.contains("shared.weight") && st.contains("encoder.embed_tokens.weight")
        ? "encoder.embed_tokens.weight" : "shared.weight";
    long rows = st.info(emb).shape()[0];
    this.shared = st.get(emb, manager, dtype, rows, d);
    if (cfg.ownHead(st.contains("lm_head.weight"))) {
      this.head = st.get("lm_head.weight", manager, dtype, st.info("lm_head.weight").shape()[0], d);
    } else {
      this.head = shared;
    }
    this.headT = head.transpose();
    this.encoderBiasTable = st.floats(relBiasName("encoder"));
    st.info(relBiasName("encoder"), cfg.numBuckets(), cfg.numHeads());
    this.decoderBiasTable = st.floats(relBiasName("decoder"));
    st.info(relBiasName("decoder"), cfg.numBuckets(), cfg.numHeads());
    this.encoder = new Block[cfg.numLayers()];
    for (int i = 0; i < encoder.length; i++) {
      encoder[i] = loadBlock(st, "encoder.block." + i + ".", false);
    }
    this.decoder = new Block[cfg.numDecoderLayers()];
    for (int i = 0; i < decoder.length; i++) {
      decoder[i] = loadBlock(st, "decoder.block." + i + ".", true);
    }
    this.encoderNorm = st.get("encoder.final_layer_norm.weight", manager, dtype, d);
    this.decoderNorm = st.get("decoder.final_layer_norm.weight", manager, dtype, d);
  }

  private static String relBiasName(String stack) {
    return stack + ".block.0.layer.0.SelfAttention.relative_attention_bias.weight";
  }

  /**
   * Loads a model folder. Errors (no config.json, not a T5 config, missing tensor, wrong shape,
   * corrupt safetensors) are {@link InputException}s naming the file.
   */
  public static T5Model load(Path folder, ComputeOptions options) {
    HfConfig hf = HfConfig.load(folder);
    T5Config cfg = T5Config.from(hf, "T5");
    Device device = options.resolveDevice();
    DataType dtype = options.resolveDataType(device);
    options.applyThreads();
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try (SafeTensors st = SafeTensors.open(folder)) {
      checkLayers(hf, st, "num_layers", cfg.numLayers(), "encoder.block.");
      checkLayers(hf, st, "num_decoder_layers", cfg.numDecoderLayers(), "decoder.block.");
      return new T5Model(folder, cfg, manager, dtype, st);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A layer count of config.json must match the weights (checked before anything is allocated). */
  private static void checkLayers(HfConfig hf, SafeTensors st, String key, int layers, String prefix) {
    int stored = st.blocks(prefix);
    if (stored != layers) {
      throw hf.error(key + " is " + layers + " but the weights hold " + stored + " blocks under " + prefix);
    }
  }

  private Block loadBlock(SafeTensors st, String p, boolean isDecoder) {
    int d = cfg.dModel();
    int inner = cfg.inner();
    int ff = cfg.dFf();
    String a = p + "layer.0.SelfAttention.";
    NDArray attnNorm = st.get(p + "layer.0.layer_norm.weight", manager, dtype, d);
    NDArray qkv = linearT(st, d, new String[] {a + "q.weight", a + "k.weight", a + "v.weight"}, inner);
    NDArray o = linearT(st, inner, new String[] {a + "o.weight"}, d);
    NDArray crossNorm = null;
    NDArray crossQ = null;
    NDArray crossKv = null;
    NDArray crossO = null;
    int ffLayer = 1;
    if (isDecoder) {
      String c = p + "layer.1.EncDecAttention.";
      crossNorm = st.get(p + "layer.1.layer_norm.weight", manager, dtype, d);
      crossQ = linearT(st, d, new String[] {c + "q.weight"}, inner);
      crossKv = linearT(st, d, new String[] {c + "k.weight", c + "v.weight"}, inner);
      crossO = linearT(st, inner, new String[] {c + "o.weight"}, d);
      ffLayer = 2;
    }
    String f = p + "layer." + ffLayer + ".DenseReluDense.";
    NDArray ffNorm = st.get(p + "layer." + ffLayer + ".layer_norm.weight", manager, dtype, d);
    NDArray wIn = cfg.gated() ? linearT(st, d, new String[] {f + "wi_0.weight", f + "wi_1.weight"}, ff)
        : linearT(st, d, new String[] {f + "wi.weight"}, ff);
    NDArray wOut = linearT(st, ff, new String[] {f + "wo.weight"}, d);
    return new Block(attnNorm, qkv, o, crossNorm, crossQ, crossKv, crossO, ffNorm, wIn, wOut);
  }

  /**
   * Concatenates torch-layout Linear weights {@code [out, in]} along {@code out} and transposes
   * them to one contiguous {@code [in, sum(out)]} array, so {@code x.matMul(w)} is every projection.
   */
  private NDArray linearT(SafeTensors st, int in, String[] names, int out) {
    for (String name : names) {
      st.info(name, out, in); // the sizes of config.json, checked against the weights first
    }
    int total = out * names.length;
    float[] t = new float[Math.multiplyExact(in, total)];
    for (int k = 0; k < names.length; k++) {
      float[] w = st.floats(names[k]);
      int base = k * out;
      for (int r = 0; r < out; r++) {
        int row = r * in;
        for (int c = 0; c < in; c++) {
          t[c * total + base + r] = w[row + c];
        }
      }
    }
    NDArray a = manager.create(t, new Shape(in, total));
    if (dtype != DataType.FLOAT32) {
      NDArray c = a.toType(dtype, false);
      a.close();
      return c;
    }
    return a;
  }

  public T5Config config() {
    return cfg;
  }

  public Path folder() {
    return folder;
  }

  /** The manager owning the weights; make per-batch sub-managers from it. */
  public NDManager manager() {
    return manager;
  }

  public DataType dataType() {
    return dtype;
  }

  // ---------------------------------------------------------------- relative position buckets

  /**
   * Hugging Face's {@code T5Attention._relative_position_bucket} for one relative position
   * {@code key - query}: half the buckets exact for small distances, the rest logarithmic up to
   * {@code maxDistance}, clamped to the last bucket. The log is computed in float32, as torch does.
   */
  public static int bucket(int relative, boolean bidirectional, int numBuckets, int maxDistance) {
    int ret = 0;
    int n = numBuckets;
    int rel = relative;
    if (bidirectional) {
      n /= 2;
      if (rel > 0) {
        ret += n;
      }
      rel = Math.abs(rel);
    } else {
      rel = -Math.min(rel, 0);
    }
    int maxExact = n / 2;
    if (rel < maxExact) {
      return ret + rel;
    }
    float ratio = (float) rel / (float) maxExact;
    float logRatio = (float) Math.log(ratio);
    float scaled = logRatio / (float) Math.log((double) maxDistance / maxExact) * (float) (n - maxExact);
    int large = maxExact + (int) scaled;
    return ret + Math.min(large, n - 1);
  }

  /**
   * Bias {@code [1, H, lq, lk]} for queries at absolute positions {@code q0..q0+lq-1} and keys
   * {@code 0..lk-1}: the bucket table entry, plus the mask value above the diagonal when causal.
   */
  private NDArray positionBias(NDManager m, float[] table, boolean bidirectional, int q0, int lq, int lk,
      boolean causal) {
    int h = cfg.numHeads();
    int span = lk + q0 + lq;
    int[] bucketOf = new int[2 * span + 1];
    for (int r = -span; r <= span; r++) {
      bucketOf[r + span] = bucket(r, bidirectional, cfg.numBuckets(), cfg.maxDistance());
    }
    float[] out = new float[h * lq * lk];
    for (int head = 0; head < h; head++) {
      int base = head * lq * lk;
      for (int i = 0; i < lq; i++) {
        int qpos = q0 + i;
        int row = base + i * lk;
        for (int j = 0; j < lk; j++) {
          float b = table[bucketOf[j - qpos + span] * h + head];
          out[row + j] = causal && j > qpos ? b + maskValue : b;
        }
      }
    }
    return toDtype(m.create(out, new Shape(1, h, lq, lk)));
  }

  private NDArray toDtype(NDArray a) {
    if (dtype == DataType.FLOAT32) {
      return a;
    }
    NDArray c = a.toType(dtype, false);
    a.close();
    return c;
  }

  // ---------------------------------------------------------------- building blocks

  private NDArray rmsNorm(NDArray x, NDArray w) {
    NDArray xf = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray var = xf.square().mean(new int[] {-1}, true);
    NDArray y = xf.div(var.addi((float) cfg.layerNormEps()).sqrt());
    if (dtype != DataType.FLOAT32) {
      y = y.toType(dtype, false);
    }
    return y.muli(w);
  }

  /** {@code [B, L, H*dk]} -> {@code [B, H, L, dk]}. */
  private NDArray heads(NDArray x, long b, long l) {
    return x.reshape(b, l, cfg.numHeads(), cfg.dKv()).transpose(0, 2, 1, 3);
  }

  /** softmax(q k^T + bias + mask) v, heads merged: {@code [B, Lq, H*dk]}. */
  private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, NDArray mask) {
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (bias != null) {
      scores.addi(bias);
    }
    if (mask != null) {
      scores.addi(mask);
    }
    NDArray p = scores.softmax(-1);
    NDArray ctx = p.matMul(v);
    Shape s = q.getShape();
    return ctx.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), (long) cfg.inner());
  }

  private NDArray feedForward(NDArray x, Block blk) {
    NDArray h = x.matMul(blk.wIn());
    NDArray act;
    switch (cfg.feedForward()) {
      case "relu" -> act = Activation.relu(h);
      default -> {
        NDList parts = h.split(2, h.getShape().dimension() - 1);
        NDArray g = parts.get(0);
        NDArray lin = parts.get(1);
        NDArray ga = switch (cfg.feedForward()) {
          case "gated-gelu" -> geluNew(g);
          case "gated-relu" -> Activation.relu(g);
          default -> g.mul(Activation.sigmoid(g));
        };
        act = ga.muli(lin);
      }
    }
    return act.matMul(blk.wOut());
  }

  /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} (Hugging Face {@code gelu_new}). */
  private static NDArray geluNew(NDArray x) {
    NDArray inner = x.pow(3).muli(0.044715f).addi(x).muli((float) Math.sqrt(2.0 / Math.PI));
    return x.mul(0.5f).muli(inner.tanh().addi(1f));
  }

  // ---------------------------------------------------------------- encoder

  /** Encoder output of a right-padded batch; owns nothing beyond the arrays in its manager. */
  public record EncoderOutput(NDArray hidden, NDArray keyMask, int[] lengths) {
    public int batchSize() {
      return lengths.length;
    }
  }

  /**
   * Encodes a batch of id rows (any lengths; right-padded with the pad id and masked). Arrays are
   * created in {@code m}, which must be a (sub-)manager of {@link #manager()}.
   */
  public EncoderOutput encode(NDManager m, int[][] rows) {
    int b = rows.length;
    int l = 0;
    for (int[] r : rows) {
      if (r.length == 0) {
        throw new IllegalArgumentException("empty input row");
      }
      l = Math.max(l, r.length);
    }
    long[] ids = new long[b * l];
    float[] mask = new float[b * l];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      lengths[i] = rows[i].length;
      for (int j = 0; j < l; j++) {
        if (j < rows[i].length) {
          int id = rows[i][j];
          if (id < 0 || id >= shared.getShape().get(0)) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary");
          }
          ids[i * l + j] = id;
        } else {
          ids[i * l + j] = cfg.padTokenId();
          mask[i * l + j] = maskValue;
        }
      }
    }
    NDArray keyMask = toDtype(m.create(mask, new Shape(b, 1, 1, l)));
    NDArray x = embed(m, ids, b, l);
    try (NDManager biasScope = m.newSubManager()) {
      NDArray bias = positionBias(biasScope, encoderBiasTable, true, 0, l, l, false);
      for (Block blk : encoder) {
        try (NDManager sub = m.newSubManager()) {
          x.attach(sub);
          NDArray h = rmsNorm(x, blk.attnNorm());
          NDArray qkv = h.matMul(blk.wQkv()).reshape(b, l, 3, cfg.numHeads(), cfg.dKv()).transpose(2, 0, 3, 1, 4);
          NDArray a = attend(qkv.get(0), qkv.get(1), qkv.get(2), bias, keyMask);
          x.addi(a.matMul(blk.wO()));
          h = rmsNorm(x, blk.ffNorm());
          x.addi(feedForward(h, blk));
          x.attach(m);
        }
      }
    }
    NDArray out = rmsNorm(x, encoderNorm);
    x.close();
    return new EncoderOutput(out, keyMask, lengths);
  }

  private NDArray embed(NDManager m, long[] ids, int b, int l) {
    NDArray idx = m.create(ids, new Shape(b, l));
    return shared.get(m, new NDIndex("{}", idx));
  }

  // ---------------------------------------------------------------- decoder

  /** Starts decoding against an encoder output (cross-attention keys/values computed once here). */
  public Decoder decoder(NDManager parent, EncoderOutput enc) {
    return new Decoder(parent, enc);
  }

  /**
   * Incremental decoder: {@link #step(int[][])} feeds the next tokens of every row and returns the
   * final-normed hidden states {@code [B, T, d]}; a key/value cache holds earlier positions.
   */
  public final class Decoder implements AutoCloseable {
    private final NDManager m;
    private final EncoderOutput enc;
    private final NDArray[] crossK;
    private final NDArray[] crossV;
    private final NDArray[] selfK;
    private final NDArray[] selfV;
    private int position;

    private Decoder(NDManager parent, EncoderOutput enc) {
      this.m = parent.newSubManager();
      this.enc = enc;
      int n = decoder.length;
      crossK = new NDArray[n];
      crossV = new NDArray[n];
      selfK = new NDArray[n];
      selfV = new NDArray[n];
      long b = enc.batchSize();
      long l = enc.hidden().getShape().get(1);
      for (int i = 0; i < n; i++) {
        try (NDManager sub = m.newSubManager()) {
          NDArray src = enc.hidden();
          NDArray kv = src.matMul(decoder[i].crossKv());
          kv.attach(sub);
          NDArray r = kv.reshape(b, l, 2, cfg.numHeads(), cfg.dKv()).transpose(2, 0, 3, 1, 4);
          crossK[i] = r.get(0).toDense();
          crossV[i] = r.get(1).toDense();
          crossK[i].attach(m);
          crossV[i].attach(m);
        }
      }
    }

    /** Positions fed so far. */
    public int position() {
      return position;
    }

    /** Feeds {@code tokens} [B][T] at the next T positions; returns hidden {@code [B, T, d]} in this decoder's manager. */
    public NDArray step(int[][] tokens) {
      int b = tokens.length;
      if (b != enc.batchSize()) {
        throw new IllegalArgumentException("batch " + b + " != encoder batch " + enc.batchSize());
      }
      int t = tokens[0].length;
      long[] ids = new long[b * t];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          ids[i * t + j] = tokens[i][j];
        }
      }
      NDArray y = embed(m, ids, b, t);
      try (NDManager biasScope = m.newSubManager()) {
        NDArray bias = positionBias(biasScope, decoderBiasTable, false, position, t, position + t, true);
        for (int i = 0; i < decoder.length; i++) {
          Block blk = decoder[i];
          try (NDManager sub = m.newSubManager()) {
            y.attach(sub);
            NDArray h = rmsNorm(y, blk.attnNorm());
            NDArray qkv = h.matMul(blk.wQkv()).reshape(b, t, 3, cfg.numHeads(), cfg.dKv()).transpose(2, 0, 3, 1, 4);
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            if (selfK[i] != null) {
              k = selfK[i].concat(k, 2);
              v = selfV[i].concat(v, 2);
              k.attach(sub);
              v.attach(sub);
              selfK[i].close();
              selfV[i].close();
            }
            k = k.toDense();
            v = v.toDense();
            NDArray a = attend(qkv.get(0), k, v, bias, null);
            selfK[i] = k;
            selfV[i] = v;
            k.attach(m);
            v.attach(m);
            y.addi(a.matMul(blk.wO()));
            h = rmsNorm(y, blk.crossNorm());
            NDArray q = heads(h.matMul(blk.crossQ()), b, t);
            NDArray c = attend(q, crossK[i], crossV[i], null, enc.keyMask());
            y.addi(c.matMul(blk.crossO()));
            h = rmsNorm(y, blk.ffNorm());
            y.addi(feedForward(h, blk));
            y.attach(m);
          }
        }
      }
      position += t;
      NDArray out = rmsNorm(y, decoderNorm);
      y.close();
      return out;
    }

    @Override
    public void close() {
      m.close();
    }
  }

  // ---------------------------------------------------------------- LM head

  /** Full-vocabulary logits {@code [B, T, V]} of decoder hidden states. */
  public NDArray logits(NDArray hidden) {
    return scaled(hidden).matMul(headT);
  }

  /**
   * Logits of a few vocabulary ids only ({@code [B, T, ids.length]}), e.g. monoT5's
   * {@code ▁false}/{@code ▁true}: the same dot products as {@link #logits} without the full
   * vocabulary projection. {@code rowsT} comes from {@link #headRows(int...)}.
   */
  public NDArray logits(NDArray hidden, NDArray rowsT) {
    return scaled(hidden).matMul(rowsT);
  }

  /** The LM-head rows of {@code ids}, transposed to {@code [d, ids.length]}, in the model's manager. */
  public NDArray headRows(int... ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= head.getShape().get(0)) {
        throw new IllegalArgumentException("token id " + ids[i] + " outside the vocabulary of " + folder);
      }
      l[i] = ids[i];
    }
    try (NDManager tmp = manager.newSubManager()) {
      NDArray idx = tmp.create(l);
      NDArray rows = head.get(tmp, new NDIndex("{}", idx)).transpose().toDense();
      rows.attach(manager);
      return rows;
    }
  }

  private NDArray scaled(NDArray hidden) {
    return cfg.scaleDecoderOutputs() ? hidden.mul((float) Math.pow(cfg.dModel(), -0.5)) : hidden;
  }

  /** Vocabulary rows of the LM head. */
  public long headSize() {
    return head.getShape().get(0);
  }

  // ---------------------------------------------------------------- greedy decoding

  /**
   * Greedy decoding result: {@code sequences} start with the decoder input (the start token, or
   * the prefix given), then the generated tokens; {@code chosenLogits} are the logits of the
   * generated tokens (NaN after a row's eos).
   */
  public record Greedy(int[][] sequences, float[][] chosenLogits) {}

  /**
   * Greedy decoding of {@code maxNewTokens} tokens (Hugging Face {@code generate(do_sample=False,
   * num_beams=1)}): a row that produced eos continues with the pad id; stops early when all rows
   * have finished.
   */
  public Greedy greedy(int[][] inputs, int maxNewTokens) {
    return greedy(inputs, new int[] {cfg.decoderStartTokenId()}, maxNewTokens);
  }

  /**
   * {@link #greedy(int[][], int)} after a decoder prefix given to every row ({@code generate(...,
   * decoder_input_ids=prefix)}: the prefix is fed in one step and the first token is read at its
   * last position).
   */
  public Greedy greedy(int[][] inputs, int[] decoderPrefix, int maxNewTokens) {
    int b = inputs.length;
    int p = decoderPrefix.length;
    if (p == 0) {
      throw new IllegalArgumentException("empty decoder prefix");
    }
    int[][] seq = new int[b][p + maxNewTokens];
    float[][] chosen = new float[b][maxNewTokens];
    boolean[] done = new boolean[b];
    try (NDManager m = manager.newSubManager()) {
      EncoderOutput enc = encode(m, inputs);
      try (Decoder dec = decoder(m, enc)) {
        int[][] next = new int[b][];
        for (int i = 0; i < b; i++) {
          next[i] = decoderPrefix.clone();
          System.arraycopy(decoderPrefix, 0, seq[i], 0, p);
        }
        int steps = 0;
        for (int s = 0; s < maxNewTokens; s++) {
          float[] lg;
          try (NDManager sm = m.newSubManager()) {
            NDArray h = dec.step(next);
            h.attach(sm);
            int t = next[0].length;
            if (t > 1) {
              h = h.get(":, " + (t - 1) + ":" + t + ", :"); // the prefix's last position only
            }
            lg = logits(h).toType(DataType.FLOAT32, false).toFloatArray();
          }
          int v = lg.length / b;
          boolean all = true;
          for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < v; j++) {
              if (lg[i * v + j] > lg[i * v + best]) {
                best = j;
              }
            }
            int tok = done[i] ? cfg.padTokenId() : best;
            chosen[i][s] = done[i] ? Float.NaN : lg[i * v + best];
            seq[i][p + s] = tok;
            next[i] = new int[] {tok};
            if (tok == cfg.eosTokenId()) {
              done[i] = true;
            }
            all &= done[i];
          }
          steps = s + 1;
          if (all) {
            break;
          }
        }
        if (steps < maxNewTokens) {
          for (int i = 0; i < b; i++) {
            seq[i] = java.util.Arrays.copyOf(seq[i], p + steps);
            chosen[i] = java.util.Arrays.copyOf(chosen[i], steps);
          }
        }
      }
    }
    return new Greedy(seq, chosen);
  }

  /** Number of multiply-adds x2 (FLOPs) of one encoder pass over {@code l} tokens. */
  public static double encoderFlops(T5Config c, int l) {
    double d = c.dModel();
    double inner = c.inner();
    double ff = c.dFf() * (c.gated() ? 2 : 1);
    double perToken = 2 * (d * 3 * inner + inner * d + d * ff + c.dFf() * d);
    double attention = 2 * 2.0 * l * l * inner;
    return c.numLayers() * (perToken * l + attention);
  }

  /**
   * FLOPs of the first decoder step against {@code l} encoder positions: every layer projects the
   * encoder output to cross-attention keys and values ({@code 2 l d 2 inner}), which dominates;
   * plus one token through the self-attention, cross-attention and feed-forward projections.
   */
  public static double decoderFirstStepFlops(T5Config c, int l) {
    double d = c.dModel();
    double inner = c.inner();
    double ff = c.dFf() * (c.gated() ? 2 : 1);
    double crossKv = 2 * l * d * 2 * inner;
    double oneToken = 2 * (d * 3 * inner + inner * d + d * inner + inner * d + d * ff + c.dFf() * d);
    double attention = 2 * 2.0 * (l + 1) * inner;
    return c.numDecoderLayers() * (crossKv + oneToken + attention);
  }

  @Override
  public void close() {
    manager.close();
  }
}
