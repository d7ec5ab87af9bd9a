package io.trawl.rerank;

import ai.djl.ndarray.NDArray;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.T5Model;
import io.trawl.model.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * duoT5 pairwise reranking (Pradeep, Nogueira and Lin, 2021, "The Expando-Mono-Duo Design Pattern
 * for Text Ranking with Pretrained Sequence-to-Sequence Models", arXiv:2101.05667; PyGaggle's
 * {@code DuoT5}, commit 08339dd).
 *
 * <p>Every ordered pair (d_i, d_j), i != j, of the candidates it is given becomes
 * {@code Query: {q} Document0: {d_i} Document1: {d_j} Relevant:}, tokenized with the T5 tokenizer,
 * {@code </s>} appended, the whole input truncated to {@code max-length} tokens (Hugging Face's
 * {@code truncation=True, max_length=512}, as PyGaggle's {@code T5DuoBatchTokenizer}: the end of the
 * text is cut, so a long d_i can push d_j out). The decoder runs one step from the start token and
 * {@code p_ij = softmax([logit(▁false), logit(▁true)])[1]} = P(d_i more relevant than d_j), ids 6136
 * / 1176 ({@code true-id} / {@code false-id}). The candidates' scores aggregate the pairs
 * ({@code aggregate}, the four options of PyGaggle's {@code convert_duot5_output_to_msmarco_run.py},
 * default the paper's {@code sym-sum}):
 *
 * <ul>
 *   <li>{@code sym-sum}: s_i = sum_{j != i} (p_ij + (1 - p_ji));
 *   <li>{@code sum}: s_i = sum_{j != i} p_ij;
 *   <li>{@code sym-log-sum}: s_i = sum_{j != i} (log p_ij + log(1 - p_ji));
 *   <li>{@code log-sum}: s_i = sum_{j != i} log p_ij.
 * </ul>
 *
 * <p>Sorted by s_i, descending, ties in input order. A duo stage reranks what it is given: the top
 * {@code @k} of the stage before it ({@code bm25@1000 >> monot5(...)@50 >> duot5(...)@10}); its cost is
 * N(N-1) encoder passes and one decoder step each for N candidates, in batches of {@code batch}
 * pairs (one query's pairs sorted by token length; queries never share a batch).
 *
 * <p>Spec: {@code duot5(model=PATH,batch=8,max-length=512,aggregate=sym-sum,device=cpu,
 * dtype=float32,threads=0,true-id=1176,false-id=6136)}; only {@code model} is required. The canonical
 * spec ({@link #spec()}) has every parameter but {@code threads}, with its effective value.
 *
 * <p>It extends {@link PointwiseReranker} for its checks and its stable sort: the scores are
 * computed per list (from all its pairs), then each candidate has one.
 */
public final class DuoT5Reranker extends PointwiseReranker {
  public static final String NAME = "duot5";
  static final String[] KEYS = {"model", "batch", "max-length", "aggregate", "device", "dtype", "threads",
      "true-id", "false-id"};
  static final List<String> AGGREGATES = List.of("sym-sum", "sum", "sym-log-sum", "log-sum");

  private final String spec;
  private final Cost cost = new Cost();
  private final T5Model model;
  private final TextTokenizer tokenizer;
  private final int batch;
  private final int maxLength;
  private final String aggregate;
  private final int threads;
  private final NDArray pairRows;

  public DuoT5Reranker(Params p) {
    super(NAME);
    Path folder = Path.of(p.requireString("model", NAME));
    this.batch = p.getInt("batch", 8);
    this.maxLength = p.getInt("max-length", 512);
    this.aggregate = p.getString("aggregate", "sym-sum").toLowerCase(java.util.Locale.ROOT);
    String device = p.getString("device", "cpu");
    String dtype = p.getString("dtype", "float32");
    this.threads = p.getInt("threads", 0);
    int trueId = p.getInt("true-id", 1176);
    int falseId = p.getInt("false-id", 6136);
    p.requireEmpty(NAME, KEYS);
    if (batch < 1 || batch > 4096) {
      throw TrawlException.invalid("duot5: batch must be in 1..4096, got " + batch);
    }
    if (maxLength < 8 || maxLength > 65536) {
      throw TrawlException.invalid("duot5: max-length must be in 8..65536, got " + maxLength);
    }
    if (!AGGREGATES.contains(aggregate)) {
      throw TrawlException.invalid("duot5: aggregate must be one of " + String.join(", ", AGGREGATES)
          + ", got '" + aggregate + "'");
    }
    ComputeOptions options = new ComputeOptions(device, dtype, threads);
    this.spec = Spec.builder(NAME).put("model", folder.toString()).put("batch", batch)
        .put("max-length", maxLength).put("aggregate", aggregate)
        .put("device", options.effectiveDevice()).put("dtype", options.dtype())
        .put("true-id", trueId).put("false-id", falseId).toString();
    MonoT5Reranker.Loaded loaded = MonoT5Reranker.load(NAME, folder, options, trueId, falseId);
    this.model = loaded.model();
    this.tokenizer = loaded.tokenizer();
    this.pairRows = loaded.pairRows();
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Map<String, Object> settings() {
    return Reranker.threadSettings(threads);
  }

  /** The model input text for a query and an ordered pair of documents. */
  public static String prompt(String query, String document0, String document1) {
    return "Query: " + query + " Document0: " + document0 + " Document1: " + document1 + " Relevant:";
  }

  /** Token ids of the pair's prompt, truncated to max-length with {@code </s>} kept. */
  public int[] tokenize(String query, String document0, String document1) {
    return tokenizer.encodeForModel(prompt(query, document0, document1), maxLength);
  }

  @Override
  public Cost cost() {
    return cost;
  }

  @Override
  protected List<double[]> scoreAll(List<Query> queries, List<RankedList> lists) {
    List<double[]> out = new ArrayList<>(lists.size());
    for (int q = 0; q < lists.size(); q++) {
      out.add(aggregate(pairLogits(queries.get(q), lists.get(q)), aggregate));
    }
    return out;
  }

  /**
   * The {@code [false, true]} logits of every ordered pair of one list: {@code l[i][j]} for the
   * prompt with d_i as Document0 and d_j as Document1 (null on the diagonal).
   */
  public float[][][] pairLogits(Query query, RankedList candidates) {
    int n = candidates.size();
    float[][][] out = new float[n][n][];
    if (n < 2) {
      return out;
    }
    int[][] rows = new int[n * (n - 1)][];
    int r = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          rows[r++] = tokenize(query.text(), candidates.get(i).text(), candidates.get(j).text());
        }
      }
    }
    long tokens = 0;
    for (int[] row : rows) {
      tokens += row.length;
    }
    cost.prefills(query.id(), rows.length, tokens); // encoder pass + one decoder step per pair
    float[] flat = pairLogitsOfRows(rows);
    r = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          out[i][j] = new float[] {flat[2 * r], flat[2 * r + 1]};
          r++;
        }
      }
    }
    return out;
  }

  /**
   * The {@code [false, true]} logits of each row of token ids, flat ({@code 2 * rows.length}):
   * rows sorted by length and run in batches of {@code batch}; results in the order of {@code rows}.
   */
  public float[] pairLogitsOfRows(int[][] rows) {
    Integer[] order = new Integer[rows.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -rows[i].length).thenComparingInt(i -> i));
    float[] out = new float[2 * rows.length];
    for (int from = 0; from < rows.length; from += batch) {
      int to = Math.min(rows.length, from + batch);
      int[][] chunk = new int[to - from][];
      for (int k = from; k < to; k++) {
        chunk[k - from] = rows[order[k]];
      }
      float[] pair = MonoT5Reranker.firstStepPairLogits(model, pairRows, chunk);
      for (int k = from; k < to; k++) {
        out[2 * order[k]] = pair[2 * (k - from)];
        out[2 * order[k] + 1] = pair[2 * (k - from) + 1];
      }
    }
    return out;
  }

  /** P(true) = softmax([false, true])[1] of a {@code [false, true]} logit pair. */
  public static double probability(float[] falseTrue) {
    return 1.0 / (1.0 + Math.exp((double) falseTrue[0] - falseTrue[1]));
  }

  /** log P(true) and log P(false) of a {@code [false, true]} logit pair: {@code [log p, log(1-p)]}. */
  private static double[] logProbabilities(float[] falseTrue) {
    double f = falseTrue[0];
    double t = falseTrue[1];
    double mx = Math.max(f, t);
    double lse = mx + Math.log(Math.exp(f - mx) + Math.exp(t - mx));
    return new double[] {t - lse, f - lse};
  }

  /** The candidates' scores from the pair logits ({@link #pairLogits}) by one aggregation. */
  static double[] aggregate(float[][][] logits, String method) {
    int n = logits.length;
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i == j) {
          continue;
        }
        switch (method) {
          case "sym-sum" -> s[i] += probability(logits[i][j]) + (1 - probability(logits[j][i]));
          case "sum" -> s[i] += probability(logits[i][j]);
          case "sym-log-sum" -> s[i] += logProbabilities(logits[i][j])[0] + logProbabilities(logits[j][i])[1];
          case "log-sum" -> s[i] += logProbabilities(logits[i][j])[0];
          default -> throw new IllegalArgumentException(method);
        }
      }
    }
    return s;
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
