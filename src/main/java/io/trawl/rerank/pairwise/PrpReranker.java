package io.trawl.rerank.pairwise;

import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.PyStrings;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.LocalBackends;
import io.trawl.rerank.listwise.LocalT5;
import io.trawl.rerank.listwise.ParseStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/**
 * Pairwise Ranking Prompting, PRP (Qin et al., 2024, "Large Language Models are Effective Text
 * Rankers with Pairwise Ranking Prompting", Findings of NAACL; arXiv:2306.17563), on a local
 * decoder-only model, with the prompt and the decoder-model path of ielab's llm-rankers
 * ({@code llmrankers/pairwise.py}, commit b36517b, {@code PairwiseLlmRanker}):
 *
 * <pre>
 * Given a query "{query}", which of the following two passages is more relevant to the query?
 *
 * Passage A: "{doc1}"
 *
 * Passage B: "{doc2}"
 *
 * Output Passage A or Passage B:</pre>
 *
 * as the user turn of the model's chat template with the assistant turn opened, then {@code
 * " Passage:"} appended, tokenized as {@code tokenizer(text)} (BOS added). Query and passages are
 * first cut to {@code query-tokens} / {@code passage-tokens} tokens (llm-rankers' {@code truncate}:
 * the text of the first n tokens). Each comparison of (d_1, d_2) runs both orders, (A=d_1, B=d_2)
 * and (A=d_2, B=d_1), in one forward pass, and reads the logits of the two answer tokens, " A" and
 * " B" after "Passage:" (the paper's scoring mode; llm-rankers generates that one token greedily):
 * d_1 wins when it is preferred in both orders, d_2 likewise, otherwise the pair is inconsistent.
 * With {@code scoring=generation} the answer of each order is llm-rankers' own: the one greedy token
 * over the whole vocabulary, decoded, stripped and upper-cased; d_1 wins for "A" then "B", d_2 for
 * "B" then "A", anything else (an answer that is neither) is inconsistent; answers that are neither
 * count as {@code wrong_format} in the parse statistics printed at the end.
 *
 * <p>Aggregation ({@code method}):
 *
 * <ul>
 *   <li>{@code allpair}: every unordered pair; s_i = wins + 0.5 x inconsistent pairs; sorted by
 *       s_i, ties in input order. N(N-1) prompts in batches of {@code batch}.
 *   <li>{@code sorting}: llm-rankers' heapsort (max-heap built from {@code n/2} down, then the top
 *       {@code k} extracted; "greater" = wins in both orders); the top k in that order, then the
 *       others in input order. O(N log N) comparisons.
 *   <li>{@code sliding}: PRP-Sliding-K, {@code k} bubble passes from the bottom of the list
 *       (pass i compares positions (j, j-1) for j = N-1 down to i+1 and swaps when the lower one
 *       wins in both orders); the top k, then the others in input order, as llm-rankers writes it.
 *       K(2N-K-1)/2 comparisons at most.
 * </ul>
 *
 * <p>For {@code sorting} and {@code sliding} each comparison is one forward pass of the two
 * prompts, and a pair is never sent twice (the outcome is cached per query), so repeated
 * comparisons cost nothing and give the same answer. Scores: allpair its s_i (a tie, frequent with
 * half-integer scores, gets the next smaller double than the candidate above it, so trec_eval's
 * re-sort by score then docid keeps the order); sorting and sliding N - rank + 1 (N, N-1, ..., 1).
 *
 * <p>A T5 model folder ({@code model_type} t5, e.g. Flan-T5, the paper's main models) follows
 * llm-rankers' T5 path, which only generates ({@code scoring=generation} is required): the prompt
 * above as it is (no chat template, no " Passage:"), {@code tokenizer(text)} ({@code </s>}
 * appended, no truncation), the two orders in one right-padded batch, the decoder fed {@code
 * "<pad> Passage"} (the start token, then "Passage") and 2 greedy tokens generated after it
 * ({@code generate(input_ids, decoder_input_ids=..., max_new_tokens=2)}); the answer of an order
 * is the whole output decoded without special tokens ("Passage" and the generated tokens),
 * compared as it is with "Passage A" and "Passage B" (no stripping, no upper-casing): d_1 wins for
 * "Passage A" then "Passage B", d_2 for the reverse, anything else is inconsistent. The
 * aggregations below are the same for both kinds of model.
 *
 * <p>Spec: {@code prp(model=<folder>, method=allpair, k=10, scoring=likelihood, query-tokens=128, passage-tokens=128,
 * batch=4, chat-template=<file>, device=cpu, dtype=float32, threads=0)}. The canonical spec has
 * them in this order, without {@code threads}, and without {@code k} for {@code allpair} (where it
 * decides nothing).
 */
