package io.trawl.rerank.listwise;

import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * FIRST (Reddy et al., 2024, "FIRST: Faster Improved Listwise Reranking with Single Token
 * Decoding"): the RankZephyr single-turn prompt with alphabetic identifiers [A], [B], ... ({@link
 * ListwisePrompts#first}); instead of generating a permutation, one forward pass reads the logits
 * of the first generated identifier, as RankLLM (5f31fe1) and the FIRST authors' code do: the chat
 * template with the assistant turn opened, {@link Ftfy#fixText}, then "[" appended, tokenized with
 * the tokenizer's special tokens (BOS); of the window's letters, those among the {@value
 * #TOP_LOGPROBS} most likely tokens of the whole vocabulary (vLLM's {@code logprobs=30}) are ordered
 * by logit, descending (ties keep the original order), and the other letters follow in their
 * original order. Same {@link SlidingWindow} as RankGPT. Scores stay attached to positions.
 *
 * <p>Spec: {@code first(model=<folder>, window=20, stride=min(10,window), depth=100, words=300,
 * batch=4, chat-template=<file>, device=cpu, dtype=float32, threads=0)}. The canonical spec
 * ({@link #spec()}) keeps what decides the order, with effective values: {@code first(model=M,
 * window=20,stride=10,depth=100,words=300,batch=4,device=cpu,dtype=float32)} ({@code
 * chat-template} when given); only {@code threads} is left out.
 */
public final class FirstReranker implements Reranker {
  static final String[] ALL_KEYS = {"model", "window", "stride", "depth", "words", "batch",
      "chat-template", "device", "dtype", "threads"};
  /** How many most likely tokens RankLLM asks vLLM for ({@code SamplingParams(logprobs=30)}). */
  static final int TOP_LOGPROBS = 30;

  private final String spec;
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  private final LlmRuntime rt;
  private final SlidingWindow sliding;
  private final int words;
  private final int batch;
  private final int[] letterIds;

  public FirstReranker(Params p) {
    this.sliding = SlidingWindow.of(p);
    if (sliding.window() > 26) {
      throw TrawlException.invalid("first uses letters A-Z: window must be <= 26, got " + sliding.window());
    }
    this.words = p.getInt("words", Passages.DEFAULT_MAX_WORDS);
    if (words < 1) {
      throw TrawlException.invalid("words must be >= 1, got " + words);
    }
    this.batch = LocalBackends.batch(p);
    Spec.Builder canonical = Spec.builder("first").put("model", p.getString("model", null));
    SlidingWindow.canonical(canonical, sliding);
    canonical.put("words", words).put("batch", batch);
    LocalBackends.canonical(canonical, p);
    this.spec = canonical.toString();
    LlmRuntime runtime = LocalBackends.runtime(p, "first");
    try {
      p.requireEmpty("first", ALL_KEYS);
      this.letterIds = letterIds(runtime, sliding.window());
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    this.rt = runtime;
  }

  /** Token ids of "A", "B", ... as generated right after "[". */
  static int[] letterIds(LlmRuntime rt, int n) {
    int[] ids = new int[n];
    int[] open = rt.tokenizer().encode("[");
    for (int i = 0; i < n; i++) {
      String letter = ListwisePrompts.identifier(i, true);
      int id = rt.tokenizer().pieceId(letter);
      if (id < 0) {
        int[] both = rt.tokenizer().encode("[" + letter);
        if (both.length == open.length + 1
            && Arrays.equals(Arrays.copyOf(both, open.length), open)) {
          id = both[open.length];
        }
      }
      if (id < 0) {
        throw TrawlException.invalid(rt.model().folder() + ": identifier '" + letter
            + "' is not a single token of this tokenizer; FIRST needs one token per letter");
      }
      ids[i] = id;
    }
    return ids;
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public io.trawl.rerank.Cost cost() {
    return cost;
  }

  @Override
  public RankedList rerank(Query query, RankedList candidates) {
    return rerankAll(List.of(query), List.of(candidates)).get(0);
  }

  @Override
  public List<RankedList> rerankAll(List<Query> queries, List<RankedList> lists) {
    int nq = queries.size();
    Lockstep ls = new Lockstep(lists, sliding);
    for (int round = 0; round < ls.rounds(); round++) {
      List<Integer> who = new ArrayList<>();
      List<int[]> prompts = new ArrayList<>();
      for (int q = 0; q < nq; q++) {
        SlidingWindow.Range r = ls.window(q, round);
        if (r == null) {
          continue;
        }
        List<ChatMessage> msgs = ListwisePrompts.first(queries.get(q).text(),
            ListwiseSupport.passages(queries.get(q), ls.current(q), r,
                ListwisePrompts.Template.FIRST, words, sliding.window()));
        int[] ids = rt.encodeWithSpecialTokens(
            ListwisePrompts.modelText(ListwisePrompts.Template.FIRST, rt.render(msgs, true)));
        rt.checkContext(ids.length, 0, "a FIRST window of " + r.size() + " passages",
            "lower window= (passages per prompt) or words= (words per passage)");
        who.add(q);
        prompts.add(ids);
        cost.prefill(queries.get(q).id(), ids.length); // the first answer token's logits only
      }
      for (int from = 0; from < who.size(); from += batch) {
        int to = Math.min(who.size(), from + batch);
        float[][] logits = LocalBackends.lastLogits(rt, prompts.subList(from, to));
        for (int i = from; i < to; i++) {
          int q = who.get(i);
          SlidingWindow.Range r = ls.window(q, round);
          ls.apply(q, r, order(logits[i - from], letterIds, r.size(), TOP_LOGPROBS));
        }
      }
    }
    return ls.results();
  }

  /**
   * The window order from the logits after "[": the first {@code n} letters that are among the
   * {@code top} largest logits of the vocabulary, by logit descending (stable), then the other
   * letters in their order ({@code top <= 0}: all letters by logit).
   */
  static int[] order(float[] logits, int[] letterIds, int n, int top) {
    float threshold = Float.NEGATIVE_INFINITY;
    if (top > 0 && top < logits.length) {
      float[] sorted = logits.clone();
      Arrays.sort(sorted);
      threshold = sorted[sorted.length - top];
    }
    List<Integer> scored = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      (logits[letterIds[k]] >= threshold ? scored : rest).add(k);
    }
    scored.sort(Comparator.comparingDouble((Integer k) -> -logits[letterIds[k]]));
    scored.addAll(rest);
    return scored.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public void close() {
    rt.close();
  }
}
