package io.trawl.rerank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.T5Model;
import io.trawl.model.TextTokenizer;
import io.trawl.model.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * monoT5 pointwise reranking (Nogueira, Jiang, Pradeep and Lin, 2020, "Document Ranking with a
 * Pretrained Sequence-to-Sequence Model", Findings of EMNLP; pygaggle's {@code MonoT5}).
 *
 * <p>Each candidate becomes {@code Query: {q} Document: {d} Relevant:}, tokenized with the T5
 * tokenizer ({@code </s>} appended) and truncated to {@code max-length} tokens. The decoder runs one
 * step from the start token 0 and the score is
 * {@code log_softmax([logit(▁false), logit(▁true)])[1]} = log P(true), ids 6136 / 1176 in the T5
 * vocabulary (override with {@code true-id} / {@code false-id}). Long documents can be split into
 * word windows ({@code passage-words}, {@code passage-stride}) scored separately, the document
 * taking the maximum ("MaxP").
 *
 * <p>Spec: {@code monot5(model=PATH,batch=8,max-length=512,device=cpu,dtype=float32,threads=0,
 * true-id=1176,false-id=6136,passage-words=0,passage-stride=0)}; only {@code model} is required.
 * The canonical spec ({@link #spec()}) has the parameters that decide the scores, with their
 * effective values: {@code monot5(model=PATH,batch=8,max-length=512,device=cpu,dtype=float32,
 * true-id=1176,false-id=6136,passage-words=0,passage-stride=0)} (the batch is there because
 * batches of other shapes round differently in the last bits; {@code device} as resolved, e.g.
 * {@code gpu:0} for {@code auto} on a GPU host); only {@code threads} is left out.
 * Candidates of one query are sorted by token length and run in batches of {@code batch}, so
 * padding is small; queries are never mixed in a batch, which keeps every query's scores
 * independent of the others (resumed runs are byte-identical to uninterrupted ones).
 */
public final class MonoT5Reranker extends PointwiseReranker {
  public static final String NAME = "monot5";
  static final String[] KEYS = {"model", "batch", "max-length", "device", "dtype", "threads", "true-id",
      "false-id", "passage-words", "passage-stride"};

  private final Cost cost = new Cost();
  private final String spec;
  private final T5Model model;
  private final TextTokenizer tokenizer;
  private final int batch;
  private final int maxLength;
  private final int passageWords;
  private final int passageStride;
  private final int trueId;
  private final int falseId;
  private final NDArray pairRows;

  public MonoT5Reranker(Params p) {
    super(NAME);
    Path folder = Path.of(p.requireString("model", NAME));
    this.batch = p.getInt("batch", 8);
    this.maxLength = p.getInt("max-length", 512);
    String device = p.getString("device", "cpu");
    String dtype = p.getString("dtype", "float32");
    int threads = p.getInt("threads", 0);
    this.trueId = p.getInt("true-id", 1176);
    this.falseId = p.getInt("false-id", 6136);
    this.passageWords = p.getInt("passage-words", 0);
    this.passageStride = p.getInt("passage-stride", passageWords > 0 ? Math.max(1, passageWords / 2) : 0);
    p.requireEmpty(NAME, KEYS);
    if (batch < 1 || batch > 4096) {
      throw TrawlException.invalid("monot5: batch must be in 1..4096, got " + batch);
    }
    if (maxLength < 8 || maxLength > 65536) {
      throw TrawlException.invalid("monot5: max-length must be in 8..65536, got " + maxLength);
    }
    if (passageWords < 0 || (passageWords > 0 && (passageStride < 1 || passageStride > passageWords))) {
      throw TrawlException.invalid("monot5: passage-words must be >= 0 and passage-stride in 1..passage-words");
    }
    ComputeOptions options = new ComputeOptions(device, dtype, threads);
    // what decides the scores: the batch too (padded batches of other shapes round otherwise);
    // threads only decide how fast they come
    this.spec = Spec.builder(NAME).put("model", folder.toString()).put("batch", batch)
        .put("max-length", maxLength).put("device", options.effectiveDevice())
        .put("dtype", options.dtype()).put("true-id", trueId).put("false-id", falseId)
        .put("passage-words", passageWords).put("passage-stride", passageWords > 0 ? passageStride : 0)
        .toString();
    Loaded loaded = load(NAME, folder, options, trueId, falseId);
    this.model = loaded.model();
    this.tokenizer = loaded.tokenizer();
    this.pairRows = loaded.pairRows();
  }

  /** A T5 checkpoint ready to score true/false at the first decoder step (monoT5, duoT5). */
  record Loaded(T5Model model, TextTokenizer tokenizer, NDArray pairRows) {}

  /**
   * Loads the model and its T5 tokenizer and picks the head rows of {@code falseId} and
   * {@code trueId} (checked against the vocabulary); nothing stays open on failure.
   */
  static Loaded load(String owner, Path folder, ComputeOptions options, int trueId, int falseId) {
    T5Model m = T5Model.load(folder, options);
    try {
      TextTokenizer tokenizer = Tokenizers.load(folder, Tokenizers.Convention.T5);
      long vocab = m.headSize();
      if (trueId < 0 || trueId >= vocab || falseId < 0 || falseId >= vocab) {
        tokenizer.close();
        throw TrawlException.invalid(owner + ": true-id/false-id " + trueId + "/" + falseId
            + " outside the model's vocabulary of " + vocab);
      }
      return new Loaded(m, tokenizer, m.headRows(falseId, trueId));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  @Override
  public String spec() {
    return spec;
  }

  /** The model input text for a query and a document (or passage). */
  public static String prompt(String query, String document) {
    return "Query: " + query + " Document: " + document + " Relevant:";
  }

  /** Token ids of the prompt, truncated to max-length with {@code </s>} kept. */
  public int[] tokenize(String query, String document) {
    return tokenizer.encodeForModel(prompt(query, document), maxLength);
  }

  @Override
  public Cost cost() {
    return cost;
  }

  /** Per query (queries never share a batch): the best score of each candidate's passages. */
  @Override
  protected List<double[]> scoreAll(List<Query> queries, List<RankedList> lists) {
    List<double[]> out = new ArrayList<>(lists.size());
    for (int q = 0; q < lists.size(); q++) {
      out.add(score(queries.get(q), lists.get(q)));
    }
    return out;
  }

  private double[] score(Query query, RankedList candidates) {
    int n = candidates.size();
    double[] best = new double[n];
    if (n == 0) {
      return best;
    }
    List<int[]> inputs = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (String passage : passages(candidates.get(i).text())) {
        inputs.add(tokenize(query.text(), passage));
        owners.add(i);
      }
    }
    long tokens = 0;
    for (int[] row : inputs) {
      tokens += row.length;
    }
    cost.prefills(query.id(), inputs.size(), tokens); // encoder pass + one decoder step per input
    float[] s = scoreIds(inputs.toArray(new int[0][]));
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int k = 0; k < s.length; k++) {
      best[owners.get(k)] = Math.max(best[owners.get(k)], s[k]);
    }
    return best;
  }

  /** The document itself, or its word windows when {@code passage-words > 0}. */
  List<String> passages(String text) {
    if (passageWords <= 0) {
      return List.of(text);
    }
    String[] words = text.trim().split("\\s+");
    if (words.length <= passageWords) {
      return List.of(text);
    }
    List<String> out = new ArrayList<>();
    for (int start = 0; start < words.length; start += passageStride) {
      int end = Math.min(words.length, start + passageWords);
      out.add(String.join(" ", Arrays.asList(words).subList(start, end)));
      if (end == words.length) {
        break;
      }
    }
    return out;
  }

  /**
   * log P(true) for each row of token ids: rows are sorted by length and run in batches of
   * {@code batch}; results are in the order of {@code rows}.
   */
  public float[] scoreIds(int[][] rows) {
    Integer[] order = new Integer[rows.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -rows[i].length).thenComparingInt(i -> i));
    float[] out = new float[rows.length];
    for (int from = 0; from < rows.length; from += batch) {
      int to = Math.min(rows.length, from + batch);
      int[][] chunk = new int[to - from][];
      for (int k = from; k < to; k++) {
        chunk[k - from] = rows[order[k]];
      }
      float[] s = scoreBatch(model, pairRows, chunk);
      for (int k = from; k < to; k++) {
        out[order[k]] = s[k - from];
      }
    }
    return out;
  }

  /**
   * One padded batch: encoder, one decoder step from the start token, the two logits
   * {@code [false, true]} ({@code pairRows} from {@link T5Model#headRows(int...)}), log P(true).
   */
  public static float[] scoreBatch(T5Model model, NDArray pairRows, int[][] chunk) {
    float[] pair = firstStepPairLogits(model, pairRows, chunk);
    float[] out = new float[chunk.length];
    for (int k = 0; k < chunk.length; k++) {
      double f = pair[2 * k];
      double t = pair[2 * k + 1];
      double mx = Math.max(f, t);
      out[k] = (float) (t - mx - Math.log(Math.exp(f - mx) + Math.exp(t - mx)));
    }
    return out;
  }

  /**
   * One padded batch (right-padded by {@link T5Model#encode}): encoder, one decoder step from the
   * start token, and the logits of the {@code pairRows} ids ({@link T5Model#headRows(int...)}),
   * row after row: {@code [row0 id0, row0 id1, row1 id0, ...]}.
   */
  public static float[] firstStepPairLogits(T5Model model, NDArray pairRows, int[][] chunk) {
    try (NDManager m = model.manager().newSubManager()) {
      T5Model.EncoderOutput enc = model.encode(m, chunk);
      try (T5Model.Decoder dec = model.decoder(m, enc)) {
        int[][] start = new int[chunk.length][];
        for (int i = 0; i < start.length; i++) {
          start[i] = new int[] {model.config().decoderStartTokenId()};
        }
        NDArray h = dec.step(start);
        return model.logits(h, pairRows).toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
  }

  public T5Model model() {
    return model;
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