public final class PrpReranker implements Reranker {
  public static final String NAME = "prp";
  static final String[] KEYS = {"model", "method", "k", "scoring", "query-tokens", "passage-tokens", "batch",
      "chat-template", "device", "dtype", "threads"};
  static final List<String> METHODS = List.of("allpair", "sorting", "sliding");
  static final List<String> SCORINGS = List.of("likelihood", "generation");

  /** The PRP prompt of llm-rankers' PairwiseLlmRanker (the paper's Figure 2 wording). */
  static final String PROMPT = "Given a query \"{query}\", which of the following two passages is more"
      + " relevant to the query?\n\nPassage A: \"{doc1}\"\n\nPassage B: \"{doc2}\"\n\n"
      + "Output Passage A or Passage B:";
  /** Appended after the rendered chat template, as llm-rankers does for decoder models. */
  static final String ANSWER_PREFIX = " Passage:";
  /** llm-rankers' T5 path: {@code max_new_tokens=2} after {@code "<pad> Passage"}. */
  static final int T5_NEW_TOKENS = 2;

  private final String spec;
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  /** The decoder-only runtime, or null for a T5 model. */
  private final LlmRuntime rt;
  /** The T5 model (Flan-T5) with llm-rankers' T5 prompting, or null. */
  private final LocalT5 t5;
  private final String method;
  private final String scoring;
  private final ParseStats stats = new ParseStats();
  private final int k;
  private final int queryTokens;
  private final int passageTokens;
  private final int batch;
  private final int threads;
  private final int idA;
  private final int idB;

  public PrpReranker(Params p) {
    this.method = p.getString("method", "allpair").toLowerCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw TrawlException.invalid("prp: method must be one of " + String.join(", ", METHODS)
          + ", got '" + method + "'");
    }
    this.scoring = p.getString("scoring", "likelihood").toLowerCase(Locale.ROOT);
    if (!SCORINGS.contains(scoring)) {
      throw TrawlException.invalid("prp: scoring must be one of " + String.join(", ", SCORINGS) + ", got '"
          + scoring + "'");
    }
    this.k = p.getInt("k", 10);
    this.queryTokens = p.getInt("query-tokens", 128);
    this.passageTokens = p.getInt("passage-tokens", 128);
    this.batch = LocalBackends.batch(p);
    this.threads = p.getInt("threads", 0);
    if (k < 1) {
      throw TrawlException.invalid("prp: k must be >= 1, got " + k);
    }
    if (queryTokens < 1 || passageTokens < 1) {
      throw TrawlException.invalid("prp: query-tokens and passage-tokens must be >= 1, got "
          + queryTokens + " and " + passageTokens);
    }
    Spec.Builder canonical = Spec.builder(NAME).put("model", p.getString("model", null))
        .put("method", method).put("k", method.equals("allpair") ? null : Integer.toString(k))
        .put("scoring", scoring).put("query-tokens", queryTokens).put("passage-tokens", passageTokens).put("batch", batch);
    LocalBackends.canonical(canonical, p);
    this.spec = canonical.toString();
    p.requireEmpty(NAME, KEYS); // a misspelt parameter before the model loads
    Path folder = Path.of(p.requireString("model", NAME + " (a Hugging Face model folder)"));
    if (LocalT5.isT5(folder)) {
      if (!scoring.equals("generation")) {
        throw TrawlException.invalid(NAME + ": " + folder + " is a T5 model, whose path in llm-rankers"
            + " (pairwise.py) generates the answer; use scoring=generation (scoring=" + scoring
            + " reads answer logits of decoder-only models)");
      }
      this.t5 = LocalT5.open(p, NAME);
      this.rt = null;
      this.idA = -1;
      this.idB = -1;
      return;
    }
    this.t5 = null;
    LlmRuntime runtime = LocalBackends.runtime(p, NAME);
    try {
      this.idA = answerId(runtime, "A");
      this.idB = answerId(runtime, "B");
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    this.rt = runtime;
  }

