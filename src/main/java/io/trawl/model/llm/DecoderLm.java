package io.trawl.model.llm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.HfConfig;
import io.trawl.model.SafeTensors;
import java.nio.file.Path;

/**
 * A decoder-only transformer (Llama, Mistral, Qwen2) on DJL NDArrays, as Hugging Face's {@code
 * modeling_llama.py} / {@code modeling_qwen2.py} compute it:
 *
 * <pre>
 *   x = embed(ids)
 *   per layer:  h = x + o(Attn(RMSNorm(x)));  x = h + down(silu(gate(n)) * up(n)),  n = RMSNorm(h)
 *   logits = lm_head(RMSNorm(x))              (lm_head = embed^T when tied)
 *   RMSNorm(x) = w * x / sqrt(mean(x^2) + eps)
 *   Attn: q,k,v = x Wq (+bq), x Wk (+bk), x Wv (+bv)   (Qwen2 always has the q/k/v biases)
 *         RoPE (rotate_half, inv_freq[i] = theta^(-2i/d), llama3/linear scaling)
 *         softmax(q k^T / sqrt(d) + mask) v, grouped-query (head h uses kv head h / (H/KV))
 * </pre>
 *
 * Few large ops per layer (JNI costs about 2 us per op): q, k and v come from one fused matrix;
 * gate and up are two products (each output of a 1,024-token chunk under glibc's 32 MiB mmap
 * limit, so that the allocator keeps its memory: bin/native-env); RoPE is applied to q and k
 * together, and grouped-query attention reshapes the query heads instead of repeating keys.
 * Attention runs a block of query rows at a time ({@link #attend}): no {@code [heads, T, S]}
 * score matrix is built. A {@link KvCache} holds
 * rotated keys and values; left-padded batches get positions {@code cumsum(mask) - 1} and padded
 * keys are masked (HF {@code generate}'s convention). A {@link Probe} can read the embeddings,
 * each layer's output and the attention probabilities of chosen layers as they are computed (one
 * layer and one block of query rows at a time).
 */
public final class DecoderLm implements AutoCloseable {
  /** Each mask part adds at most this, so two parts stay finite (no -inf, no NaN rows). */
  private static final float HALF_MAX = Float.MAX_VALUE / 2;
  /**
   * Scores per attention block on a CPU (2 Mi floats, 8 MiB): of 1, 1.5, 2, 3, 4, 8 and 16 Mi, 2
   * and 3 Mi (one run) gave the fastest 10k-token prefills on a quiet 2-vCPU VM, 2 Mi 8-16% faster
   * than 4 Mi in three paired rounds, and as fast on 2k tokens (docs/performance-llm.md); see
   * {@link #attend}.
   */
  static final long BLOCK_ELEMENTS = 1L << 21;
  /** On a GPU, where each kernel launch costs and memory is not paged in, far larger blocks. */
  static final long GPU_BLOCK_ELEMENTS = 1L << 28;
  private final DecoderConfig cfg;
  private final NDManager manager;
  private final DataType dtype;
  private final NDArray embed;
  private final NDArray lmHead;
  private final NDArray finalNorm;
  private final Layer[] layers;
  private final NDArray invFreq;
  private final Path folder;
  /** At most this many query rows per attention block; 0: as many as the block size allows. */
  private int maxBlockRows;

  private record Layer(NDArray inNorm, NDArray qkv, NDArray qkvBias, NDArray o, NDArray oBias,
      NDArray postNorm, NDArray gate, NDArray up, NDArray down) {}

  /** Observes intermediate values of a forward pass (golden tests, ICR). */
  public interface Probe {
    default void embeddings(NDArray x) {}

    default void layerOutput(int layer, NDArray x) {}

    default void finalNorm(NDArray x) {}

    /** Whether {@link #attention} should be called for this layer. */
    default boolean wantsAttention(int layer) {
      return false;
    }

    /**
     * Softmax probabilities of a layer for a block of consecutive query rows of this pass, {@code
     * [B, heads, rows, keys]}: rows {@code firstRow, firstRow + 1, ...} (0 = the first position of
     * this pass) over the first {@code keys} positions (cached ones included), which are all those
     * the block's last row sees; later positions have probability 0 for every row of the block.
     * Called once per block, blocks in row order; valid during the call only.
     */
    default void attention(int layer, int firstRow, NDArray probs) {}
  }

