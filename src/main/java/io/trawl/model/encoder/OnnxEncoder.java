package io.trawl.model.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.trawl.core.TrawlException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A BERT-style bi-encoder run with ONNX Runtime's Java API, tokenised with the model's own
 * {@code tokenizer.json} through DJL's Hugging Face tokenizers binding.
 *
 * <p>Inputs {@code input_ids}, {@code attention_mask} and (when the graph has it)
 * {@code token_type_ids}, all int64 {@code [b,t]}; output {@code last_hidden_state [b,t,d]}, pooled
 * per {@link EncoderConfig#pooling()} and L2-normalised.
 *
 * <p>Batching: texts are tokenised, sorted by token count and cut into batches of
 * {@link EncoderOptions#batchSize()}, each padded only to its own longest text; results come back
 * in input order. Inputs longer than the maximum length keep their first {@code max-1} tokens and
 * their final special token ({@code [SEP]}), exactly like Hugging Face truncation; each one is
 * counted in {@link #truncatedCount()} (never an error).
 *
 * <p>Note on int8 models: their dynamic quantisation computes one activation scale per tensor,
 * over the whole padded batch, so an int8 embedding depends slightly on its batch neighbours
 * (~1e-3); fp32 embeddings agree with one-by-one encoding to ~1e-6.
 *
 * <p>Why the ORT API rather than DJL's OnnxRuntime engine: the engine is the same native library,
 * but DJL routes tensors through NDManager/NDList; calling ORT directly lets us set intra-op
 * threads and graph optimisation per session and feed {@code LongBuffer}s without copies.
 */
public final class OnnxEncoder implements AutoCloseable {
  private final EncoderConfig config;
  private final int maxLength;
  private final int batchSize;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean typeIds;
  private final String outputName;
  private final int dimension;
  private final AtomicLong truncated = new AtomicLong();

  OnnxEncoder(EncoderConfig config, byte[] model, byte[] tokenizerJson, EncoderOptions options) {
    this.config = config;
    this.maxLength = options.maxLength() > 0 ? options.maxLength() : config.maxLength();
    this.batchSize = options.batchSize();
    try {
      Map<String, String> tokOpts = new HashMap<>();
      tokOpts.put("addSpecialTokens", "true");
      tokOpts.put("truncation", "false");
      tokOpts.put("padding", "false");
      this.tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), tokOpts);
    } catch (IOException | RuntimeException e) {
      throw new TrawlException(TrawlException.INVALID_INPUT,
          config.name() + ": cannot load tokenizer.json: " + e.getMessage(), e);
    }
    try {
      this.env = OrtRuntime.environment();
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
      so.setIntraOpNumThreads(threads);
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // no busy-waiting between ops: on shared, oversubscribed CPUs spinning threads steal the
      // cores the work needs
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      this.session = OrtRuntime.createSession(model, so);
      this.typeIds = session.getInputNames().contains("token_type_ids");
      for (String required : new String[] {"input_ids", "attention_mask"}) {
        if (!session.getInputNames().contains(required)) {
          throw TrawlException.invalid(config.name() + ": ONNX model has no input '" + required
              + "' (inputs: " + session.getInputNames() + ")");
        }
      }
      Map<String, NodeInfo> outs = session.getOutputInfo();
      this.outputName = outs.containsKey("last_hidden_state") ? "last_hidden_state"
          : outs.keySet().iterator().next();
      long[] shape = ((TensorInfo) outs.get(outputName).getInfo()).getShape();
      if (shape.length != 3) {
        throw TrawlException.invalid(config.name() + ": output '" + outputName
            + "' must be [batch, tokens, dim], got " + Arrays.toString(shape));
      }
      this.dimension = shape[2] > 0 ? (int) shape[2] : probeDimension();
    } catch (OrtException | OrtRuntime.OrtFailure e) {
      throw new TrawlException(TrawlException.INVALID_INPUT,
          config.name() + ": cannot load ONNX model: " + e.getMessage(), e);
    }
  }

  private int probeDimension() throws OrtException {
    float[][] v = runBatch(List.of(tokenize("x")));
    return v[0].length;
  }

  public EncoderConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public int dimension() {
    return dimension;
  }

  public int maxLength() {
    return maxLength;
  }

  /** Inputs truncated to {@link #maxLength()} so far. */
  public long truncatedCount() {
    return truncated.get();
  }

  /** Encodes queries (with the model's query prefix). */
  public float[][] encodeQueries(List<String> queries) {
    return encode(queries, true, null);
  }

  /** Encodes documents (with the model's document prefix). */
  public float[][] encodeDocuments(List<String> docs) {
    return encode(docs, false, null);
  }

  public float[] encodeQuery(String query) {
    return encodeQueries(List.of(query))[0];
  }

  /**
   * Encodes each text on its own (batch of one): slower, but an int8 model's output then never
   * depends on what else is encoded with it. Used for queries, so a query's ranking does not
   * change with the other queries of a run.
   */
  public float[][] encodeEach(List<String> texts, boolean query) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = encode(List.of(texts.get(i)), query, null)[0];
    }
    return out;
  }

  /**
   * Encodes texts, with the query or document prefix; {@code progress} (may be null) receives the
   * number of texts finished after each batch.
   */
  public float[][] encode(List<String> texts, boolean query, IntConsumer progress) {
    String prefix = query ? config.queryPrefix() : config.docPrefix();
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) {
      return out;
    }
    long[][] ids = new long[n][];
    // tokenise in chunks through the native batch call (parallel in Rust)
    int chunk = 1024;
    for (int start = 0; start < n; start += chunk) {
      int end = Math.min(n, start + chunk);
      List<String> part = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        String t = texts.get(i);
        part.add(prefix.isEmpty() ? t : prefix + t);
      }
      Encoding[] enc = tokenizer.batchEncode(part, true, false);
      for (int i = start; i < end; i++) {
        ids[i] = truncate(enc[i - start].getIds());
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> ids[a].length != ids[b].length
        ? Integer.compare(ids[a].length, ids[b].length) : Integer.compare(a, b));
    int done = 0;
    try {
      for (int start = 0; start < n; start += batchSize) {
        int end = Math.min(n, start + batchSize);
        List<long[]> batch = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
          batch.add(ids[order[i]]);
        }
        float[][] vecs = runBatch(batch);
        for (int i = start; i < end; i++) {
          out[order[i]] = vecs[i - start];
        }
        done += end - start;
        if (progress != null) {
          progress.accept(done);
        }
      }
    } catch (OrtException e) {
      throw new TrawlException(TrawlException.RUNTIME, config.name() + ": inference failed: " + e.getMessage(), e);
    }
    return out;
  }

  private long[] tokenize(String text) {
    return truncate(tokenizer.encode(text, true, false).getIds());
  }

  private long[] truncate(long[] ids) {
    if (ids.length <= maxLength) {
      return ids;
    }
    truncated.incrementAndGet();
    long[] t = Arrays.copyOf(ids, maxLength);
    t[maxLength - 1] = ids[ids.length - 1];
    return t;
  }

  /**
   * Cuts {@code text} to at most {@code maxTokens} word-piece tokens (special tokens not counted),
   * on a token boundary; used to budget E2Rank pseudo-queries.
   */
  public String truncateToTokens(String text, int maxTokens) {
    if (maxTokens <= 0) {
      return "";
    }
    Encoding e = tokenizer.encode(text, false, true);
    CharSpan[] spans = e.getCharTokenSpans();
    if (spans.length <= maxTokens) {
      return text;
    }
    CharSpan last = spans[maxTokens - 1];
    return last == null ? text : text.substring(0, Math.min(text.length(), last.getEnd()));
  }

  /** Token count of a text with special tokens (before truncation). */
  public int countTokens(String text) {
    return tokenizer.encode(text, true, false).getIds().length;
  }

  private float[][] runBatch(List<long[]> batch) throws OrtException {
    int b = batch.size();
    int t = 0;
    for (long[] ids : batch) {
      t = Math.max(t, ids.length);
    }
    long[] idBuf = new long[b * t];
    long[] maskBuf = new long[b * t];
    for (int i = 0; i < b; i++) {
      long[] ids = batch.get(i);
      System.arraycopy(ids, 0, idBuf, i * t, ids.length);
      Arrays.fill(maskBuf, i * t, i * t + ids.length, 1L);
    }
    long[] shape = {b, t};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idBuf), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(maskBuf), shape));
      if (typeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * t]), shape));
      }
      try (OrtSession.Result r = session.run(inputs, java.util.Set.of(outputName))) {
        OnnxValue v = r.get(0);
        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
        long[] os = ((TensorInfo) v.getInfo()).getShape();
        int d = (int) os[2];
        int tt = (int) os[1];
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
          out[i] = pool(fb, i, tt, d, batch.get(i).length);
        }
        return out;
      }
    } finally {
      for (OnnxTensor x : inputs.values()) {
        x.close();
      }
    }
  }

  private float[] pool(FloatBuffer h, int row, int t, int d, int len) {
    float[] v = new float[d];
    int base = row * t * d;
    if (config.pooling() == Pooling.CLS) {
      for (int j = 0; j < d; j++) {
        v[j] = h.get(base + j);
      }
    } else {
      double[] acc = new double[d];
      for (int k = 0; k < len; k++) {
        int off = base + k * d;
        for (int j = 0; j < d; j++) {
          acc[j] += h.get(off + j);
        }
      }
      for (int j = 0; j < d; j++) {
        v[j] = (float) (acc[j] / len);
      }
    }
    if (config.normalize()) {
      normalize(v);
    }
    return v;
  }

  /** In-place L2 normalisation (a zero vector stays zero). */
  public static void normalize(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    if (s > 0) {
      float inv = (float) (1.0 / Math.sqrt(s));
      for (int j = 0; j < v.length; j++) {
        v[j] *= inv;
      }
    }
  }

  /** Dot product (== cosine for normalised vectors). */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw TrawlException.invalid("vector dimensions differ: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to do
    }
    tokenizer.close();
  }
}