  /** The id of the token the model generates for " A" right after "Passage:". */
  static int answerId(LlmRuntime rt, String label) {
    return LocalBackends.answerId(rt, "Passage:", label, "PRP");
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Map<String, Object> settings() {
    return Reranker.threadSettings(threads);
  }

  /** The user message for one order of a pair (query and passages already truncated). */
  public static String userPrompt(String query, String passageA, String passageB) {
    return PROMPT.replace("{query}", query).replace("{doc1}", passageA).replace("{doc2}", passageB);
  }

  /**
   * The model text: the chat template around the user message, assistant turn opened, " Passage:";
   * on a T5 model the user message as it is.
   */
  public String modelText(String query, String passageA, String passageB) {
    if (t5 != null) {
      return userPrompt(query, passageA, passageB);
    }
    return rt.render(List.of(new ChatMessage("user", userPrompt(query, passageA, passageB))), true) + ANSWER_PREFIX;
  }

  /** The text of the first {@code n} tokens of {@code text} (llm-rankers' {@code truncate}). */
  public String truncate(String text, int n) {
    return t5 != null ? t5.truncate(text, n) : LocalBackends.truncate(rt, text, n);
  }

  /** Token ids of the model text for one order, checked against the model's context. */
  public int[] tokenize(String query, String passageA, String passageB) {
    if (t5 != null) {
      return t5.tokenize(modelText(query, passageA, passageB)); // tokenizer(text): </s> appended
    }
    int[] ids = rt.encodeWithSpecialTokens(modelText(query, passageA, passageB));
    rt.checkContext(ids.length, 0, "a PRP prompt", "lower query-tokens= or passage-tokens=");
    return ids;
  }

  /** The logits of " A" and " B" at the last position of each prompt, {@code [row][2]}. */
  public float[][] answerLogits(List<int[]> prompts) {
    if (t5 != null) {
      throw new IllegalStateException("prp: answer logits are for decoder-only models; a T5 model generates");
    }
    float[][] out = new float[prompts.size()][];
    for (int from = 0; from < prompts.size(); from += batch) {
      int to = Math.min(prompts.size(), from + batch);
      float[][] l = LocalBackends.lastLogits(rt, prompts.subList(from, to));
      for (int r = from; r < to; r++) {
        out[r] = new float[] {l[r - from][idA], l[r - from][idB]};
      }
    }
    return out;
  }

  /**
   * The answers of prompts by greedy generation of one token ({@code scoring=generation}, llm-rankers'
   * decoder path): the argmax over the whole vocabulary at the last position, decoded, stripped and
   * upper-cased ("A", "B" or anything else).
   */
  public String[] generatedAnswers(List<int[]> prompts) {
    if (t5 != null) {
      return t5Labels(t5Answers(prompts));
    }
    String[] out = new String[prompts.size()];
    for (int from = 0; from < prompts.size(); from += batch) {
      int to = Math.min(prompts.size(), from + batch);
      float[][] l = LocalBackends.lastLogits(rt, prompts.subList(from, to));
      for (int r = from; r < to; r++) {
        float[] row = l[r - from];
        int best = 0;
        for (int j = 1; j < row.length; j++) {
          if (row[j] > row[best]) {
            best = j;
          }
        }
        out[r] = PyStrings.strip(rt.decode(new int[] {best})).toUpperCase(Locale.ROOT);
      }
    }
    return out;
  }

  /**
   * T5: the greedy answers of prompts, {@code batch} per right-padded batch (llm-rankers: the two
   * orders of a comparison together; allpair's prompts {@code batch_size} at a time).
   */
  public LocalT5.Answer[] t5Answers(List<int[]> prompts) {
    LocalT5.Answer[] out = new LocalT5.Answer[prompts.size()];
    for (int from = 0; from < prompts.size(); from += batch) {
      int to = Math.min(prompts.size(), from + batch);
      LocalT5.Answer[] a = t5.generate(prompts.subList(from, to), T5_NEW_TOKENS);
      System.arraycopy(a, 0, out, from, a.length);
    }
    return out;
  }

  /**
   * T5 answers as labels: "A" for exactly "Passage A", "B" for exactly "Passage B" (llm-rankers
   * compares the decoded output as it is), otherwise the decoded text (never "A" or "B": it starts
   * with the decoded "Passage").
   */
  static String[] t5Labels(LocalT5.Answer[] answers) {
    String[] out = new String[answers.length];
    for (int r = 0; r < answers.length; r++) {
      out[r] = t5Label(answers[r].text());
    }
    return out;
  }

  /** One T5 answer's label (see {@link #t5Labels}). */
  static String t5Label(String decoded) {
    return switch (decoded) {
      case "Passage A" -> "A";
      case "Passage B" -> "B";
      default -> decoded;
    };
  }

  /**
   * llm-rankers' outcome from the generated answers of the two orders: 1 when "Passage A" then
   * "Passage B" (d_1 wins both), -1 for "Passage B" then "Passage A", 0 otherwise (inconsistent or
   * not an answer).
   */
  static int outcome(String ab, String ba) {
    if (ab.equals("A") && ba.equals("B")) {
      return 1;
    }
    if (ab.equals("B") && ba.equals("A")) {
      return -1;
    }
    return 0;
  }

  /**
   * The outcome of each pair of prompts (rows 2i, 2i+1: the two orders of pair i), in this scoring,
   * the model work counted for query {@code qid}: each prompt one prefill pass and, with {@code
   * scoring=generation}, its generated tokens (one on a decoder-only model; on T5 the decoder steps
   * run, at most 2).
   */
  int[] outcomes(String qid, List<int[]> prompts) {
    int[] out = new int[prompts.size() / 2];
    String[] labels;
    if (t5 != null) {
      LocalT5.Answer[] a = t5Answers(prompts);
      for (int r = 0; r < a.length; r++) {
        cost.generation(qid, prompts.get(r).length, a[r].steps());
      }
      labels = t5Labels(a);
    } else {
      long tokens = 0;
      for (int[] p : prompts) {
        tokens += p.length;
      }
      cost.add(qid, prompts.size(), 0, tokens, scoring.equals("generation") ? prompts.size() : 0);
      if (!scoring.equals("generation")) {
        float[][] l = answerLogits(prompts);
        for (int i = 0; i < out.length; i++) {
          out[i] = outcome(l[2 * i], l[2 * i + 1]);
        }
        return out;
      }
      labels = generatedAnswers(prompts);
    }
    for (String x : labels) {
      stats.addChoice(!x.equals("A") && !x.equals("B"), false);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = outcome(labels[2 * i], labels[2 * i + 1]);
    }
    return out;
  }

  /** The answer statistics of {@code scoring=generation} ("A" or "B" ok, anything else wrong_format). */
  public ParseStats stats() {
    return stats;
  }

  /**
   * The outcome of a comparison from the answer logits of its two orders: {@code ab} for (A=d_1,
   * B=d_2), {@code ba} for (A=d_2, B=d_1). 1: d_1 wins both; -1: d_2 wins both; 0: inconsistent.
   */
  static int outcome(float[] ab, float[] ba) {
    boolean first = ab[0] > ab[1];
    boolean second = ba[1] > ba[0];
    if (first && second) {
      return 1;
    }
    if (!first && !second) {
      return -1;
    }
    return 0;
  }

  @Override
  public io.trawl.rerank.Cost cost() {
    return cost;
  }

  @Override
  public RankedList rerank(Query query, RankedList candidates) {
    Reranker.requireTexts(NAME, candidates);
    int n = candidates.size();
    if (n == 0) {
      return candidates;
    }
    Pairs pairs = new Pairs(query, candidates);
    List<Candidate> out = new ArrayList<>(n);
    if (method.equals("allpair")) {
      double[] s = pairs.allPairScores();
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a])); // stable: ties in input order
      double prev = Double.POSITIVE_INFINITY;
      for (int i : order) {
        // a tie gets the next smaller double, so trec_eval's re-sort (score, then docid) keeps it
        double score = s[i] >= prev ? Math.nextDown(prev) : s[i];
        out.add(candidates.get(i).withScore(score));
        prev = score;
      }
    } else {
      return Reranker.topThenRest(candidates,
          method.equals("sorting") ? pairs.heapSortTop() : pairs.slidingTop());
    }
    return new RankedList(candidates.queryId(), out);
  }

  /** One query's comparisons, each computed once. */
  final class Pairs {
    private final String qid;
    private final String query;
    private final String[] texts;
    private final Map<Long, Integer> outcomes = new HashMap<>();
    private final int n;

    Pairs(Query q, RankedList candidates) {
      this.n = candidates.size();
      this.qid = q.id();
      this.query = truncate(q.text(), queryTokens);
      this.texts = new String[n];
      for (int i = 0; i < n; i++) {
        texts[i] = truncate(candidates.get(i).text(), passageTokens);
      }
    }

    /** 1 when d_a wins both orders against d_b, -1 when d_b does, 0 when inconsistent. */
    int compare(int a, int b) {
      int lo = Math.min(a, b);
      int hi = Math.max(a, b);
      long key = (long) lo * n + hi;
      Integer o = outcomes.get(key);
      if (o == null) {
        o = outcomes(qid, List.of(tokenize(query, texts[lo], texts[hi]), tokenize(query, texts[hi], texts[lo])))[0];
        outcomes.put(key, o);
      }
      return a == lo ? o : -o;
    }

    double[] allPairScores() {
      List<int[]> prompts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          prompts.add(tokenize(query, texts[i], texts[j]));
          prompts.add(tokenize(query, texts[j], texts[i]));
        }
      }
      int[] os = outcomes(qid, prompts);
      double[] s = new double[n];
      int r = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          int o = os[r++];
          if (o == 1) {
            s[i] += 1;
          } else if (o == -1) {
            s[j] += 1;
          } else {
            s[i] += 0.5;
            s[j] += 0.5;
          }
        }
      }
      return s;
    }

    int[] heapSortTop() {
      return PrpReranker.heapSortTop(n, k, this::compare);
    }

    int[] slidingTop() {
      return PrpReranker.slidingTop(n, k, this::compare);
    }
  }

  /**
   * llm-rankers' {@code heapSort(arr, k)} over positions 0..n-1: a max-heap built from {@code n/2}
   * down, then the top k extracted; "greater" is {@code compare(a, b) == 1} (a wins both orders).
   * The top {@code min(k, n)} positions, best first.
   */
  static int[] heapSortTop(int n, int k, IntBinaryOperator compare) {
    int[] arr = new int[n];
    for (int i = 0; i < n; i++) {
      arr[i] = i;
    }
    for (int i = n / 2; i >= 0; i--) {
      heapify(arr, n, i, compare);
    }
    int ranked = 0;
    for (int i = n - 1; i > 0; i--) {
      swap(arr, 0, i);
      ranked++;
      if (ranked == k) {
        break;
      }
      heapify(arr, i, 0, compare);
    }
    int m = Math.min(k, n);
    int[] top = new int[m];
    for (int r = 0; r < m; r++) {
      top[r] = arr[n - 1 - r];
    }
    return top;
  }

  private static void heapify(int[] arr, int size, int i, IntBinaryOperator compare) {
    while (true) {
      int largest = i;
      int l = 2 * i + 1;
      int r = 2 * i + 2;
      if (l < size && compare.applyAsInt(arr[l], arr[i]) == 1) {
        largest = l;
      }
      if (r < size && compare.applyAsInt(arr[r], arr[largest]) == 1) {
        largest = r;
      }
      if (largest == i) {
        return;
      }
      swap(arr, i, largest);
      i = largest;
    }
  }

  /**
   * PRP-Sliding-K over positions 0..n-1: {@code k} bubble passes from the bottom, pass i comparing
   * (j, j-1) for j = n-1 down to i+1 and swapping when the lower one wins both orders. The top
   * {@code min(k, n)} positions, best first.
   */
  static int[] slidingTop(int n, int k, IntBinaryOperator compare) {
    int[] ranking = new int[n];
    for (int i = 0; i < n; i++) {
      ranking[i] = i;
    }
    int m = Math.min(k, n);
    for (int pass = 0; pass < m; pass++) {
      for (int cur = n - 1; cur > pass; cur--) {
        if (compare.applyAsInt(ranking[cur], ranking[cur - 1]) == 1) {
          swap(ranking, cur, cur - 1);
        }
      }
    }
    return Arrays.copyOf(ranking, m);
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  @Override
  public void close() {
    if (scoring.equals("generation") && stats.asMap().get("windows") > 0) {
      System.err.println(NAME + ": parse: " + stats);
    }
    if (t5 != null) {
      t5.close();
    } else {
      rt.close();
    }
  }
}
