package io.trawl.rerank.pointwise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.Greedy;
import io.trawl.model.llm.KvCache;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.PointwiseReranker;
import io.trawl.rerank.listwise.LocalBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the pointwise LLM rerankers ({@link YesNoReranker}, {@link QlmReranker}, {@link
 * FineGrainedReranker}) share: a local decoder-only model ({@link LlmRuntime}), the texts as
 * llm-rankers' {@code run.py} (ielab/llm-rankers at b36517b) prepares them, the framing of the
 * prompt for a decoder-only model, and batching across candidates and queries.
 *
 * <p><b>Texts.</b> llm-rankers' {@code run.py} truncates every query and passage to {@code
 * query_length} / {@code passage_length} tokens (both 128 by default) with {@code
 * tokenizer.convert_tokens_to_string(tokenizer.tokenize(text)[:n])}; here {@code
 * decode(encode(text)[:n])} with the model's tokenizer ({@code query-tokens}, {@code
 * passage-tokens}; 0 leaves the text as it is). The text is round-tripped even when it is shorter,
 * as there.
 *
 * <p><b>Framing.</b> llm-rankers runs its pointwise methods on Flan-T5 only (the encoder reads the
 * prompt, the decoder answers). On Trawl's decoder-only runtime the prompt is {@code frame=chat}
 * (default): the user turn of the model's chat template with the assistant turn opened, tokenized
 * with the tokenizer's special tokens (BOS), as llm-rankers frames its prompts for decoder models
 * (setwise, pairwise: {@code apply_chat_template(add_generation_prompt=True)}, then {@code
 * tokenizer(prompt)}); or {@code frame=plain}: the prompt text alone with the special tokens, as
 * the T5 encoder reads it (a folder without a chat template loads then). The answer (the first
 * generated token, or the query for QLM) follows directly.
 *
 * <p><b>Batching.</b> The rows of all queries of one {@link #rerankAll} call are ordered by
 * prompt length (longest first, ties in query then candidate order) and run {@code batch} rows per
 * left-padded forward pass, so similar lengths share a batch.
 */
abstract class LlmPointwiseReranker extends PointwiseReranker {
  /** Parameters every pointwise LLM reranker takes; a subclass adds its own after them. */
  static final String[] COMMON_KEYS = {"model", "frame", "query-tokens", "passage-tokens", "batch",
      "chat-template", "device", "dtype", "threads"};

  /** How the prompt reaches the model. */
  enum Frame {
    CHAT, PLAIN;

    static Frame parse(String owner, String v) {
      return switch (v) {
        case "chat" -> CHAT;
        case "plain" -> PLAIN;
        default -> throw TrawlException.invalid("unknown frame '" + v + "' for " + owner + "; valid: chat, plain");
      };
    }

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One (query, candidate) input: its prompt ids and, for QLM, the ids it scores. */
  record Row(int list, int candidate, int[] prompt, int[] continuation) {}

  private final String name;
  private final String spec;
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  final LlmRuntime rt;
  final Frame frame;
  final int queryTokens;
  final int passageTokens;
  final int batch;
  private final int threads;

  /**
   * Reads the common parameters and {@code extra} (the subclass's own, as effective values in
   * declared order, already read from {@code p}), builds the canonical spec {@code name(model,
   * frame, query-tokens, passage-tokens, <extra>, batch, chat-template, device, dtype)} and loads
   * the model.
   */
  LlmPointwiseReranker(String name, Params p, Map<String, String> extra) {
    super(name);
    this.name = name;
    this.frame = Frame.parse(name, p.getString("frame", "chat"));
    this.queryTokens = p.getInt("query-tokens", 128);
    this.passageTokens = p.getInt("passage-tokens", 128);
    this.batch = p.getInt("batch", 4);
    this.threads = p.getInt("threads", 0);
    if (queryTokens < 0 || passageTokens < 0) {
      throw TrawlException.invalid(name + ": query-tokens and passage-tokens must be >= 0 (0 = no"
          + " truncation), got " + queryTokens + " and " + passageTokens);
    }
    if (batch < 1 || batch > 4096) {
      throw TrawlException.invalid(name + ": batch must be in 1..4096, got " + batch);
    }
    // what decides the scores, in declared order (the batch too: padded batches of other shapes
    // round otherwise); threads decide only the speed
    Spec.Builder canonical = Spec.builder(name).put("model", p.getString("model", null))
        .put("frame", frame.label()).put("query-tokens", queryTokens)
        .put("passage-tokens", passageTokens);
    extra.forEach(canonical::put);
    canonical.put("batch", batch);
    LocalBackends.canonical(canonical, p);
    this.spec = canonical.toString();
    List<String> keys = new ArrayList<>(Arrays.asList(COMMON_KEYS));
    keys.addAll(extra.keySet());
    p.requireEmpty(name, keys.toArray(new String[0]));
    this.rt = LocalBackends.runtime(p, name, frame == Frame.CHAT);
  }

  @Override
  public final String spec() {
    return spec;
  }

  @Override
  public Map<String, Object> settings() {
    return io.trawl.rerank.Reranker.threadSettings(threads);
  }

  /** The prompt text for a query and a passage, both already truncated (the authors' template). */
  abstract String prompt(String query, String passage);

  /** The ids a row scores after its prompt (QLM: the query); none by default. */
  int[] continuation(String query) {
    return new int[0];
  }

  /** The scores of one batch of rows, in row order. */
  abstract double[] scoreBatch(List<Row> rows);

  /** {@code decode(encode(text)[:n])}, as llm-rankers' {@code truncate}; {@code n = 0}: the text. */
  String truncate(String text, int n) {
    return LocalBackends.truncate(rt, text, n);
  }

  /** The text the model reads for a query and a candidate text (truncation and framing applied). */
  String modelText(String query, String text) {
    String p = prompt(truncate(query, queryTokens), truncate(text, passageTokens));
    return frame == Frame.CHAT ? rt.render(List.of(ChatMessage.user(p)), true) : p;
  }

  /** The token ids of {@link #modelText}: {@code tokenizer(text)}, special tokens included. */
  int[] promptIds(String query, String text) {
    return rt.encodeWithSpecialTokens(modelText(query, text));
  }

  @Override
  public io.trawl.rerank.Cost cost() {
    return cost;
  }

  /**
   * Scores each query's candidates in batches of that query's rows only (sorted by length), never
   * mixed with another query's: padded batches of other shapes may round the last bits otherwise,
   * and a query's scores must not depend on which queries a command happened to hand over with it
   * ({@code trawl rerank} groups, {@code trawl run}, Spark partitions).
   */
  @Override
  protected final List<double[]> scoreAll(List<Query> queries, List<RankedList> lists) {
    List<double[]> out = new ArrayList<>(lists.size());
    for (int i = 0; i < lists.size(); i++) {
      RankedList l = lists.get(i);
      double[] scores = new double[l.size()];
      out.add(scores);
      if (l.size() == 0) {
        continue;
      }
      List<Row> rows = new ArrayList<>();
      int[] cont = continuation(truncate(queries.get(i).text(), queryTokens));
      for (int j = 0; j < l.size(); j++) {
        int[] ids = promptIds(queries.get(i).text(), l.get(j).text());
        rt.checkContext(ids.length + cont.length, 0, name + " on candidate '" + l.get(j).docId()
            + "' of query '" + l.queryId() + "'", "lower passage-tokens= or query-tokens=");
        rows.add(new Row(i, j, ids, cont));
        // one pass over the prompt (and, for QLM, the query read after it, teacher-forced)
        cost.prefill(l.queryId(), ids.length + Math.max(0, cont.length - 1));
      }
      rows.sort(Comparator.comparingInt((Row r) -> -(r.prompt().length + r.continuation().length))
          .thenComparingInt(Row::candidate));
      for (int from = 0; from < rows.size(); from += batch) {
        List<Row> part = rows.subList(from, Math.min(rows.size(), from + batch));
        double[] s = scoreBatch(part);
        for (int k = 0; k < part.size(); k++) {
          scores[part.get(k).candidate()] = s[k];
        }
      }
    }
    return out;
  }

  /**
   * Runs the rows' prompts as one left-padded batch and returns, per row, the logits of {@code ids}
   * at the prompt's last position (the first answer position). Only those columns leave the
   * device.
   */
  float[][] answerLogits(List<Row> rows, int[] ids) {
    int b = rows.size();
    try (NDManager m = rt.model().manager().newSubManager()) {
      KvCache cache = rt.model().newCache(m, b);
      NDArray last = prefill(rows, cache, m);
      long[] index = new long[b * ids.length];
      for (int r = 0; r < b; r++) {
        for (int i = 0; i < ids.length; i++) {
          index[r * ids.length + i] = ids[i];
        }
      }
      float[] picked = last.gather(m.create(index, new Shape(b, ids.length)), 1).toFloatArray();
      float[][] out = new float[b][];
      for (int r = 0; r < b; r++) {
        out[r] = Arrays.copyOfRange(picked, r * ids.length, (r + 1) * ids.length);
      }
      return out;
    }
  }

  /**
   * Runs the rows' prompts as one left-padded batch, then their continuations after them (right-
   * padded), and returns per row {@code log_softmax(logits)[c_t]} (float32, over the whole
   * vocabulary, on the device) for each continuation token c_t, predicted at the prompt's last
   * position (t = 0) and at the position of c_{t-1}.
   */
  float[][] continuationLogProbs(List<Row> rows) {
    int b = rows.size();
    int more = 0;
    for (Row r : rows) {
      more = Math.max(more, r.continuation().length - 1);
    }
    try (NDManager m = rt.model().manager().newSubManager()) {
      KvCache cache = rt.model().newCache(m, b);
      NDArray last = prefill(rows, cache, m);
      long[] first = new long[b];
      for (int r = 0; r < b; r++) {
        first[r] = rows.get(r).continuation()[0];
      }
      float[] lp0 = last.logSoftmax(1).gather(m.create(first, new Shape(b, 1)), 1).toFloatArray();
      float[] lpNext = null;
      if (more > 0) {
        long[][] cids = new long[b][more];
        int[][] cmask = new int[b][more];
        long[] targets = new long[b * more];
        for (int r = 0; r < b; r++) {
          int[] c = rows.get(r).continuation();
          for (int i = 0; i + 1 < c.length; i++) {
            cids[r][i] = c[i];
            cmask[r][i] = 1;
            targets[r * more + i] = c[i + 1];
          }
        }
        NDArray logits = rt.model().forward(cids, cmask, cache, null, true, m);
        lpNext = logits.logSoftmax(2).gather(m.create(targets, new Shape(b, more, 1)), 2).toFloatArray();
      }
      float[][] out = new float[b][];
      for (int r = 0; r < b; r++) {
        int n = rows.get(r).continuation().length;
        out[r] = new float[n];
        out[r][0] = lp0[r];
        for (int t = 1; t < n; t++) {
          out[r][t] = lpNext[r * more + t - 1];
        }
      }
      return out;
    }
  }

  /** Prefills the rows' prompts, left-padded, into {@code cache}; the last position's logits [B, V]. */
  private NDArray prefill(List<Row> rows, KvCache cache, NDManager m) {
    int b = rows.size();
    int len = rows.stream().mapToInt(r -> r.prompt().length).max().orElse(0);
    long[][] ids = new long[b][len];
    int[][] mask = new int[b][len];
    for (int r = 0; r < b; r++) {
      int[] p = rows.get(r).prompt();
      int off = len - p.length;
      for (int i = 0; i < p.length; i++) {
        ids[r][off + i] = p[i];
        mask[r][off + i] = 1;
      }
    }
    return Greedy.prefill(rt.model(), ids, mask, 0, len, cache, 1024, m);
  }

  /** {@code log(sum(exp(x)))} over the given logits, in double. */
  static double logSumExp(double... x) {
    double mx = Double.NEGATIVE_INFINITY;
    for (double d : x) {
      mx = Math.max(mx, d);
    }
    double s = 0;
    for (double d : x) {
      s += Math.exp(d - mx);
    }
    return mx + Math.log(s);
  }

  /** The id a label is generated as: its own vocabulary piece, else its one token, else an error. */
  int labelId(String label, String what) {
    int id = rt.tokenizer().pieceId(label);
    if (id >= 0) {
      return id;
    }
    int[] ids = rt.tokenizer().encode(label);
    if (ids.length == 1) {
      return ids[0];
    }
    throw TrawlException.invalid(rt.model().folder() + ": " + what + " '" + label + "' is not one"
        + " token of this tokenizer (" + ids.length + " tokens)");
  }

  @Override
  public void close() {
    rt.close();
  }
}