  private DecoderLm(DecoderConfig cfg, Path folder, NDManager manager, DataType dtype,
      NDArray embed, NDArray lmHead, NDArray finalNorm, Layer[] layers) {
    this.cfg = cfg;
    this.folder = folder;
    this.manager = manager;
    this.dtype = dtype;
    this.embed = embed;
    this.lmHead = lmHead;
    this.finalNorm = finalNorm;
    this.layers = layers;
    this.invFreq = manager.create(cfg.inverseFrequencies());
  }

  /** Loads a Hugging Face folder (config.json + safetensors). */
  public static DecoderLm load(Path folder, ComputeOptions options) {
    HfConfig hf = HfConfig.load(folder);
    DecoderConfig cfg = DecoderConfig.from(hf);
    Device device = options.resolveDevice();
    DataType dt = options.resolveDataType(device);
    NDManager m = NDManager.newBaseManager(device, "PyTorch");
    try (SafeTensors st = SafeTensors.open(folder)) {
      int stored = st.blocks("model.layers.");
      if (stored != cfg.layers()) {
        throw hf.error("num_hidden_layers is " + cfg.layers() + " but the weights hold " + stored + " layers");
      }
      int h = cfg.hidden();
      int hd = cfg.headDim();
      long qDim = (long) cfg.heads() * hd;
      long kvDim = (long) cfg.kvHeads() * hd;
      NDArray embed = st.get("model.embed_tokens.weight", m, dt, cfg.vocabSize(), h);
      NDArray lm;
      if (cfg.tiedEmbeddings()) {
        lm = embed;
      } else {
        lm = st.get("lm_head.weight", m, dt, cfg.vocabSize(), h);
      }
      Layer[] layers = new Layer[cfg.layers()];
      for (int i = 0; i < cfg.layers(); i++) {
        String p = "model.layers." + i + ".";
        NDArray q = st.get(p + "self_attn.q_proj.weight", m, dt, qDim, h);
        NDArray k = st.get(p + "self_attn.k_proj.weight", m, dt, kvDim, h);
        NDArray v = st.get(p + "self_attn.v_proj.weight", m, dt, kvDim, h);
        NDArray qkv = NDArrays.concat(new NDList(q, k, v), 0);
        q.close();
        k.close();
        v.close();
        NDArray qkvBias = null;
        if (cfg.qkvBias()) {
          NDArray qb = st.get(p + "self_attn.q_proj.bias", m, dt, qDim);
          NDArray kb = st.get(p + "self_attn.k_proj.bias", m, dt, kvDim);
          NDArray vb = st.get(p + "self_attn.v_proj.bias", m, dt, kvDim);
          qkvBias = NDArrays.concat(new NDList(qb, kb, vb), 0);
          qb.close();
          kb.close();
          vb.close();
        }
        NDArray o = st.get(p + "self_attn.o_proj.weight", m, dt, h, qDim);
        NDArray oBias = cfg.oBias() ? st.get(p + "self_attn.o_proj.bias", m, dt, h) : null;
        NDArray gate = st.get(p + "mlp.gate_proj.weight", m, dt, cfg.intermediate(), h);
        NDArray up = st.get(p + "mlp.up_proj.weight", m, dt, cfg.intermediate(), h);
        NDArray down = st.get(p + "mlp.down_proj.weight", m, dt, h, cfg.intermediate());
        layers[i] = new Layer(st.get(p + "input_layernorm.weight", m, dt, h), qkv, qkvBias, o,
            oBias, st.get(p + "post_attention_layernorm.weight", m, dt, h), gate, up, down);
      }
      NDArray norm = st.get("model.norm.weight", m, dt, h);
      return new DecoderLm(cfg, folder, m, dt, embed, lm, norm, layers);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  public DecoderConfig config() {
    return cfg;
  }

  public Path folder() {
    return folder;
  }

  public NDManager manager() {
    return manager;
  }

  public DataType dataType() {
    return dtype;
  }

  /** A new empty cache for {@code batch} rows whose arrays live on {@code owner}. */
  public KvCache newCache(NDManager owner, int batch) {
    return new KvCache(owner, cfg.layers(), batch);
  }

  /**
   * Runs {@code ids} ({@code [B][T]}, rows left-padded, {@code mask[b][t]} 1 for real tokens)
   * after what {@code cache} holds, appending to the cache. Positions continue from each row's
   * real-token count. Returns logits {@code [B, T, V]} ({@code allPositions}) or {@code [B, V]}
   * (last position only), on {@code out}.
   */
  public NDArray forward(long[][] ids, int[][] mask, KvCache cache, Probe probe,
      boolean allPositions, NDManager out) {
    int b = ids.length;
    int t = b == 0 ? 0 : ids[0].length;
    if (t == 0) {
      throw new IllegalArgumentException("forward needs at least one row and one position");
    }
    if (cache.batch() != b) {
      throw new IllegalArgumentException("cache batch " + cache.batch() + " != " + b);
    }
    int past = cache.length;
    int total = past + t;
    if (cfg.slidingWindow() > 0 && total > cfg.slidingWindow()) {
      throw TrawlException.invalid(folder + ": input of " + total + " tokens is longer than the"
          + " model's sliding_window " + cfg.slidingWindow() + " (not supported)");
    }
    long[] flatIds = new long[b * t];
    long[] pos = new long[b * t];
    float[] newMask = new float[b * t];
    for (int r = 0; r < b; r++) {
      long seen = cache.realTokens[r];
      for (int i = 0; i < t; i++) {
        flatIds[r * t + i] = ids[r][i];
        boolean real = mask == null || mask[r][i] != 0;
        newMask[r * t + i] = real ? 1f : 0f;
        if (real) {
          pos[r * t + i] = seen++;
        } else {
          pos[r * t + i] = 1; // HF generate's value for padded positions
        }
      }
      cache.realTokens[r] = seen;
    }
    try (NDManager s = out.newSubManager()) {
      NDArray idArr = s.create(flatIds, new Shape(b, t));
      NDArray x = idArr.getNDArrayInternal().embedding(idArr, embed, SparseFormat.DENSE)
          .singletonOrThrow();
      if (probe != null) {
        probe.embeddings(x);
      }
      // rotary tables [B, T, 1, d]
      NDArray angles = s.create(pos, new Shape(b, t, 1)).toType(DataType.FLOAT32, false)
          .mul(invFreq.reshape(1, 1, -1));
      NDArray emb = angles.concat(angles, 2).reshape(b, t, 1, cfg.headDim());
      NDArray cos = emb.cos();
      NDArray sin = emb.sin();
      if (dtype != DataType.FLOAT32) {
        cos = cos.toType(dtype, false);
        sin = sin.toType(dtype, false);
      }
      // key mask [B, S]; the additive padding mask [B, 1, 1, S] only when padding exists (the
      // causal part is added per row block, on its diagonal keys only: see attend)
      NDArray maskNew = s.create(newMask, new Shape(b, t));
      NDArray keyMask = cache.keyMask == null ? maskNew : cache.keyMask.concat(maskNew, 1);
      boolean padded = cache.padded;
      for (float f : newMask) {
        padded |= f == 0f;
      }
      NDArray pad = padded ? keyMask.sub(1f).mul(HALF_MAX).reshape(b, 1, 1, total) : null;
      int rows = blockRows(b, t, total);
      int nh = cfg.heads();
      int kvh = cfg.kvHeads();
      int hd = cfg.headDim();
      int rep = nh / kvh;
      // causal mask of a block's diagonal keys, rows in (position, head) order: [rows*rep, rows]
      NDArray causal = rows > 1
          ? s.arange(0, rows).reshape(1, 1, rows).gt(s.arange(0, rows).reshape(rows, 1, 1))
              .toType(DataType.FLOAT32, false).mul(-HALF_MAX).repeat(1, rep).reshape(rows * rep, rows)
          : null;
      float scale = (float) (1.0 / Math.sqrt(hd));
      // logits of the last position only and nothing observed: the last layer needs the keys and
      // values of every position (for the cache) but its attention, output projection and MLP
      // only for the last position, whose values do not depend on the other positions' outputs
      boolean lastRowOnly = !allPositions && probe == null && t > 1;
      for (int li = 0; li < layers.length; li++) {
        NDArray next;
        // per-layer scope: the layer's intermediates (scores, probabilities, ...) are freed here
        try (NDManager ls = s.newSubManager()) {
          x.tempAttach(ls);
          Layer l = layers[li];
          NDArray n = rmsNorm(x, l.inNorm);
          NDArray qkv = (l.qkvBias == null ? Linear.linear(n, l.qkv) : Linear.linear(n, l.qkv, l.qkvBias))
              .singletonOrThrow().reshape(b, t, nh + 2 * kvh, hd);
          NDList parts = qkv.split(new long[] {nh + kvh}, 2);
          NDArray qk = parts.get(0);
          NDArray v = parts.get(1).transpose(0, 2, 1, 3);
          NDList halves = qk.split(new long[] {hd / 2}, 3);
          NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
          NDList qkParts = qk.mul(cos).add(rotated.mul(sin)).split(new long[] {nh}, 2);
          // queries grouped by KV head, rows in (position, head of the group) order: [B, kvh, T*rep, d]
          NDArray q = qkParts.get(0).mul(scale).reshape(b, t, kvh, rep, hd).transpose(0, 2, 1, 3, 4)
              .reshape(b, kvh, t * rep, hd);
          NDArray k = qkParts.get(1).transpose(0, 2, 1, 3);
          if (cache.keys[li] != null) {
            // concat results land on the cache's manager; move them into this layer's scope so
            // that views derived below (transposes) die with it, then hand them to the cache
            k = cache.keys[li].concat(k, 2);
            v = cache.values[li].concat(v, 2);
            k.attach(ls);
            v.attach(ls);
          }
          // the last layer of a last-row-only pass: the last position as a pass of one row after
          // past + t - 1 positions (it sees all keys)
          boolean trim = lastRowOnly && li == layers.length - 1;
          int rowsIn = trim ? 1 : t;
          NDArray qIn = trim ? q.get(new NDIndex(":, :, {}:, :", (t - 1) * rep)) : q;
          NDArray in = trim ? x.get(new NDIndex(":, -1:, :")) : x;
          NDArray ctx = attend(qIn, k, v, rowsIn, past + t - rowsIn, trim ? 1 : rows, pad, causal, probe, li)
              .reshape(b, kvh, rowsIn, rep, hd).transpose(0, 2, 1, 3, 4).reshape(b, rowsIn, nh * hd);
          NDArray attnOut = (l.oBias == null ? Linear.linear(ctx, l.o) : Linear.linear(ctx, l.o, l.oBias))
              .singletonOrThrow();
          NDArray hres = in.add(attnOut);
          NDArray n2 = rmsNorm(hres, l.postNorm);
          NDArray act = Activation.swish(Linear.linear(n2, l.gate).singletonOrThrow(), 1f)
              .muli(Linear.linear(n2, l.up).singletonOrThrow());
          next = hres.add(Linear.linear(act, l.down).singletonOrThrow());
          next.attach(s);
          cache.set(li, k, v);
        }
        x = next;
        if (probe != null) {
          probe.layerOutput(li, x);
        }
      }
      cache.setMask(keyMask);
      cache.padded = padded;
      cache.length = total;
      NDArray last = allPositions ? x : x.get(new NDIndex(":, -1, :"));
      NDArray normed = rmsNorm(last, finalNorm);
      if (probe != null) {
        probe.finalNorm(normed);
      }
      NDArray logits = Linear.linear(normed, lmHead).singletonOrThrow();
      if (logits.getDataType() != DataType.FLOAT32) {
        logits = logits.toType(DataType.FLOAT32, false);
      }
      logits.attach(out);
      return logits;
    }
  }

  /**
   * Rows of one attention block: at most {@link #BLOCK_ELEMENTS} scores ({@code B * heads * rows *
   * keys}) at a time, and at least one row.
   */
  private int blockRows(int b, int t, int total) {
    long budget = manager.getDevice().isGpu() ? GPU_BLOCK_ELEMENTS : BLOCK_ELEMENTS;
    long perRow = (long) b * cfg.heads() * total;
    int rows = (int) Math.max(1, Math.min(t, budget / perRow));
    return maxBlockRows > 0 ? Math.min(rows, maxBlockRows) : rows;
  }

  /** Tests: blocks of at most {@code rows} query rows (0: by size only), to check many-block passes. */
  void maxBlockRows(int rows) {
    this.maxBlockRows = rows;
  }

  /**
   * Attention of the {@code t} new positions, {@code rows} positions at a time: {@code q} {@code
   * [B, kvHeads, T*rep, d]} (scaled; rows in (position, head of the group) order, so that a block
   * of positions is a slice), {@code k}/{@code v} {@code [B, kvHeads, S, d]} with the {@code past}
   * cached positions first. Positions r0..r1-1 see keys {@code [0, past + r1)} only (the later
   * keys are causally masked for all of them, so their probabilities are exactly 0 and are not
   * computed); of those, only the diagonal keys {@code [past + r0, past + r1)} get the causal
   * mask, added in place; the padding mask {@code pad} ({@code [B, 1, 1, S]}, when not null)
   * covers all. The softmax is PyTorch's, in float32, over each whole row, so a row's
   * probabilities are those of one softmax over all its visible keys. Small blocks keep the
   * score matrix in cache and let the allocator reuse its memory: on a CPU a {@code [heads, T, S]}
   * matrix per chunk costs more in page faults and memory passes than in arithmetic. Returns
   * {@code [B, kvHeads, T*rep, d]}, rows as in {@code q}.
   */
  private NDArray attend(NDArray q, NDArray k, NDArray v, int t, int past, int rows, NDArray pad,
      NDArray causal, Probe probe, int layer) {
    long[] ks = k.getShape().getShape();
    int b = (int) ks[0];
    int kvh = (int) ks[1];
    int total = (int) ks[2];
    int hd = (int) ks[3];
    int rep = cfg.heads() / kvh;
    boolean observe = probe != null && probe.wantsAttention(layer);
    NDArray kt = k.transpose(0, 1, 3, 2);
    NDManager owner = q.getManager();
    NDList blocks = new NDList();
    for (int r0 = 0; r0 < t; r0 += rows) {
      int r1 = Math.min(t, r0 + rows);
      int n = r1 - r0;
      int keys = past + r1;
      try (NDManager bs = owner.newSubManager()) {
        NDArray qb = n == t ? q : view(q, bs, new NDIndex(":, :, {}:{}, :", r0 * rep, r1 * rep));
        NDArray kb = keys == total ? kt : view(kt, bs, new NDIndex(":, :, :, :{}", keys));
        // grouped-query attention: [B, kvh, n*rep, d] x [B, kvh, d, keys]
        NDArray scores = qb.matMul(kb);
        scores.attach(bs);
        if (dtype != DataType.FLOAT32) {
          scores = scores.toType(DataType.FLOAT32, false);
        }
        if (pad != null) {
          scores = scores.add(keys == total ? pad : view(pad, bs, new NDIndex(":, :, :, :{}", keys)));
        }
        if (n > 1) {
          NDArray tri = n == rows ? causal : view(causal, bs, new NDIndex(":{}, :{}", n * rep, n));
          view(scores, bs, new NDIndex(":, :, :, {}:", past + r0)).addi(tri);
        }
        NDArray probs = scores.softmax(3);
        if (observe) {
          // [B, heads, n, keys], heads in order (head h = kv head h / rep, member h % rep)
          probe.attention(layer, r0,
              probs.reshape(b, kvh, n, rep, keys).transpose(0, 1, 3, 2, 4).reshape(b, kvh * rep, n, keys));
        }
        if (dtype != DataType.FLOAT32) {
          probs = probs.toType(dtype, false);
        }
        NDArray vb = keys == total ? v : view(v, bs, new NDIndex(":, :, :{}, :", keys));
        NDArray ctx = probs.matMul(vb);
        ctx.attach(owner);
        blocks.add(ctx);
      }
    }
    return blocks.size() == 1 ? blocks.singletonOrThrow() : NDArrays.concat(blocks, 2);
  }

  /** {@code a.get(index)}, owned by {@code m} (freed with the block, not with {@code a}). */
  private static NDArray view(NDArray a, NDManager m, NDIndex index) {
    NDArray r = a.get(index);
    r.attach(m);
    return r;
  }

  private NDArray rmsNorm(NDArray x, NDArray w) {
    NDArray xf = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
    NDArray r = xf.mul(xf.square().mean(new int[] {-1}, true).add((float) cfg.rmsEps()).pow(-0.5f));
    if (dtype != DataType.FLOAT32) {
      r = r.toType(dtype, false);
    }
    return r.mul(w);
  }

  @Override
  public void close() {
    manager.close();
  }
}
