package io.trawl.model.encoder;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.model.HfConfig;
import io.trawl.model.SafeTensors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A SPLADE query encoder (Formal et al. 2021, "SPLADE v2"; SPLADE++, Formal et al. 2022): a BERT
 * masked-language model whose logits {@code l[i][j]} (token {@code i} of the query, vocabulary
 * entry {@code j}) become one weight per vocabulary entry by max pooling,
 * {@code w[j] = max_i log(1 + relu(l[i][j]))}, and then, as Anserini's
 * {@code SpladePlusPlusEncoder} does, the entries of {@code [PAD]}, {@code [CLS]} and
 * {@code [SEP]} are dropped and each weight becomes the integer
 * {@code round(w / 5 * 256)} (float arithmetic, Java's {@code Math.round}). The query the
 * {@code impact} retriever searches is the pseudo-document that repeats each word piece that many
 * times, in vocabulary order ({@link #pseudoDocument}), Anserini's encoded query string.
 *
 * <p>A model folder holds the tokenizer ({@code tokenizer.json}, or a WordPiece {@code vocab.txt}
 * as Anserini ships it, read as BERT's uncased tokenizer) and the network, run by one of two
 * engines:
 *
 * <ul>
 *   <li><b>exact</b>: a Hugging Face {@code BertForMaskedLM} folder ({@code config.json},
 *       {@code model.safetensors}, e.g. naver/splade-cocondenser-ensembledistil). The forward
 *       pass and the MLM head (dense, GELU, layer norm, decoder tied to the word embeddings, bias)
 *       run on {@link BertModel}'s fixed-order arithmetic: the same weights on every CPU.
 *   <li><b>onnxruntime</b>: an ONNX graph ({@code model.onnx}, or the folder's only {@code .onnx}
 *       file) with inputs {@code input_ids} (and {@code token_type_ids}, {@code attention_mask}
 *       when it has them) and either Anserini's outputs {@code output_idx}/{@code output_weights}
 *       (splade-pp-ed-optimized.onnx: the pooled weights, nonzero entries only) or MLM
 *       {@code logits [1, t, V]}, pooled here. ONNX Runtime's float kernels differ by CPU in the
 *       last bits, which the integer weights absorb except at a rounding boundary.
 * </ul>
 *
 * Queries longer than {@link #maxLength()} tokens keep their first {@code max-1} tokens and
 * {@code [SEP]}.
 */
public final class SpladeEncoder implements AutoCloseable {
  /** Anserini's quantisation of SPLADE++ query weights: {@code round(w / 5 * 256)}. */
  public static final int WEIGHT_RANGE = 5;

  public static final int QUANT_RANGE = 256;

  /** Anserini's SPLADE query length (and BERT's positions). */
  public static final int MAX_LENGTH = 512;

  /** The network: pooled weights of one token sequence, ascending vocabulary ids, nonzero only. */
  private interface Engine extends AutoCloseable {
    Weights weights(long[] ids);

    String name();

    int maxPositions();

    @Override
    void close();
  }

  /** Sparse weights: vocabulary ids ascending and their weights (all positive). */
  public record Weights(int[] ids, float[] weights) {}

  private final Path folder;
  private final HuggingFaceTokenizer tokenizer;
  private final String[] vocab;
  private final int[] dropped;
  private final Engine engine;
  private final int maxLength;

  private SpladeEncoder(Path folder, HuggingFaceTokenizer tokenizer, String[] vocab, Engine engine) {
    this.folder = folder;
    this.tokenizer = tokenizer;
    this.vocab = vocab;
    this.engine = engine;
    this.maxLength = engine.maxPositions() > 0 ? Math.min(MAX_LENGTH, engine.maxPositions()) : MAX_LENGTH;
    List<Integer> d = new ArrayList<>();
    for (String special : new String[] {"[PAD]", "[CLS]", "[SEP]"}) {
      int id = Arrays.asList(vocab).indexOf(special);
      if (id >= 0) {
        d.add(id);
      }
    }
    this.dropped = d.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /**
   * Opens a SPLADE model folder. {@code engine}: {@code exact} (needs config.json and
   * model.safetensors), {@code onnxruntime} (needs an .onnx graph), or {@code auto} (exact when
   * possible).
   */
  public static SpladeEncoder open(Path folder, String engine) {
    if (!Files.isDirectory(folder)) {
      throw new InputException(folder.toString(), "SPLADE encoder folder not found");
    }
    if (!Arrays.asList("auto", JavaBackend.ENGINE, OrtBackend.ENGINE).contains(engine)) {
      throw TrawlException.invalid("unknown encoder engine '" + engine + "'; valid: auto, exact, onnxruntime");
    }
    boolean hf = Files.isRegularFile(folder.resolve("config.json"))
        && Files.isRegularFile(folder.resolve("model.safetensors"));
    Path onnx = onnxFile(folder);
    if (engine.equals(JavaBackend.ENGINE) && !hf) {
      throw new InputException(folder.toString(), "the exact engine needs a Hugging Face "
          + "BertForMaskedLM folder: config.json and model.safetensors");
    }
    if (engine.equals(OrtBackend.ENGINE) && onnx == null) {
      throw new InputException(folder.toString(), "the onnxruntime engine needs an .onnx graph"
          + " (model.onnx, or the folder's only .onnx file)");
    }
    if (!hf && onnx == null) {
      throw new InputException(folder.toString(), "SPLADE encoder folder has no model: needs "
          + "config.json + model.safetensors (Hugging Face BertForMaskedLM) or an .onnx graph");
    }
    byte[] tokenizerJson = tokenizerJson(folder);
    HuggingFaceTokenizer tok;
    try {
      Map<String, String> opts = new HashMap<>();
      opts.put("addSpecialTokens", "true");
      opts.put("truncation", "false");
      opts.put("padding", "false");
      tok = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), opts);
    } catch (IOException | RuntimeException e) {
      throw new InputException(folder.toString(), "cannot load the tokenizer: " + e.getMessage());
    }
    try {
      String[] vocab = vocabulary(tokenizerJson, folder);
      boolean exact = hf && !engine.equals(OrtBackend.ENGINE);
      Engine e = exact ? exactEngine(folder, vocab.length) : new OrtEngine(onnx, vocab.length);
      return new SpladeEncoder(folder, tok, vocab, e);
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  public Path folder() {
    return folder;
  }

  /** {@code exact} or {@code onnxruntime}. */
  public String engine() {
    return engine.name();
  }

  public int maxLength() {
    return maxLength;
  }

  /** The token ids the model reads for a query: [CLS], word pieces, [SEP], truncated. */
  public long[] tokenIds(String text) {
    long[] ids = tokenizer.encode(text, true, false).getIds();
    if (ids.length <= maxLength) {
      return ids;
    }
    long[] t = Arrays.copyOf(ids, maxLength);
    t[maxLength - 1] = ids[ids.length - 1];
    return t;
  }

  /** The pooled weights of a query (special tokens included, as the model gives them). */
  public Weights weights(String text) {
    return engine.weights(tokenIds(text));
  }

  /**
   * The quantised query: word piece to integer weight, in vocabulary order, [PAD], [CLS] and
   * [SEP] dropped; weights that round to 0 are kept (with 0), as Anserini's map keeps them.
   */
  public LinkedHashMap<String, Integer> encode(String text) {
    Weights w = weights(text);
    LinkedHashMap<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < w.ids().length; i++) {
      int id = w.ids()[i];
      if (Arrays.binarySearch(dropped, id) >= 0) {
        continue;
      }
      out.put(vocab[id], quantise(w.weights()[i]));
    }
    return out;
  }

  /** Anserini's {@code Math.round(weight / weightRange * quantRange)}, in float. */
  public static int quantise(float weight) {
    return Math.round(weight / WEIGHT_RANGE * QUANT_RANGE);
  }

  /**
   * The encoded query as the impact retriever reads it: each word piece repeated its weight
   * times, separated by single spaces (empty when every weight rounds to 0).
   */
  public String pseudoDocument(String text) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Integer> e : encode(text).entrySet()) {
      for (int i = 0; i < e.getValue(); i++) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(e.getKey());
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    engine.close();
    tokenizer.close();
  }

  // ---- pooling ------------------------------------------------------------------------------

  /**
   * {@code max_i log(1 + relu(logits[i][j]))} over {@code t} rows of {@code v} logits, nonzero
   * entries only. {@code 1 + relu} is rounded to float first, as float32 frameworks compute it;
   * the logarithm is fdlibm's ({@link StrictMath}), the same on every JVM.
   */
  static Weights pool(float[] logits, int t, int v) {
    float[] max = new float[v];
    for (int i = 0; i < t; i++) {
      int off = i * v;
      for (int j = 0; j < v; j++) {
        float l = logits[off + j];
        if (l > max[j]) {
          max[j] = l; // log(1 + relu(x)) is increasing: pool the logits, transform once
        }
      }
    }
    int n = 0;
    for (int j = 0; j < v; j++) {
      if (max[j] > 0) {
        n++;
      }
    }
    int[] ids = new int[n];
    float[] w = new float[n];
    int k = 0;
    for (int j = 0; j < v; j++) {
      if (max[j] > 0) {
        float w1 = (float) StrictMath.log(1f + max[j]);
        if (w1 > 0) {
          ids[k] = j;
          w[k++] = w1;
        }
      }
    }
    return new Weights(Arrays.copyOf(ids, k), Arrays.copyOf(w, k));
  }

  // ---- engines ------------------------------------------------------------------------------

  private static Engine exactEngine(Path folder, int tokenizerVocab) {
    HfConfig c = HfConfig.load(folder);
    String type = c.getString("model_type", "");
    String positions = c.getString("position_embedding_type", "absolute");
    if (!type.equals("bert") || !positions.equals("absolute")) {
      throw c.error("model_type '" + type + "' with position_embedding_type '" + positions
          + "' is not supported by the exact engine (only BERT, absolute positions); give an .onnx"
          + " graph to run it on ONNX Runtime");
    }
    String act = c.getString("hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw c.error("hidden_act '" + act + "' is not supported (only gelu, the exact erf GELU)");
    }
    int heads = c.positiveInt("num_attention_heads");
    double eps = c.getDouble("layer_norm_eps", Encoders.BERT_EPS);
    Path file = folder.resolve("model.safetensors");
    BertModel bert;
    try {
      bert = BertModel.fromSafeTensors(file, heads, eps);
    } catch (OnnxGraph.FormatError | IllegalArgumentException e) {
      throw new TrawlException(TrawlException.INVALID_INPUT, e.getMessage(), e);
    }
    return new ExactEngine(bert, MlmHead.read(file, bert, eps), tokenizerVocab);
  }

  /**
   * Hugging Face's {@code BertOnlyMLMHead}: {@code LayerNorm(GELU(x W_t + b_t)) W_d + b}, with
   * {@code W_d} the word embeddings transposed unless the checkpoint stores its own decoder.
   */
  private record MlmHead(Kernels.Packed transform, float[] transformBias, float[] lnW, float[] lnB,
      Kernels.Packed decoder, float[] bias, int vocab, double eps) {
    static MlmHead read(Path file, BertModel bert, double eps) {
      int h = bert.dimension();
      int v = bert.vocabulary();
      try (SafeTensors st = SafeTensors.open(file)) {
        String p = "cls.predictions.";
        float[] dense = st.floats(need(st, file, p + "transform.dense.weight", h, h)); // [out, in]
        float[] decoder = st.contains(p + "decoder.weight")
            ? st.floats(need(st, file, p + "decoder.weight", v, h)) : bert.wordEmbeddings();
        String biasName = st.contains(p + "bias") ? p + "bias" : p + "decoder.bias";
        return new MlmHead(new Kernels.Packed(BertModel.transpose(dense, h, h), h, h),
            st.floats(need(st, file, p + "transform.dense.bias", h)),
            st.floats(need(st, file, p + "transform.LayerNorm.weight", h)),
            st.floats(need(st, file, p + "transform.LayerNorm.bias", h)),
            new Kernels.Packed(BertModel.transpose(decoder, v, h), h, v),
            st.floats(need(st, file, biasName, v)), v, eps);
      }
    }

    private static String need(SafeTensors st, Path file, String name, long... shape) {
      if (!st.contains(name)) {
        throw new InputException(file.toString(), "no '" + name + "': not a BertForMaskedLM "
            + "checkpoint (a SPLADE model needs its MLM head)");
      }
      st.info(name, shape);
      return name;
    }

    /** The logits {@code [t, V]} of hidden states {@code [t, h]}. */
    float[] logits(float[] hidden, int t, int h) {
      float[] x = new float[t * h];
      Kernels.matmul(hidden, 0, h, transform, transformBias, x, 0, h, t);
      Kernels.gelu(x, 0, t * h, new double[t * h]);
      Kernels.layerNorm(x, 0, t, h, lnW, lnB, eps);
      float[] out = new float[t * vocab];
      Kernels.matmul(x, 0, h, decoder, bias, out, 0, vocab, t);
      return out;
    }
  }

  private record ExactEngine(BertModel bert, MlmHead head, int tokenizerVocab) implements Engine {
    ExactEngine {
      if (tokenizerVocab > bert.vocabulary()) {
        throw TrawlException.invalid("the tokenizer has " + tokenizerVocab + " entries but the model "
            + bert.vocabulary() + " token embeddings; they do not belong together");
      }
    }

    @Override
    public Weights weights(long[] ids) {
      float[] hidden = bert.forward(ids);
      return pool(head.logits(hidden, ids.length, bert.dimension()), ids.length, head.vocab());
    }

    @Override
    public String name() {
      return JavaBackend.ENGINE;
    }

    @Override
    public int maxPositions() {
      return bert.config.maxPositions();
    }

    @Override
    public void close() {}
  }

  private static final class OrtEngine implements Engine {
    private final Path file;
    private final OrtSession session;
    private final boolean typeIds;
    private final boolean mask;
    private final boolean anserini;
    private final int tokenizerVocab;

    OrtEngine(Path file, int tokenizerVocab) {
      this.file = file;
      this.tokenizerVocab = tokenizerVocab;
      try {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1); // queries run in parallel on the search threads
        so.setInterOpNumThreads(1);
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        this.session = OrtRuntime.createSession(Files.readAllBytes(file), so);
        if (!session.getInputNames().contains("input_ids")) {
          throw new InputException(file.toString(), "ONNX graph has no input 'input_ids' (inputs: "
              + session.getInputNames() + ")");
        }
        this.typeIds = session.getInputNames().contains("token_type_ids");
        this.mask = session.getInputNames().contains("attention_mask");
        Map<String, NodeInfo> outs = session.getOutputInfo();
        this.anserini = outs.containsKey("output_idx") && outs.containsKey("output_weights");
        if (!anserini) {
          long[] shape = ((TensorInfo) outs.values().iterator().next().getInfo()).getShape();
          if (shape.length != 3) {
            throw new InputException(file.toString(), "ONNX graph outputs neither output_idx/"
                + "output_weights (Anserini's SPLADE graphs) nor MLM logits [batch, tokens, vocab]"
                + " (outputs: " + outs.keySet() + ")");
          }
        }
      } catch (OrtException | OrtRuntime.OrtFailure | IOException e) {
        throw new InputException(file.toString(), "cannot load ONNX model: " + e.getMessage());
      }
    }

    @Override
    public Weights weights(long[] ids) {
      long[] shape = {1, ids.length};
      Map<String, OnnxTensor> in = new HashMap<>();
      try {
        var env = OrtRuntime.environment();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        if (typeIds) {
          in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
        }
        if (mask) {
          long[] ones = new long[ids.length];
          Arrays.fill(ones, 1L);
          in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
        }
        try (OrtSession.Result r = session.run(in)) {
          if (anserini) {
            long[] idx = longs((OnnxTensor) r.get("output_idx").orElseThrow());
            float[] w = floats((OnnxTensor) r.get("output_weights").orElseThrow());
            return sorted(idx, w);
          }
          OnnxValue v = r.get(0);
          long[] os = ((TensorInfo) v.getInfo()).getShape();
          int vocab = (int) os[2];
          if (vocab < tokenizerVocab) {
            throw new InputException(file.toString(), "the graph's logits have " + vocab
                + " entries but the tokenizer " + tokenizerVocab);
          }
          return pool(floats((OnnxTensor) v), (int) os[1], vocab);
        }
      } catch (OrtException e) {
        throw new TrawlException(TrawlException.RUNTIME, file + ": inference failed: " + e.getMessage(), e);
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    }

    private static long[] longs(OnnxTensor t) {
      LongBuffer b = t.getLongBuffer();
      long[] a = new long[b.remaining()];
      b.get(a);
      return a;
    }

    private static float[] floats(OnnxTensor t) {
      FloatBuffer b = t.getFloatBuffer();
      float[] a = new float[b.remaining()];
      b.get(a);
      return a;
    }

    /** Anserini's graph output: (id, weight) pairs; here in ascending ids, zeros dropped. */
    private Weights sorted(long[] idx, float[] w) {
      if (idx.length != w.length) {
        throw new InputException(file.toString(), "output_idx has " + idx.length
            + " entries but output_weights " + w.length);
      }
      Integer[] order = new Integer[idx.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Long.compare(idx[a], idx[b]));
      int[] ids = new int[idx.length];
      float[] ws = new float[idx.length];
      int k = 0;
      for (int o : order) {
        if (idx[o] < 0 || idx[o] >= tokenizerVocab) {
          throw new InputException(file.toString(), "output_idx " + idx[o]
              + " is outside the tokenizer's " + tokenizerVocab + " entries");
        }
        if (w[o] > 0) {
          ids[k] = (int) idx[o];
          ws[k++] = w[o];
        }
      }
      return new Weights(Arrays.copyOf(ids, k), Arrays.copyOf(ws, k));
    }

    @Override
    public String name() {
      return OrtBackend.ENGINE;
    }

    @Override
    public int maxPositions() {
      return 0;
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        // nothing useful to do
      }
    }
  }

  // ---- folder -------------------------------------------------------------------------------

  /** {@code model.onnx}, else the folder's only {@code .onnx} file, else null. */
  private static Path onnxFile(Path folder) {
    Path m = folder.resolve("model.onnx");
    if (Files.isRegularFile(m)) {
      return m;
    }
    List<Path> all = list(folder, ".onnx");
    if (all.size() > 1) {
      throw new InputException(folder.toString(), "several .onnx files and no model.onnx: "
          + all.stream().map(p -> p.getFileName().toString()).toList());
    }
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Path> list(Path folder, String suffix) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
          .sorted().toList();
    } catch (IOException e) {
      throw new InputException(folder.toString(), "cannot list: " + e.getMessage());
    }
  }

  /**
   * {@code tokenizer.json}, or one built from a WordPiece {@code vocab.txt} (or the folder's only
   * {@code *vocab*.txt}) as BERT's uncased tokenizer: Anserini reads its SPLADE vocabularies so
   * (lower-casing, accents stripped, [CLS] text [SEP]).
   */
  static byte[] tokenizerJson(Path folder) {
    Path json = folder.resolve("tokenizer.json");
    try {
      if (Files.isRegularFile(json)) {
        return Files.readAllBytes(json);
      }
      Path vocab = folder.resolve("vocab.txt");
      if (!Files.isRegularFile(vocab)) {
        List<Path> all = list(folder, ".txt").stream()
            .filter(p -> p.getFileName().toString().contains("vocab")).toList();
        if (all.size() != 1) {
          throw new InputException(folder.toString(), "SPLADE encoder folder needs tokenizer.json"
              + " or a WordPiece vocab.txt");
        }
        vocab = all.get(0);
      }
      return wordPieceTokenizer(vocab);
    } catch (IOException e) {
      throw new InputException(folder.toString(), "cannot read the tokenizer: " + e.getMessage());
    }
  }

  /** BERT's uncased WordPiece tokenizer over a vocab.txt (one piece per line, id = line index). */
  static byte[] wordPieceTokenizer(Path vocabFile) throws IOException {
    List<String> lines = Files.readAllLines(vocabFile, StandardCharsets.UTF_8);
    ObjectMapper om = new ObjectMapper();
    ObjectNode vocab = om.createObjectNode();
    for (int i = 0; i < lines.size(); i++) {
      String piece = lines.get(i);
      if (piece.isEmpty() && i == lines.size() - 1) {
        break;
      }
      if (vocab.has(piece)) {
        throw new InputException(vocabFile.toString(), i + 1, "duplicate vocabulary entry '" + piece + "'");
      }
      vocab.put(piece, i);
    }
    for (String s : new String[] {"[CLS]", "[SEP]", "[UNK]"}) {
      if (!vocab.has(s)) {
        throw new InputException(vocabFile.toString(), "no " + s + " entry: not a BERT WordPiece vocabulary");
      }
    }
    ObjectNode root = om.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : new String[] {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
      if (vocab.has(s)) {
        ObjectNode t = added.addObject();
        t.put("id", vocab.get(s).asInt());
        t.put("content", s);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
      }
    }
    ObjectNode norm = root.putObject("normalizer");
    norm.put("type", "BertNormalizer");
    norm.put("clean_text", true);
    norm.put("handle_chinese_chars", true);
    norm.putNull("strip_accents");
    norm.put("lowercase", true);
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String s : new String[] {"[CLS]", "[SEP]"}) {
      ObjectNode t = specials.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(vocab.get(s).asInt());
      t.putArray("tokens").add(s);
    }
    ObjectNode dec = root.putObject("decoder");
    dec.put("type", "WordPiece");
    dec.put("prefix", "##");
    dec.put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", "[UNK]");
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", 100);
    model.set("vocab", vocab);
    return om.writeValueAsBytes(root);
  }

  /** Vocabulary id to piece, from a tokenizer.json (WordPiece vocab and added tokens). */
  private static String[] vocabulary(byte[] tokenizerJson, Path folder) {
    try {
      var root = new ObjectMapper().readTree(tokenizerJson);
      var v = root.path("model").path("vocab");
      if (!v.isObject()) {
        throw new InputException(folder.toString(), "tokenizer.json has no WordPiece vocabulary "
            + "(a SPLADE model is BERT-based)");
      }
      int max = Encoder.maxTokenId(tokenizerJson);
      String[] out = new String[max + 1];
      v.fields().forEachRemaining(e -> out[e.getValue().asInt()] = e.getKey());
      for (var t : root.path("added_tokens")) {
        out[t.path("id").asInt()] = t.path("content").asText();
      }
      return out;
    } catch (IOException e) {
      throw new InputException(folder.toString(), "cannot read tokenizer.json: " + e.getMessage());
    }
  }
}
