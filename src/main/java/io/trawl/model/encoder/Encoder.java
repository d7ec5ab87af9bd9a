package io.trawl.model.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.trawl.core.TrawlException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A BERT-style bi-encoder: tokenises with the model's own {@code tokenizer.json} (DJL's Hugging
 * Face tokenizers binding), runs the network on one of two engines, pools ({@link
 * EncoderConfig#pooling()}) and L2-normalises.
 *
 * <ul>
 *   <li><b>exact</b> ({@link BertModel}, the default for fp32 weights): the forward pass in Java
 *       with a fixed order of arithmetic. An embedding is a function of its text alone, bit for
 *       bit, on any CPU, with any thread count, batch size or batch neighbours.
 *   <li><b>onnxruntime</b> (int8 models, {@code -q} names): ONNX Runtime's CPU kernels. Faster,
 *       but not reproducible across machines: its int8 kernels differ by instruction set (u8s8
 *       through int16 with saturation on AVX2 without VNNI) and dynamic quantisation takes one
 *       activation scale per padded batch, so an embedding depends slightly on its batch
 *       neighbours. Opt-in; never behind a published number (docs/dense.md gives the measured
 *       tolerance).
 * </ul>
 *
 * <p>Batching: texts are tokenised, sorted by token count and cut into batches of
 * {@link EncoderOptions#batchSize()}; results come back in input order. Inputs longer than the
 * maximum length keep their first {@code max-1} tokens and their final special token
 * ({@code [SEP]}), exactly like Hugging Face truncation; each one is counted in
 * {@link #truncatedCount()} (never an error).
 */
public final class Encoder implements AutoCloseable {
  /** Runs the network: the last hidden state of each token sequence. */
  interface Backend extends AutoCloseable {
    /** Hidden states {@code [len_i, dimension]} row-major, one per sequence, in order. */
    List<float[]> hidden(List<long[]> batch);

    int dimension();

    /** Rows of the token embedding, or 0 when the engine does not say. */
    default int vocabulary() {
      return 0;
    }

    /** The most tokens one text may have, or 0 when the engine does not say. */
    default int maxPositions() {
      return 0;
    }

    /** {@code exact} or {@code onnxruntime}. */
    String engine();

    @Override
    void close();
  }

  private final EncoderConfig config;
  private final int maxLength;
  private final int batchSize;
  private final HuggingFaceTokenizer tokenizer;
  private final Backend backend;
  private final int dimension;
  private final AtomicLong truncated = new AtomicLong();
  // open while the native tokenizer and engine are: a Ctrl-C waits for them to be released
  private final io.trawl.core.Shutdown.Job job;

  Encoder(EncoderConfig config, byte[] tokenizerJson, EncoderOptions options,
      java.util.function.Function<EncoderOptions, Backend> engine) {
    this.job = io.trawl.core.Shutdown.job();
    boolean opened = false;
    try {
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
      Backend b;
      try {
        b = engine.apply(options);
      } catch (RuntimeException e) {
        tokenizer.close();
        throw e;
      }
      this.backend = b;
      try {
        check(tokenizerJson);
      } catch (RuntimeException e) {
        b.close();
        tokenizer.close();
        throw e;
      }
      this.dimension = backend.dimension() > 0 ? backend.dimension()
          : backend.hidden(List.of(tokenize("x"))).get(0).length;
      opened = true;
    } finally {
      if (!opened) {
        job.close();
      }
    }
  }

  /**
   * Fails at open, not hours into a job: the tokenizer must not produce ids beyond the model's
   * embedding rows, and the maximum length must fit the model's positions.
   */
  private void check(byte[] tokenizerJson) {
    int vocab = backend.vocabulary();
    if (vocab > 0) {
      int maxId = maxTokenId(tokenizerJson);
      if (maxId >= vocab) {
        throw TrawlException.invalid(config.name() + ": tokenizer.json has token id " + maxId
            + " but the model has " + vocab + " token embeddings; they do not belong together");
      }
    }
    int positions = backend.maxPositions();
    if (positions > 0 && maxLength > positions) {
      throw TrawlException.invalid(config.name() + ": max length " + maxLength + " exceeds the model's "
          + positions + " positions");
    }
  }

  /** The largest id in a tokenizer.json's vocabulary and added tokens (-1 if none is found). */
  static int maxTokenId(byte[] tokenizerJson) {
    try {
      com.fasterxml.jackson.databind.JsonNode root =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenizerJson);
      int max = -1;
      com.fasterxml.jackson.databind.JsonNode vocab = root.path("model").path("vocab");
      if (vocab.isObject()) {
        for (var it = vocab.elements(); it.hasNext(); ) {
          max = Math.max(max, it.next().asInt(-1));
        }
      } else if (vocab.isArray()) {
        max = vocab.size() - 1; // Unigram: the index is the id
      }
      for (com.fasterxml.jackson.databind.JsonNode t : root.path("added_tokens")) {
        max = Math.max(max, t.path("id").asInt(-1));
      }
      return max;
    } catch (IOException e) {
      return -1; // the tokenizer itself loaded, so this cannot happen
    }
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
   * Encodes texts so that each one's vector never depends on the others: batched on the exact
   * engine (where that holds by construction), one by one on ONNX Runtime. Used for queries, so a
   * query's ranking does not change with the other queries of a run.
   */
  public float[][] encodeEach(List<String> texts, boolean query) {
    return encodeEach(texts, query, null);
  }

  /** What an encoding job has done, after each batch. */
  @FunctionalInterface
  public interface Tracker {
    /**
     * @param texts texts done
     * @param tokens their tokens (0 when not counted)
     * @param totalTokens the tokens of all texts (0 when not counted)
     */
    void done(int texts, long tokens, long totalTokens);
  }

  /** As {@link #encodeEach(List, boolean)}; {@code progress} (may be null) hears of each text done. */
  public float[][] encodeEach(List<String> texts, boolean query, Tracker progress) {
    if (exact()) {
      return encode(texts, query, progress);
    }
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = encode(List.of(texts.get(i)), query, null)[0];
      if (progress != null) {
        progress.done(i + 1, 0, 0);
      }
    }
    return out;
  }

  /** True when vectors are reproducible bit for bit on any machine (the exact engine). */
  public boolean exact() {
    return backend.engine().equals(JavaBackend.ENGINE);
  }

  /** The engine: {@code exact} or {@code onnxruntime}. */
  public String engine() {
    return backend.engine();
  }

  /**
   * Encodes texts, with the query or document prefix; {@code progress} (may be null) hears after
   * each batch how many texts and tokens are done. Texts go shortest first, so later batches are
   * slower per text: an ETA must follow the tokens.
   */
  public float[][] encode(List<String> texts, boolean query, Tracker progress) {
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
      io.trawl.core.Shutdown.check();
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
    long totalTokens = 0;
    for (long[] t : ids) {
      totalTokens += t.length;
    }
    long tokensDone = 0;
    for (int start = 0; start < n; start += batchSize) {
      io.trawl.core.Shutdown.check(); // Ctrl-C: no new native call
      int end = Math.min(n, start + batchSize);
      List<long[]> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(ids[order[i]]);
      }
      List<float[]> hidden = backend.hidden(batch);
      for (int i = start; i < end; i++) {
        out[order[i]] = pool(hidden.get(i - start), batch.get(i - start).length);
      }
      done += end - start;
      for (long[] t : batch) {
        tokensDone += t.length;
      }
      if (progress != null) {
        progress.done(done, tokensDone, totalTokens);
      }
    }
    return out;
  }

  private long[] tokenize(String text) {
    return truncate(tokenizer.encode(text, true, false).getIds());
  }

  /** The token ids the model sees for a document text (special tokens, truncation). */
  long[] tokenIds(String text) {
    return tokenize(config.docPrefix().isEmpty() ? text : config.docPrefix() + text);
  }

  /** How many tokens the model reads for a document text (prefix, special tokens, truncation). */
  public int documentTokens(String text) {
    return tokensRead(config.docPrefix() + text);
  }

  /** How many tokens the model reads for a query text (prefix, special tokens, truncation). */
  public int queryTokens(String text) {
    return tokensRead(config.queryPrefix() + text);
  }

  /** The token count after truncation, without counting a truncation ({@link #truncatedCount}). */
  private int tokensRead(String text) {
    return Math.min(maxLength, tokenizer.encode(text, true, false).getIds().length);
  }

  private long[] truncate(long[] ids) {
    if (ids.length == 0) {
      throw TrawlException.invalid(config.name() + ": a text encodes to no tokens (this tokenizer"
          + " adds no special tokens, and the text is empty)");
    }
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

  /** CLS or mean pooling of one sequence's hidden states {@code [len, d]}, then normalisation. */
  private float[] pool(float[] h, int len) {
    int d = dimension;
    float[] v = new float[d];
    if (config.pooling() == Pooling.CLS) {
      System.arraycopy(h, 0, v, 0, d);
    } else {
      double[] acc = new double[d];
      for (int k = 0; k < len; k++) {
        int off = k * d;
        for (int j = 0; j < d; j++) {
          acc[j] += h[off + j];
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

  /** Dot product (== cosine for normalised vectors): {@link io.trawl.core.Vectors#dot}. */
  public static float dot(float[] a, float[] b) {
    return io.trawl.core.Vectors.dot(a, b);
  }

  @Override
  public void close() {
    try {
      backend.close();
      tokenizer.close();
    } finally {
      job.close();
    }
  }
}
