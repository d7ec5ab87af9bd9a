package io.trawl.rerank.icr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.DecoderLm;
import io.trawl.model.llm.KvCache;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.ListwiseSupport;
import io.trawl.rerank.listwise.LocalBackends;
import io.trawl.rerank.listwise.Passages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * In-context reranking by attention (ICR; Chen et al., 2024, "Attention in Large Language Models
 * Yields Efficient Zero-Shot Re-Rankers"). All candidates go into one prompt, in reversed
 * first-stage order (best nearest the query), through the model's chat template:
 *
 * <pre>
 *   " Here are some paragraphs:" + "\n\n[i] {passage}" per document + "\n\n" + instruction
 *   + "\n\nQuery:" + " {query}"       (end of the user turn)
 * </pre>
 *
 * The "query tokens" are all tokens from the instruction to the end. For each token c of the
 * context, s(c) = sum over layers and heads of the attention of the query tokens to c, averaged
 * over the query tokens. A second pass with the content-free query "N/A" gives s_NA (it reuses the
 * KV cache of everything before the query text, so the long document prefix runs once). Per token
 * c = s - s_NA; within a document, tokens with c > mean(c) - 2 std(c) are kept and the document
 * score is the sum of kept c. Documents are ordered by that score; scores in the run stay attached
 * to positions (the run stays monotone). Attention is read one layer at a time, never all layers
 * at once.
 *
 * <p>Spec: {@code icr(model=<folder>, depth=100, words=300, instruction=ir|qa, chunk=1024,
 * chat-template=<file>, device=cpu, dtype=float32, threads=0)}.
 */
public final class IcrReranker implements Reranker {
  public static final String IR_INSTRUCTION =
      "Please find information that are relevant to the following query in the paragraphs above.";
  public static final String QA_INSTRUCTION =
      "Please answer the following question based on the information in the paragraphs above.";
  static final String ANCHOR = "Here are some paragraphs:";
  static final String[] RESULT_KEYS = {"model", "depth", "words", "instruction", "chat-template", "dtype"};
  static final String[] ALL_KEYS = {"model", "depth", "words", "instruction", "chunk",
      "chat-template", "device", "dtype", "threads"};

  private final String spec;
  private final LlmRuntime rt;
  private final int depth;
  private final int words;
  private final int chunk;
  private final String instruction;

  public IcrReranker(Params p) {
    this.spec = canonical(p);
    this.depth = p.getInt("depth", 100);
    this.words = p.getInt("words", Passages.DEFAULT_MAX_WORDS);
    this.chunk = p.getInt("chunk", 1024);
    if (depth < 1 || words < 1 || chunk < 1) {
      throw TrawlException.invalid("icr: depth, words and chunk must be >= 1");
    }
    String ins = p.getString("instruction", "ir");
    this.instruction = switch (ins) {
      case "ir" -> IR_INSTRUCTION;
      case "qa" -> QA_INSTRUCTION;
      default -> throw TrawlException.invalid("unknown instruction '" + ins + "' for icr; valid: ir, qa");
    };
    LlmRuntime runtime = LocalBackends.runtime(p, "icr");
    try {
      p.requireEmpty("icr", ALL_KEYS);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    this.rt = runtime;
  }

  private static String canonical(Params p) {
    java.util.Map<String, String> kept = new java.util.LinkedHashMap<>();
    for (String k : RESULT_KEYS) {
      String v = p.asMap().get(k);
      if (v != null) {
        kept.put(k, v);
      }
    }
    return new io.trawl.core.Spec("icr", kept, null).toString();
  }

  @Override
  public String spec() {
    return spec;
  }

  /** The prompt pieces: user content, char offsets of documents (in prompt order) and the query. */
  record Layout(String content, String calibration, int[] docStart, int[] docEnd,
      int instructionStart, int queryStart) {}

  Layout layout(Query q, List<Candidate> docs) {
    int n = docs.size();
    StringBuilder sb = new StringBuilder(" ").append(ANCHOR);
    int[] ds = new int[n];
    int[] de = new int[n];
    for (int j = 0; j < n; j++) {
      Candidate c = docs.get(n - 1 - j); // reversed: the best candidate is nearest the query
      sb.append("\n\n[").append(j + 1).append(']');
      ds[j] = sb.length();
      sb.append(' ').append(Passages.format(null, ListwiseSupport.text(q, c), words));
      de[j] = sb.length();
    }
    sb.append("\n\n");
    int is = sb.length();
    sb.append(instruction).append("\n\nQuery:");
    int qs = sb.length();
    String prefix = sb.toString();
    return new Layout(prefix + " " + q.text(), prefix + " N/A", ds, de, is, qs);
  }

  @Override
  public RankedList rerank(Query query, RankedList candidates) {
    RankedList in = candidates.sortedByScore();
    int n = Math.min(depth, in.size());
    if (n <= 1) {
      return ListwiseSupport.withPositionScores(in, in.candidates());
    }
    List<Candidate> docs = in.candidates().subList(0, n);
    double[] scores = score(query, docs);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    List<Candidate> out = new ArrayList<>(in.size());
    for (Integer i : order) {
      out.add(docs.get(i));
    }
    out.addAll(in.candidates().subList(n, in.size()));
    return ListwiseSupport.withPositionScores(in, out);
  }

  /** ICR scores of {@code docs} (first-stage order). */
  double[] score(Query query, List<Candidate> docs) {
    return score(query, docs, true);
  }

  /**
   * {@code reuse=false} is the reference path for tests: each of the two sequences runs as one
   * whole forward pass, reading the attention rows of the query tokens, with no shared KV cache.
   */
  double[] score(Query query, List<Candidate> docs, boolean reuse) {
    int n = docs.size();
    Layout lay = layout(query, docs);
    String rendered = rt.render(List.of(ChatMessage.user(lay.content())), false);
    String renderedCal = rt.render(List.of(ChatMessage.user(lay.calibration())), false);
    int delta = rendered.indexOf(ANCHOR) - lay.content().indexOf(ANCHOR);
    if (rendered.indexOf(ANCHOR) < 0) {
      throw TrawlException.invalid("icr: the chat template does not keep the user message text");
    }
    int[] full = rt.encode(rendered);
    int[] cal = rt.encode(renderedCal);
    rt.checkContext(full.length, 0, "icr over " + n + " candidates",
        "lower depth= (candidates in the one prompt) or words= (words per passage)");
    int common = 0;
    while (common < Math.min(full.length, cal.length) && full[common] == cal[common]) {
      common++;
    }
    // token index of every boundary: the length of the encoding of the text before it (exact
    // for any tokenizer; the prefixes are encoded in parallel, tokenizers are thread-safe)
    int[] chars = new int[2 * n + 2];
    for (int j = 0; j < n; j++) {
      chars[2 * j] = lay.docStart()[j] + delta;
      chars[2 * j + 1] = lay.docEnd()[j] + delta;
    }
    chars[2 * n] = lay.instructionStart() + delta;
    chars[2 * n + 1] = lay.queryStart() + delta;
    int[] tok = java.util.stream.IntStream.range(0, chars.length).parallel()
        .map(i -> tokenIndex(rendered, chars[i])).toArray();
    int shared = Math.min(common, tok[2 * n + 1]);
    int q0 = Math.min(shared, tok[2 * n]);
    int[] spanStart = new int[n];
    int[] spanEnd = new int[n];
    for (int j = 0; j < n; j++) {
      spanStart[j] = Math.min(q0, tok[2 * j]);
      spanEnd[j] = Math.min(q0, tok[2 * j + 1]);
    }
    DecoderLm lm = rt.model();
    float[] sharedAcc = new float[q0];
    float[] queryAcc = new float[q0];
    float[] calAcc = new float[q0];
    if (!reuse) {
      try (NDManager m = lm.manager().newSubManager()) {
        lm.forward(new long[][] {slice(full, 0, full.length)}, null, lm.newCache(m, 1),
            rowSink(q0, queryAcc), false, m).close();
        lm.forward(new long[][] {slice(cal, 0, cal.length)}, null, lm.newCache(m, 1),
            rowSink(q0, calAcc), false, m).close();
      }
    } else try (NDManager m = lm.manager().newSubManager()) {
      KvCache cache = lm.newCache(m, 1);
      for (int a = 0; a < q0; a += chunk) {
        int e = Math.min(q0, a + chunk);
        lm.forward(new long[][] {slice(full, a, e)}, null, cache, null, false, m).close();
      }
      if (shared > q0) {
        lm.forward(new long[][] {slice(full, q0, shared)}, null, cache, sink(q0, sharedAcc), false, m).close();
      }
      lm.forward(new long[][] {slice(full, shared, full.length)}, null, cache.fork(), sink(q0, queryAcc),
          false, m).close();
      lm.forward(new long[][] {slice(cal, shared, cal.length)}, null, cache.fork(), sink(q0, calAcc),
          false, m).close();
    }
    int nq = full.length - q0;
    int nc = cal.length - q0;
    double[] scores = new double[n];
    for (int j = 0; j < n; j++) {
      int a = spanStart[j];
      int b = spanEnd[j];
      int len = b - a;
      if (len <= 0) {
        scores[n - 1 - j] = 0;
        continue;
      }
      double[] c = new double[len];
      double mean = 0;
      for (int t = 0; t < len; t++) {
        c[t] = (sharedAcc[a + t] + queryAcc[a + t]) / (double) nq
            - (sharedAcc[a + t] + calAcc[a + t]) / (double) nc;
        mean += c[t];
      }
      mean /= len;
      double var = 0;
      for (double x : c) {
        var += (x - mean) * (x - mean);
      }
      double threshold = mean - 2 * Math.sqrt(var / len);
      double s = 0;
      for (double x : c) {
        if (x > threshold) {
          s += x;
        }
      }
      scores[n - 1 - j] = s; // prompt position j holds candidate n-1-j
    }
    return scores;
  }

  /** Token count of the encoding of {@code text[0, chars)}. */
  private int tokenIndex(String text, int chars) {
    return rt.encode(text.substring(0, chars)).length;
  }

  private static long[] slice(int[] ids, int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = ids[i];
    }
    return out;
  }

  /** Adds, per context token in [0, q0), the attention summed over heads and query rows. */
  private static DecoderLm.Probe sink(int q0, float[] acc) {
    return new DecoderLm.Probe() {
      @Override
      public boolean wantsAttention(int layer) {
        return true;
      }

      @Override
      public void attention(int layer, NDArray probs) {
        try (NDArray part = probs.get(new NDIndex(":, :, :, 0:" + q0));
            NDArray summed = part.sum(new int[] {0, 1, 2})) {
          float[] v = summed.toFloatArray();
          for (int i = 0; i < q0; i++) {
            acc[i] += v[i];
          }
        }
      }
    };
  }

  /** Like {@link #sink} over a whole sequence: only rows from {@code q0} on are query tokens. */
  private static DecoderLm.Probe rowSink(int q0, float[] acc) {
    return new DecoderLm.Probe() {
      @Override
      public boolean wantsAttention(int layer) {
        return true;
      }

      @Override
      public void attention(int layer, NDArray probs) {
        try (NDArray part = probs.get(new NDIndex(":, :, " + q0 + ":, 0:" + q0));
            NDArray summed = part.sum(new int[] {0, 1, 2})) {
          float[] v = summed.toFloatArray();
          for (int i = 0; i < q0; i++) {
            acc[i] += v[i];
          }
        }
      }
    };
  }

  @Override
  public void close() {
    rt.close();
  }
}
