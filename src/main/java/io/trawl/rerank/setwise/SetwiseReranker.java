package io.trawl.rerank.setwise;

import io.trawl.core.Params;
import io.trawl.core.PyRandom;
import io.trawl.core.PyStrings;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.model.llm.Greedy;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.LocalBackends;
import io.trawl.rerank.listwise.LocalT5;
import io.trawl.rerank.listwise.ParseStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Setwise reranking (Zhuang, Zhuang, Koopman and Zuccon, 2024, "A Setwise Approach for Effective
 * and Highly Efficient Zero-shot Ranking with Large Language Models", SIGIR; arXiv:2310.09497) on a
 * local decoder-only or T5 (Flan-T5) model, as ielab's llm-rankers writes it ({@code
 * llmrankers/setwise.py}, commit b36517b, {@code SetwiseLlmRanker}), and its reasoning variant Rank-R1 (Zhuang
 * et al., 2025, arXiv:2503.06034; the same repository's {@code Rank-R1/run_setwise.py} with {@code
 * prompts/prompt_setwise-R1.toml}).
 *
 * <p>One comparison shows a set of {@code c+1} passages (a heap node and its {@code num-child}
 * children, or a bubble-sort window) and asks for the most relevant one:
 *
 * <pre>
 * Given a query "{query}", which of the following passages is the most relevant one to the query?
 *
 * Passage A: "{doc1}"
 *
 * Passage B: "{doc2}"
 * ...
 *
 * Output only the passage label of the most relevant passage:</pre>
 *
 * as the user turn of the model's chat template with the assistant turn opened, then {@code
 * " Passage:"} appended, tokenized as {@code tokenizer(text)} (BOS added); labels A, B, ..., W (so
 * at most 22 children). Query and passages are first cut to {@code query-tokens} / {@code
 * passage-tokens} tokens (the text of the first n tokens). One forward pass, then ({@code scoring}):
 *
 * <ul>
 *   <li>{@code likelihood}: the winner is the label whose token (" A", " B", ... after "Passage:")
 *       has the largest logit at the last position, the first on a tie (the Setwise paper's
 *       likelihood scoring; llm-rankers does it so for T5 models);
 *   <li>{@code generation}: llm-rankers' decoder path: the one greedy token over the whole
 *       vocabulary, decoded, stripped and upper-cased, must be a label shown; anything else counts
 *       as invalid and the first passage wins (llm-rankers: {@code best_ind = 0});
 *   <li>{@code reasoning}: Rank-R1: system and user turns of its prompt (passages labelled {@code
 *       [1]: }, ..., at most 19 children), greedy generation of at most {@code max-tokens} tokens;
 *       the answer is group 1 of {@code <think>.*?</think>\s*<answer>(.*?)</answer>} (dot matches
 *       newlines) in the lower-cased completion, stripped; when it is not one of the labels shown
 *       the first passage wins.
 * </ul>
 *
 * <p>A T5 model folder ({@code model_type} t5, e.g. Flan-T5) follows llm-rankers' T5 path: the
 * prompt above as it is (no chat template, no " Passage:"), {@code tokenizer(text)} ({@code </s>}
 * appended, no truncation), the decoder fed {@code "<pad> Passage"} (the start token, then
 * "Passage"); {@code likelihood} reads the logits of the last tokens of "Passage A", "Passage B", ...
 * at the decoder's last position, {@code generation} decodes 2 greedy tokens after it and takes the
 * last character of the stripped "Passage X" (no upper-casing); {@code reasoning} is for chat models.
 * With {@code num-permutation=P > 1} (T5 and {@code generation} only, llm-rankers' {@code
 * num_permutation}) each comparison is P prompts instead, each with the set's passages shuffled and
 * its labels shuffled by Python's {@code random.sample}, answered in one batch; their answers vote
 * (see {@link #vote}). llm-rankers draws from Python's process-wide generator, seeded 929 once at
 * import, so its draws for a query depend on every query before it; here a {@link PyRandom}
 * (CPython's generator, bit for bit) is seeded 929 at the start of each query, which gives
 * llm-rankers' draws for the first query of its run and a query's result that does not depend on
 * the others. A set of one passage is not prompted, but its draws are made.
 *
 * <p>Sorting ({@code method}), both for the top {@code k}:
 *
 * <ul>
 *   <li>{@code heapsort}: llm-rankers' {@code heapSort}: a {@code (c)}-ary max-heap (children of
 *       position i are ci+1 .. ci+c) built from {@code n/c} down to 0, then the top {@code k}
 *       extracted; each sift-down step is one comparison of a node and its children;
 *   <li>{@code bubblesort}: llm-rankers' bubble sort: {@code k} passes, windows of {@code c+1}
 *       moving up from the bottom by {@code c}, the window's winner swapped to its top, with
 *       llm-rankers' skip of the unchanged bottom part in later passes.
 * </ul>
 *
 * <p>Then the top k in that order and the others in input order; scores N, N-1, ..., 1. A set of
 * fewer than two passages is not sent to the model (it can change nothing). Where llm-rankers
 * would read a label beyond the set's size (an answer "D" for three passages) the first passage
 * wins here as in its heapsort (its bubble sort would swap a passage outside the window). Rank-R1's
 * code also shuffles each set with one process-wide random generator (seed 929), which makes a
 * query's result depend on the queries before it; here the set is shown in heap / window order, as
 * in the Setwise prompt. Parse statistics (generation, reasoning) go to stderr at the end, with the
 * number of reasoning answers that used the whole {@code max-tokens} budget.
 *
 * <p>Spec: {@code setwise(model=<folder>, method=heapsort, num-child=3, k=10, scoring=likelihood,
 * num-permutation=1, query-tokens=128, passage-tokens=128, max-tokens=2048, chat-template=<file>,
 * device=cpu, dtype=float32, threads=0)}. The canonical spec has them in this order, without {@code
 * threads}, with {@code num-permutation} only for a T5 model with {@code scoring=generation}, and
 * with {@code max-tokens} only for {@code scoring=reasoning}.
 */
public final class SetwiseReranker implements Reranker {
  public static final String NAME = "setwise";
  static final String[] KEYS = {"model", "method", "num-child", "k", "scoring", "num-permutation", "query-tokens",
      "passage-tokens", "max-tokens", "chat-template", "device", "dtype", "threads"};
  static final List<String> METHODS = List.of("heapsort", "bubblesort");
  static final List<String> SCORINGS = List.of("likelihood", "generation", "reasoning");

  /** llm-rankers' {@code SetwiseLlmRanker.CHARACTERS}. */
  static final List<String> LABELS = List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L",
      "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W");
  /** Rank-R1's labels {@code [1]} .. {@code [20]}. */
  static final int R1_LABELS = 20;

  static final String PROMPT_HEAD = "Given a query \"{query}\", which of the following passages is the most"
      + " relevant one to the query?\n\n";
  static final String PROMPT_TAIL = "\n\nOutput only the passage label of the most relevant passage:";
  /** Appended after the rendered chat template, as llm-rankers does for decoder models. */
  static final String ANSWER_PREFIX = " Passage:";
  /** llm-rankers' {@code random.seed(929)} (setwise.py, at import), here at the start of each query. */
  static final long PERMUTATION_SEED = 929;

  /** Rank-R1's {@code prompt_setwise-R1.toml}. */
  static final String R1_SYSTEM = "A conversation between User and Assistant. The user asks a question, and"
      + " the Assistant solves it. The assistant first thinks about the reasoning process in the mind and"
      + " then provides the user with the answer. The reasoning process and answer are enclosed within"
      + " <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here"
      + " </think> <answer> answer here </answer>.";
  static final String R1_USER = "Given the query: \"{query}\", which of the following documents is most"
      + " relevant?\n{docs}\nAfter completing the reasoning process, please provide only the label of the"
      + " most relevant document to the query, enclosed in square brackets, within the answer tags. For"
      + " example, if the third document is the most relevant, the answer should be: <think> reasoning"
      + " process here </think> <answer>[3]</answer>.";
  static final String R1_DOC_PREFIX = "[{num}]: ";
  static final String R1_DOC_SEPARATOR = "\n";
  /** Rank-R1's {@code pattern}, Python's {@code re.DOTALL} and Unicode {@code \s}. */
  static final Pattern R1_PATTERN = Pattern.compile("<think>.*?</think>\\s*<answer>(.*?)</answer>",
      Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);

  private final String spec;
  /** The decoder-only runtime, or null for an encoder-decoder (T5) model. */
  private final LlmRuntime rt;
  /** The T5 model (Flan-T5) with llm-rankers' T5 prompting, or null. */
  private final LocalT5 t5;
  private final String method;
  private final int numChild;
  private final int k;
  private final String scoring;
  private final int queryTokens;
  private final int passageTokens;
  private final int maxTokens;
  /** llm-rankers' {@code num_permutation} (T5, scoring=generation): prompts voting per comparison. */
  private final int numPermutation;
  private final int threads;
  private final int[] labelIds;
  private final ParseStats stats = new ParseStats();
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  private final AtomicLong budgetExhausted = new AtomicLong();
  private final AtomicLong compares = new AtomicLong();

  public SetwiseReranker(Params p) {
    this.method = p.getString("method", "heapsort").toLowerCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw TrawlException.invalid(NAME + ": method must be one of " + String.join(", ", METHODS)
          + ", got '" + method + "'");
    }
    this.scoring = p.getString("scoring", "likelihood").toLowerCase(Locale.ROOT);
    if (!SCORINGS.contains(scoring)) {
      throw TrawlException.invalid(NAME + ": scoring must be one of " + String.join(", ", SCORINGS)
          + ", got '" + scoring + "'");
    }
    boolean reasoning = scoring.equals("reasoning");
    this.numChild = p.getInt("num-child", 3);
    int maxChild = reasoning ? R1_LABELS - 1 : LABELS.size() - 1;
    if (numChild < 1 || numChild > maxChild) {
      throw TrawlException.invalid(NAME + ": num-child must be in 1.." + maxChild + " for scoring=" + scoring
          + " (" + (maxChild + 1) + " labels), got " + numChild);
    }
    this.k = p.getInt("k", 10);
    if (k < 1) {
      throw TrawlException.invalid(NAME + ": k must be >= 1, got " + k);
    }
    this.queryTokens = p.getInt("query-tokens", 128);
    this.passageTokens = p.getInt("passage-tokens", 128);
    if (queryTokens < 1 || passageTokens < 1) {
      throw TrawlException.invalid(NAME + ": query-tokens and passage-tokens must be >= 1, got "
          + queryTokens + " and " + passageTokens);
    }
    this.maxTokens = p.getInt("max-tokens", 2048);
    if (maxTokens < 1) {
      throw TrawlException.invalid(NAME + ": max-tokens must be >= 1, got " + maxTokens);
    }
    this.threads = p.getInt("threads", 0);
    String modelArg = p.getString("model", null);
    boolean t5Model = modelArg != null && LocalT5.isT5(Path.of(modelArg));
    boolean voting = t5Model && scoring.equals("generation");
    this.numPermutation = p.getInt("num-permutation", 1);
    if (numPermutation < 1) {
      throw TrawlException.invalid(NAME + ": num-permutation must be >= 1, got " + numPermutation);
    }
    if (numPermutation > 1 && !voting) {
      throw TrawlException.invalid(NAME + ": num-permutation=" + numPermutation + " is llm-rankers' T5 path with"
          + " scoring=generation only (" + (t5Model ? "scoring=" + scoring : "not a T5 model: " + modelArg) + ")");
    }
    Spec.Builder canonical = Spec.builder(NAME).put("model", modelArg)
        .put("method", method).put("num-child", numChild).put("k", k).put("scoring", scoring)
        .put("num-permutation", voting ? Integer.toString(numPermutation) : null)
        .put("query-tokens", queryTokens).put("passage-tokens", passageTokens)
        .put("max-tokens", reasoning ? Integer.toString(maxTokens) : null);
    LocalBackends.canonical(canonical, p);
    this.spec = canonical.toString();
    p.requireEmpty(NAME, KEYS); // a misspelt parameter before the model loads
    Path folder = Path.of(p.requireString("model", NAME + " (a Hugging Face model folder)"));
    if (LocalT5.isT5(folder)) {
      if (reasoning) {
        throw TrawlException.invalid(NAME + ": scoring=reasoning needs a decoder-only chat model (Rank-R1 is"
            + " Qwen2.5); " + folder + " is a T5 model");
      }
      LocalT5 model = LocalT5.open(p, NAME);
      try {
        this.labelIds = new int[numChild + 1];
        for (int i = 0; i < labelIds.length; i++) {
          labelIds[i] = model.labelId(LABELS.get(i), NAME);
        }
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
      this.rt = null;
      this.t5 = model;
      return;
    }
    LlmRuntime runtime = LocalBackends.runtime(p, NAME);
    try {
      this.labelIds = new int[scoring.equals("likelihood") ? numChild + 1 : 0];
      for (int i = 0; i < labelIds.length; i++) {
        labelIds[i] = LocalBackends.answerId(runtime, "Passage:", LABELS.get(i), "setwise scoring=likelihood");
      }
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    this.rt = runtime;
    this.t5 = null;
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Map<String, Object> settings() {
    return Reranker.threadSettings(threads);
  }

  /** The answer statistics so far (generation and reasoning; likelihood answers are always ok). */
  public ParseStats stats() {
    return stats;
  }

  /** Reasoning answers that used the whole {@code max-tokens} budget. */
  public long budgetExhausted() {
    return budgetExhausted.get();
  }

  /** Comparisons sent to the model so far. */
  public long compares() {
    return compares.get();
  }

  /** The Setwise user message (query and passages already truncated), labels A, B, ... */
  public static String userPrompt(String query, List<String> passages) {
    return userPrompt(query, passages, LABELS.subList(0, passages.size()));
  }

  /** The Setwise user message with the passages labelled {@code labels} (a permutation's). */
  public static String userPrompt(String query, List<String> passages, List<String> labels) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < passages.size(); i++) {
      sb.append(i == 0 ? "" : "\n\n").append("Passage ").append(labels.get(i)).append(": \"")
          .append(passages.get(i)).append('"');
    }
    return PROMPT_HEAD.replace("{query}", query) + sb + PROMPT_TAIL;
  }

  /** Rank-R1's user message: passages as {@code [1]: text}, one a line. */
  public static String reasoningUserPrompt(String query, List<String> passages) {
    StringBuilder docs = new StringBuilder();
    for (int i = 0; i < passages.size(); i++) {
      docs.append(i == 0 ? "" : R1_DOC_SEPARATOR).append(R1_DOC_PREFIX.replace("{num}", Integer.toString(i + 1)))
          .append(passages.get(i));
    }
    // Python's str.format replaces both fields in one pass: a "{docs}" inside the query stays
    int q = R1_USER.indexOf("{query}");
    int d = R1_USER.indexOf("{docs}");
    return R1_USER.substring(0, q) + query + R1_USER.substring(q + 7, d) + docs + R1_USER.substring(d + 6);
  }

  /** The chat messages of one comparison. */
  public List<ChatMessage> messages(String query, List<String> passages) {
    if (scoring.equals("reasoning")) {
      return List.of(ChatMessage.system(R1_SYSTEM), ChatMessage.user(reasoningUserPrompt(query, passages)));
    }
    return List.of(ChatMessage.user(userPrompt(query, passages)));
  }

  /** The model text: the chat template around the messages, assistant turn opened (+ " Passage:"). */
  public String modelText(String query, List<String> passages) {
    if (t5 != null) {
      return userPrompt(query, passages); // llm-rankers' T5 path: the prompt as it is, no chat template
    }
    String text = rt.render(messages(query, passages), true);
    return scoring.equals("reasoning") ? text : text + ANSWER_PREFIX;
  }

  /** The text of the first {@code n} tokens of {@code text}. */
  public String truncate(String text, int n) {
    return t5 != null ? t5.truncate(text, n) : LocalBackends.truncate(rt, text, n);
  }

  /** Token ids of one comparison's prompt, checked against the model's context. */
  public int[] tokenize(String query, List<String> passages) {
    if (t5 != null) {
      return t5.tokenize(modelText(query, passages)); // tokenizer(text): </s> appended
    }
    int[] ids = rt.encodeWithSpecialTokens(modelText(query, passages));
    rt.checkContext(ids.length, scoring.equals("reasoning") ? maxTokens : 0,
        "a setwise prompt of " + passages.size() + " passages",
        "lower num-child=, passage-tokens=" + (scoring.equals("reasoning") ? " or max-tokens=" : ""));
    return ids;
  }

  /** The ids of the label tokens " A", " B", ... read by {@code scoring=likelihood}. */
  public int[] labelIds() {
    return labelIds.clone();
  }

  /** The logits at the last position of one prompt (the whole vocabulary). */
  public float[] lastLogits(int[] ids) {
    if (t5 != null) {
      return t5.lastLogits(ids);
    }
    return LocalBackends.lastLogits(rt, List.of(ids))[0];
  }

  /** T5: the decoder input ids, {@code "<pad> Passage"}. */
  public int[] decoderPrefix() {
    return t5 == null ? null : t5.prefix();
  }

  /** The first index of the largest value. */
  static int argmaxAll(float[] l) {
    int best = 0;
    for (int j = 1; j < l.length; j++) {
      if (l[j] > l[best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * Greedy generation after a prompt (the stop token left out): at most {@code max-tokens} tokens,
   * or on a T5 model llm-rankers' 2 after the decoder prefix.
   */
  public int[] generate(int[] ids) {
    if (t5 != null) {
      return t5.generate(List.of(ids), 2)[0].tokens();
    }
    return Greedy.generate(rt.model(), List.of(ids), maxTokens, rt.stopIds(), true, 1024).tokens()[0];
  }

  /** The text of generated tokens, special tokens left out. */
  public String decode(int[] tokens) {
    return t5 != null ? t5.decode(tokens) : rt.decode(tokens);
  }

  /** What one comparison answered: the winner's index in the set, or 0 when the answer was invalid. */
  public record Choice(int index, String answer, boolean wrongFormat, boolean outOfRange) {
    boolean valid() {
      return !wrongFormat && !outOfRange;
    }
  }

  /** The winner of the set from the logits of its labels: the largest, the first on a tie. */
  static int argmax(float[] logits, int[] ids, int m) {
    int best = 0;
    for (int i = 1; i < m; i++) {
      if (logits[ids[i]] > logits[ids[best]]) {
        best = i;
      }
    }
    return best;
  }

  /** A generated label ({@code scoring=generation}): stripped and upper-cased, one of the m shown. */
  static Choice parseLabel(String answer, int m) {
    int i = LABELS.indexOf(PyStrings.strip(answer).toUpperCase(Locale.ROOT));
    if (i < 0) {
      return new Choice(0, answer, true, false);
    }
    return i < m ? new Choice(i, answer, false, false) : new Choice(0, answer, false, true);
  }

  /**
   * llm-rankers' T5 generation answer: the decoded "Passage X" (decoder input without its start
   * token, then the generated tokens), stripped, its last character; a label shown or invalid (no
   * upper-casing on this path).
   */
  static Choice parseT5(String decoded, int m) {
    String s = PyStrings.strip(decoded);
    if (s.isEmpty()) {
      return new Choice(0, decoded, true, false);
    }
    String last = new String(Character.toChars(s.codePointBefore(s.length())));
    int i = LABELS.indexOf(last);
    if (i < 0) {
      return new Choice(0, decoded, true, false);
    }
    return i < m ? new Choice(i, decoded, false, false) : new Choice(0, decoded, false, true);
  }

  /** A Rank-R1 completion: the {@code <answer>} after the {@code <think>} block, one of [1]..[m]. */
  static Choice parseReasoning(String completion, int m) {
    Matcher x = R1_PATTERN.matcher(completion.toLowerCase(Locale.ROOT));
    if (!x.find()) {
      return new Choice(0, completion, true, false);
    }
    String a = PyStrings.strip(x.group(1));
    for (int i = 0; i < m; i++) {
      if (a.equals("[" + (i + 1) + "]")) {
        return new Choice(i, completion, false, false);
      }
    }
    return new Choice(0, completion, false, true);
  }

  /** One comparison of {@code passages} (already truncated): the winner's index in the set. */
  public Choice choose(String query, List<String> passages) {
    return choose(null, query, passages);
  }

  /** {@link #choose(String, List)}, its model work counted for query {@code qid} (null: not counted). */
  Choice choose(String qid, String query, List<String> passages) {
    int m = passages.size();
    int[] ids = tokenize(query, passages);
    compares.incrementAndGet();
    Choice c;
    switch (scoring) {
      case "likelihood" -> {
        count(qid, ids.length, 0);
        int best = argmax(lastLogits(ids), labelIds, m);
        return new Choice(best, LABELS.get(best), false, false);
      }
      case "generation" -> {
        if (t5 != null) {
          LocalT5.Answer a = t5.generate(List.of(ids), 2)[0];
          count(qid, ids.length, a.steps());
          c = parseT5(a.text(), m);
        } else {
          count(qid, ids.length, 1);
          c = parseLabel(rt.decode(new int[] {argmaxAll(lastLogits(ids))}), m);
        }
      }
      default -> {
        int[] out = generate(ids);
        count(qid, ids.length, out.length);
        if (out.length >= maxTokens) {
          budgetExhausted.incrementAndGet();
        }
        c = parseReasoning(decode(out), m);
      }
    }
    stats.addChoice(c.wrongFormat(), c.outOfRange());
    return c;
  }

  /**
   * llm-rankers' {@code num_permutation} voting (its T5 generation path, {@code num_permutation >
   * 1}): {@code num-permutation} times, the set's passages in the order {@code rnd.sample(positions,
   * m)} labelled {@code rnd.sample(labels, m)} (both Python's {@code random.sample}); the prompts in
   * one batch, 2 greedy tokens after "&lt;pad&gt; Passage" each; a vote is the generated tokens
   * decoded, stripped and upper-cased, when it is one of the labels shown, for the passage that
   * label named. The passage with most votes wins; a tie between several is broken by {@code
   * rnd.choice} over them in the order their first votes came; no valid vote: the first passage
   * (llm-rankers' "Unexpected voting.", {@code best_ind = 0}), counted as wrong_format.
   */
  Vote vote(String qid, String query, List<String> passages, PyRandom rnd) {
    int m = passages.size();
    List<Integer> positions = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      positions.add(i);
    }
    List<List<Integer>> orders = new ArrayList<>();
    List<List<String>> labels = new ArrayList<>();
    List<String> users = new ArrayList<>();
    List<int[]> prompts = new ArrayList<>();
    for (int r = 0; r < numPermutation; r++) {
      List<Integer> order = rnd.sample(positions, m);
      List<String> shownLabels = rnd.sample(LABELS.subList(0, m), m);
      List<String> shown = new ArrayList<>(m);
      for (int i : order) {
        shown.add(passages.get(i));
      }
      orders.add(order);
      labels.add(shownLabels);
      users.add(userPrompt(query, shown, shownLabels));
      prompts.add(t5.tokenize(users.get(r)));
    }
    compares.incrementAndGet();
    LocalT5.Answer[] answers = t5.generate(prompts, 2);
    List<Integer> votes = new ArrayList<>();
    List<String> results = new ArrayList<>();
    for (int r = 0; r < answers.length; r++) {
      count(qid, prompts.get(r).length, answers[r].steps());
      String result = PyStrings.strip(t5.decode(answers[r].tokens())).toUpperCase(Locale.ROOT);
      results.add(result);
      int l = labels.get(r).indexOf(result);
      if (l >= 0) {
        votes.add(orders.get(r).get(l));
      }
    }
    int w = tally(votes, rnd);
    String said = String.join(" ", results);
    Choice c = w < 0 ? new Choice(0, said, true, false) : new Choice(w, said, false, false);
    stats.addChoice(c.wrongFormat(), c.outOfRange());
    return new Vote(c, users, prompts, answers, results);
  }

  /** One voted comparison: the winner, and each permutation's prompt text, ids, answer and vote text. */
  record Vote(Choice choice, List<String> users, List<int[]> prompts, LocalT5.Answer[] answers,
      List<String> results) {}

  /**
   * The draws llm-rankers makes for a set of one passage (its bubble sort's last window can be
   * one passage; it shuffles and prompts it too, though the answer cannot change anything): Trawl
   * does not prompt it but draws the same numbers, so the sets after it are shuffled alike.
   */
  void skipOnePassage(PyRandom rnd) {
    for (int r = 0; r < numPermutation; r++) {
      rnd.sample(List.of(0), 1);
      rnd.sample(LABELS.subList(0, 1), 1);
    }
  }

  /**
   * The winner of votes (passage positions), -1 without votes: the most votes; several tied:
   * {@code rnd.choice} over them in the order of their first votes (Python's {@code Counter}).
   */
  static int tally(List<Integer> votes, PyRandom rnd) {
    if (votes.isEmpty()) {
      return -1;
    }
    Map<Integer, Integer> counts = new java.util.LinkedHashMap<>();
    for (int v : votes) {
      counts.merge(v, 1, Integer::sum);
    }
    int max = java.util.Collections.max(counts.values());
    List<Integer> top = new ArrayList<>();
    counts.forEach((v, n) -> {
      if (n == max) {
        top.add(v);
      }
    });
    return top.size() == 1 ? top.get(0) : rnd.choice(top);
  }

  /** One comparison's prompt prefilled and {@code generated} tokens generated, for {@code qid}. */
  private void count(String qid, int promptTokens, int generated) {
    if (qid != null) {
      if (generated == 0) {
        cost.prefill(qid, promptTokens);
      } else {
        cost.generation(qid, promptTokens, generated);
      }
    }
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
    String q = truncate(query.text(), queryTokens);
    String[] texts = new String[n];
    for (int i = 0; i < n; i++) {
      texts[i] = truncate(candidates.get(i).text(), passageTokens);
    }
    PyRandom rnd = numPermutation > 1 ? new PyRandom(PERMUTATION_SEED) : null; // per query, see vote()
    SetCompare compare = set -> {
      if (set.length < 2) {
        if (rnd != null && set.length == 1) {
          skipOnePassage(rnd);
        }
        return 0;
      }
      List<String> passages = new ArrayList<>(set.length);
      for (int i : set) {
        passages.add(texts[i]);
      }
      return (rnd != null ? vote(query.id(), q, passages, rnd).choice() : choose(query.id(), q, passages)).index();
    };
    int[] top = method.equals("heapsort") ? heapSortTop(n, numChild, k, compare)
        : bubbleSortTop(n, numChild, k, compare);
    return Reranker.topThenRest(candidates, top);
  }

  /** One comparison: the index, within {@code set}, of the most relevant of the input positions. */
  @FunctionalInterface
  interface SetCompare {
    int best(int[] set);
  }

  /**
   * llm-rankers' {@code heapSort(arr, query, k)} over positions 0..n-1 with {@code c} children per
   * node; the top {@code min(k, n)} positions, best first.
   */
  static int[] heapSortTop(int n, int c, int k, SetCompare compare) {
    int[] arr = new int[n];
    for (int i = 0; i < n; i++) {
      arr[i] = i;
    }
    for (int i = n / c; i >= 0; i--) {
      heapify(arr, n, i, c, compare);
    }
    int ranked = 0;
    for (int i = n - 1; i > 0; i--) {
      swap(arr, 0, i);
      ranked++;
      if (ranked == k) {
        break;
      }
      heapify(arr, i, 0, c, compare);
    }
    int m = Math.min(k, n);
    int[] top = new int[m];
    for (int r = 0; r < m; r++) {
      top[r] = arr[n - 1 - r];
    }
    return top;
  }

  /** llm-rankers' {@code heapify}: the node and its children in one set; sift down while a child wins. */
  private static void heapify(int[] arr, int n, int i, int c, SetCompare compare) {
    while (c * i + 1 < n) {
      int last = Math.min(c * (i + 1) + 1, n);
      int[] inds = new int[1 + last - (c * i + 1)];
      inds[0] = i;
      for (int j = c * i + 1; j < last; j++) {
        inds[j - c * i] = j;
      }
      int[] set = new int[inds.length];
      for (int j = 0; j < inds.length; j++) {
        set[j] = arr[inds[j]];
      }
      int best = compare.best(set);
      int largest = best >= 0 && best < inds.length ? inds[best] : i;
      if (largest == i) {
        return;
      }
      swap(arr, i, largest);
      i = largest;
    }
  }

  /**
   * llm-rankers' setwise bubble sort over positions 0..n-1: {@code k} passes; windows of {@code c+1}
   * from the bottom up by {@code c}, the winner swapped to the window's top, and the unchanged
   * bottom skipped in later passes ({@code last_start}). The top {@code min(k, n)} positions.
   */
  static int[] bubbleSortTop(int n, int c, int k, SetCompare compare) {
    int[] ranking = new int[n];
    for (int i = 0; i < n; i++) {
      ranking[i] = i;
    }
    int initial = n - (c + 1);
    int lastStart = initial;
    for (int i = 0; i < k; i++) {
      int start = lastStart;
      int end = lastStart + c + 1;
      boolean changed = false;
      while (true) {
        if (start < i) {
          start = i;
        }
        int to = Math.min(end, n);
        int size = Math.max(0, to - start);
        int[] set = Arrays.copyOfRange(ranking, Math.min(start, n), Math.min(start, n) + size);
        int best = size == 0 ? 0 : compare.best(set);
        if (best < 0 || best >= size) {
          best = 0;
        }
        if (best != 0) {
          swap(ranking, start, start + best);
          if (!changed) {
            changed = true;
            if (lastStart != initial && best == size - 1) {
              lastStart += size - 1;
            }
          }
        }
        if (start == i) {
          break;
        }
        if (!changed) {
          lastStart -= c;
        }
        start -= c;
        end -= c;
      }
    }
    return Arrays.copyOf(ranking, Math.min(k, n));
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  @Override
  public void close() {
    if (!scoring.equals("likelihood") && stats.asMap().get("windows") > 0) {
      System.err.println(NAME + ": parse: " + stats + (scoring.equals("reasoning")
          ? ", budget_exhausted=" + budgetExhausted.get() : ""));
    }
    if (t5 != null) {
      t5.close();
    } else {
      rt.close();
    }
  }
}
