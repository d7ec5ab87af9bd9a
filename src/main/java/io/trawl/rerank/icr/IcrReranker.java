package io.trawl.rerank.icr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.PyStrings;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.TextTokenizer;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.DecoderLm;
import io.trawl.model.llm.KvCache;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.ListwiseSupport;
import io.trawl.rerank.listwise.LocalBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * In-context reranking by attention (ICR; Chen et al., 2024, "Attention in Large Language Models
 * Yields Efficient Zero-Shot Re-Rankers"), as the authors' code builds and scores it
 * (OSU-NLP-Group/In-Context-Reranking at 9117e9f, {@code src/in_context_reranker.py}, BEIR setting
 * of {@code run_icr_beir.sh}). All candidates go into one prompt, in reversed first-stage order
 * (best nearest the query):
 *
 * <pre>
 *   PREFIX + " Here are some paragraphs:" + (SEP + "[i] {passage}") per document + SEP
 *   + instruction + SEP + "Query:" + " {query}" + SUFFIX
 * </pre>
 *
 * with the authors' framing of each model family, not the chat template: Mistral-Instruct
 * (PREFIX "[INST]", SUFFIX "[/INST]", SEP "\n\n") and Llama 3 (PREFIX
 * "&lt;|start_header_id|&gt;user&lt;|end_header_id|&gt;", SUFFIX "&lt;|eot_id|&gt;&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;",
 * SEP " \n\n"), recognised by their chat template; for other models (which the authors' code
 * refuses) the text between PREFIX and SUFFIX becomes the user turn of the model's chat template
 * with the assistant turn opened. The text is tokenized with the tokenizer's special tokens (BOS),
 * as the authors' {@code tokenizer(llm_input)} does (not a second BOS when a template already
 * wrote one). A passage is its first {@code words} space-separated pieces ({@code ' '.join(
 * text.split(' ')[:words])}), stripped; "[n]" inside it is left as it is.
 *
 * <p>The "query tokens" are all tokens from the instruction to the end. For each token c of the
 * context, s(c) = sum over layers and heads of the attention of the query tokens to c, averaged
 * over the query tokens. A second pass with the content-free query "N/A" gives s_NA (it reuses the
 * KV cache of everything before the query text, so the long document prefix runs once). A
 * document's tokens are those of "[i] {passage}", identifier included (a boundary's token index
 * is the length of the encoding of the text before it: read from the tokenizer's character
 * offsets where a token starts exactly there, else by encoding that text); per token c = s - s_NA,
 * tokens with c > mean(c) - 2 std(c) are kept, std with Bessel's correction (n - 1, torch's
 * default), and the document score is the sum of kept c. Documents are ordered by that score;
 * scores in the run stay attached to positions (the run stays monotone). Attention is read one
 * layer and one block of query rows at a time ({@link DecoderLm.Probe#attention}), never all
 * layers at once.
 *
 * <p>Spec: {@code icr(model=<folder>, depth=100, words=300, instruction=ir|qa, chunk=1024,
 * chat-template=<file>, device=cpu, dtype=float32, threads=0)}. The canonical spec ({@link
 * #spec()}) keeps what decides the scores, with effective values: {@code icr(model=M,depth=100,
 * words=300,instruction=ir,chunk=1024,device=cpu,dtype=float32)} ({@code chat-template} when
 * given); only {@code threads} is left out.
 */
public final class IcrReranker implements Reranker {
  public static final String IR_INSTRUCTION =
      "Please find information that are relevant to the following query in the paragraphs above.";
  public static final String QA_INSTRUCTION =
      "Please answer the following question based on the information in the paragraphs above.";
  static final String ANCHOR = "Here are some paragraphs:";
  static final String[] ALL_KEYS = {"model", "depth", "words", "instruction", "chunk",
      "chat-template", "device", "dtype", "threads"};

  private final String spec;
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  private final LlmRuntime rt;
  private final int depth;
  private final int words;
  private final int chunk;
  private final String instruction;
  private final Frame frame;

  public IcrReranker(Params p) {
    this.depth = p.getInt("depth", 100);
    this.words = p.getInt("words", io.trawl.rerank.listwise.Passages.DEFAULT_MAX_WORDS);
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
    // what decides the scores, in declared order (the prefill chunk too: it rounds otherwise);
    // threads decide only the speed
    Spec.Builder canonical = Spec.builder("icr").put("model", p.getString("model", null))
        .put("depth", depth).put("words", words).put("instruction", ins).put("chunk", chunk);
    LocalBackends.canonical(canonical, p);
    this.spec = canonical.toString();
    LlmRuntime runtime = LocalBackends.runtime(p, "icr");
    try {
      p.requireEmpty("icr", ALL_KEYS);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    this.rt = runtime;
    this.frame = Frame.of(runtime.template().text());
  }

  @Override
  public String spec() {
    return spec;
  }

  /** The authors' framing of a model family; CHAT_TEMPLATE for models their code does not know. */
  enum Frame {
    MISTRAL("[INST]", "[/INST]", "\n\n"),
    LLAMA3("<|start_header_id|>user<|end_header_id|>",
        "<|eot_id|><|start_header_id|>assistant<|end_header_id|>", " \n\n"),
    CHAT_TEMPLATE("", "", "\n\n");

    final String prefix;
    final String suffix;
    final String separator;

    Frame(String prefix, String suffix, String separator) {
      this.prefix = prefix;
      this.suffix = suffix;
      this.separator = separator;
    }

    /** Llama 3 and Mistral-Instruct by their chat template, as the authors' code picks by model name. */
    static Frame of(String chatTemplate) {
      if (chatTemplate.contains("<|start_header_id|>")) {
        return LLAMA3;
      }
      return chatTemplate.contains("[INST]") ? MISTRAL : CHAT_TEMPLATE;
    }
  }

  /**
   * The prompt text with the query and with "N/A", and the char offsets (in both, before the query
   * they are equal) of each document ("[i]" included, prompt order) and of the instruction.
   */
  record Layout(String text, String calibration, int[] docStart, int[] docEnd, int instructionStart,
      int queryStart) {}

  Layout layout(Query q, List<Candidate> docs) {
    Frame f = frame;
    int n = docs.size();
    StringBuilder sb = new StringBuilder(f.prefix).append(' ').append(ANCHOR);
    int[] ds = new int[n];
    int[] de = new int[n];
    for (int j = 0; j < n; j++) {
      Candidate c = docs.get(n - 1 - j); // reversed: the best candidate is nearest the query
      sb.append(f.separator);
      ds[j] = sb.length();
      sb.append('[').append(j + 1).append("] ").append(passage(ListwiseSupport.text(q, c), words));
      de[j] = sb.length();
    }
    sb.append(f.separator);
    int is = sb.length();
    sb.append(instruction).append(f.separator).append("Query:");
    String prefix = sb.toString();
    return new Layout(prefix + " " + PyStrings.strip(q.text()) + f.suffix, prefix + " N/A" + f.suffix,
        ds, de, is, prefix.length());
  }

  /** The authors' passage: {@code ' '.join(text.split(' ')[:words]).strip()}. */
  static String passage(String text, int words) {
    String[] parts = text.split(" ", -1);
    return PyStrings.strip(String.join(" ", Arrays.asList(parts).subList(0, Math.min(words, parts.length))));
  }

  @Override
  public io.trawl.rerank.Cost cost() {
    return cost;
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
  /**
   * The token ids of both passes and, in them, each document's span (prompt order, half-open), the
   * first query token {@code q0} (the instruction), the end of the part both passes share, and
   * how many of the 2n+2 boundaries the tokenizer's offsets placed (the rest were re-encoded).
   */
  record Prepared(int[] full, int[] cal, int[] spanStart, int[] spanEnd, int q0, int shared,
      int byOffsets) {}

  Prepared prepare(Query query, List<Candidate> docs) {
    return prepare(query, docs, true);
  }

  /**
   * {@code offsets=false} places every boundary by re-encoding the text before it (the reference
   * the offsets are tested against).
   */
  Prepared prepare(Query query, List<Candidate> docs, boolean offsets) {
    int n = docs.size();
    Layout lay = layout(query, docs);
    String rendered = lay.text();
    String renderedCal = lay.calibration();
    int delta = 0;
    if (frame == Frame.CHAT_TEMPLATE) {
      rendered = rt.render(List.of(ChatMessage.user(lay.text())), true);
      renderedCal = rt.render(List.of(ChatMessage.user(lay.calibration())), true);
      if (rendered.indexOf(ANCHOR) < 0) {
        throw TrawlException.invalid("icr: the chat template does not keep the user message text");
      }
      delta = rendered.indexOf(ANCHOR) - lay.text().indexOf(ANCHOR);
    }
    String bos = rt.template().bosToken();
    int[] specials = !bos.isEmpty() && rendered.startsWith(bos) ? new int[0] : rt.sequencePrefix();
    TextTokenizer.Tokens encoded = rt.encodeWithStarts(rendered);
    int[] full = withPrefix(specials, encoded.ids());
    int[] cal = withPrefix(specials, rt.encode(renderedCal));
    rt.checkContext(full.length, 0, "icr over " + n + " candidates",
        "lower depth= (candidates in the one prompt) or words= (words per passage)");
    int common = 0;
    while (common < Math.min(full.length, cal.length) && full[common] == cal[common]) {
      common++;
    }
    // token index of every boundary: the length of the encoding of the text before it, read from
    // the tokens' character offsets where a token starts at the boundary, else by encoding the
    // text before it (in parallel: tokenizers are thread-safe)
    int[] chars = new int[2 * n + 2];
    for (int j = 0; j < n; j++) {
      chars[2 * j] = lay.docStart()[j] + delta;
      chars[2 * j + 1] = lay.docEnd()[j] + delta;
    }
    chars[2 * n] = lay.instructionStart() + delta;
    chars[2 * n + 1] = lay.queryStart() + delta;
    String text = rendered;
    int[] starts = offsets ? encoded.starts() : null;
    int[] byOffsets = java.util.Arrays.stream(chars).map(c -> offsetIndex(text, starts, c)).toArray();
    int placed = (int) java.util.Arrays.stream(byOffsets).filter(k -> k >= 0).count();
    int[] tok = java.util.stream.IntStream.range(0, chars.length).parallel()
        .map(i -> specials.length
            + (byOffsets[i] >= 0 ? byOffsets[i] : rt.encode(text.substring(0, chars[i])).length))
        .toArray();
    int shared = Math.min(common, tok[2 * n + 1]);
    int q0 = Math.min(shared, tok[2 * n]);
    int[] spanStart = new int[n];
    int[] spanEnd = new int[n];
    for (int j = 0; j < n; j++) {
      spanStart[j] = Math.min(q0, tok[2 * j]);
      spanEnd[j] = Math.min(q0, tok[2 * j + 1]);
    }
    return new Prepared(full, cal, spanStart, spanEnd, q0, shared, placed);
  }

  double[] score(Query query, List<Candidate> docs, boolean reuse) {
    int n = docs.size();
    Prepared p = prepare(query, docs);
    int[] full = p.full();
    int[] cal = p.cal();
    int[] spanStart = p.spanStart();
    int[] spanEnd = p.spanEnd();
    int q0 = p.q0();
    int shared = p.shared();
    // the prompt and its calibration twin (content-free query); with reuse they share the prefix
    cost.prefills(query.id(), 2, reuse ? full.length + cal.length - shared : full.length + cal.length);
    DecoderLm lm = rt.model();
    float[] sharedAcc = new float[q0];
    float[] queryAcc = new float[q0];
    float[] calAcc = new float[q0];
    if (!reuse) {
      try (NDManager m = lm.manager().newSubManager()) {
        lm.forward(new long[][] {slice(full, 0, full.length)}, null, lm.newCache(m, 1),
            sink(q0, q0, queryAcc), false, m).close();
        lm.forward(new long[][] {slice(cal, 0, cal.length)}, null, lm.newCache(m, 1),
            sink(q0, q0, calAcc), false, m).close();
      }
    } else try (NDManager m = lm.manager().newSubManager()) {
      KvCache cache = lm.newCache(m, 1);
      for (int a = 0; a < q0; a += chunk) {
        int e = Math.min(q0, a + chunk);
        lm.forward(new long[][] {slice(full, a, e)}, null, cache, null, false, m).close();
      }
      if (shared > q0) {
        lm.forward(new long[][] {slice(full, q0, shared)}, null, cache, sink(q0, 0, sharedAcc), false, m).close();
      }
      lm.forward(new long[][] {slice(full, shared, full.length)}, null, cache.fork(), sink(q0, 0, queryAcc),
          false, m).close();
      lm.forward(new long[][] {slice(cal, shared, cal.length)}, null, cache.fork(), sink(q0, 0, calAcc),
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
      // torch's std(): Bessel's correction; one token gives NaN, and nothing passes the threshold
      double threshold = mean - 2 * Math.sqrt(var / (len - 1));
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

  private static int[] withPrefix(int[] prefix, int[] ids) {
    int[] out = new int[prefix.length + ids.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(ids, 0, out, prefix.length, ids.length);
    return out;
  }

  /**
   * Token count of the encoding of {@code text[0, chars)} read from the start offsets of the
   * whole text's tokens ({@code starts}, may be null): the number of tokens before the token that
   * starts exactly at {@code chars} (all of them at the end of the text); -1 when no token starts
   * there or there are no offsets (the caller then encodes that prefix).
   */
  private static int offsetIndex(String text, int[] starts, int chars) {
    if (starts == null) {
      return -1;
    }
    if (chars == text.length()) {
      return starts.length;
    }
    int lo = 0;
    int hi = starts.length;
    while (lo < hi) { // first token starting at or after chars
      int mid = (lo + hi) >>> 1;
      if (starts[mid] < chars) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < starts.length && starts[lo] == chars ? lo : -1;
  }

  private static long[] slice(int[] ids, int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = ids[i];
    }
    return out;
  }

  /**
   * Adds, per context token in [0, q0), the attention summed over heads and the query rows: the
   * rows of the pass from {@code firstQueryRow} on (0 when the pass holds only query tokens).
   */
  private static DecoderLm.Probe sink(int q0, int firstQueryRow, float[] acc) {
    return new DecoderLm.Probe() {
      @Override
      public boolean wantsAttention(int layer) {
        return true;
      }

      @Override
      public void attention(int layer, int firstRow, NDArray probs) {
        int rows = (int) probs.getShape().get(2);
        int from = Math.max(0, firstQueryRow - firstRow);
        if (from >= rows) {
          return;
        }
        try (NDArray part = probs.get(new NDIndex(":, :, {}:, :{}", from, q0));
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
