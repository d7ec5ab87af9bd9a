package io.trawl.rerank.listwise;

import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import io.trawl.rerank.Reranker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Listwise reranking by permutation generation (RankGPT, Sun et al., 2023, "Is ChatGPT Good at
 * Search? Investigating Large Language Models as Re-Ranking Agents"; RankZephyr, Pradeep et al.,
 * 2023). A {@link SlidingWindow} (window 20, stride 10, depth 100, bottom-up) moves over the
 * first-stage ranking; for each window the model reads the prompt ({@link ListwisePrompts}:
 * RankGPT multi-turn or RankZephyr single-turn) and answers "[3] > [1] > ..." greedily; the answer
 * is parsed by {@link PermutationParser} and reorders the window. Scores stay attached to positions
 * (the run stays monotone). Parse statistics go to stderr at the end and to the sidecar log.
 *
 * <p>Spec: {@code rankgpt(backend=openai|local, model=<name or folder>, base-url=...,
 * api-key-env=OPENAI_API_KEY, template=rankgpt|rankzephyr, window=20, stride=10, depth=100,
 * words=300, max-tokens=..., cache=<file>|off, log=<file>, concurrency=4, timeout=120, retries=5,
 * backoff-ms=1000)}; the local backend also takes {@code chat-template, device, dtype, batch, threads}.
 * Queries are processed in lockstep (all queries' first windows, then all second windows, ...), so
 * a local model batches across queries and an endpoint gets {@code concurrency} requests at once.
 *
 * <p>The canonical spec ({@link #spec()}) has what decides the answers, with effective values:
 * {@code rankgpt(backend=local,model=M,template=rankgpt,window=20,stride=10,depth=100,words=300,
 * max-tokens=0,device=cpu,dtype=float32,batch=4)} ({@code chat-template} when given; {@code
 * base-url} instead of the last three for {@code backend=openai}); {@code max-tokens=0} means
 * enough for the window.
 */
public final class RankGptReranker implements Reranker {
  static final String[] ALL_KEYS = {"backend", "model", "base-url", "api-key-env", "template",
      "window", "stride", "depth", "words", "max-tokens", "cache", "log", "concurrency", "timeout",
      "retries", "backoff-ms", "chat-template", "device", "dtype", "batch", "threads"};

  private final String spec;
  private final ChatBackend backend;
  private final ListwisePrompts.Template template;
  private final SlidingWindow sliding;
  private final int words;
  private final int maxTokens;
  private final ParseStats stats = new ParseStats();
  private final io.trawl.rerank.Cost cost = new io.trawl.rerank.Cost();
  private final CallLog log;

  public RankGptReranker(Params p) {
    this(p, null);
  }

  /** {@code backendOverride} (tests) replaces the backend the parameters describe. */
  public RankGptReranker(Params p, ChatBackend backendOverride) {
    String backendName = p.getString("backend", p.has("base-url") ? "openai" : "local");
    this.template = ListwisePrompts.Template.parse(p.getString("template", "rankgpt"));
    this.sliding = SlidingWindow.of(p);
    this.words = p.getInt("words", Passages.DEFAULT_MAX_WORDS);
    if (words < 1) {
      throw TrawlException.invalid("words must be >= 1, got " + words);
    }
    this.maxTokens = p.getInt("max-tokens", 0);
    if (maxTokens < 0) {
      throw TrawlException.invalid("max-tokens must be >= 0 (0: enough for the window), got " + maxTokens);
    }
    // what decides the answers, in declared order (a local model's batch too: left-padded batches
    // round otherwise); the rest (cache, log, concurrency, timeout, retries, backoff-ms,
    // api-key-env, threads) only decides how they are fetched
    boolean local = backendName.equals("local");
    Spec.Builder canonical = Spec.builder("rankgpt").put("backend", backendName)
        .put("model", p.getString("model", null))
        .put("base-url", local ? null : p.getString("base-url", null))
        .put("template", template.label());
    SlidingWindow.canonical(canonical, sliding);
    canonical.put("words", words).put("max-tokens", maxTokens);
    if (local) {
      LocalBackends.canonical(canonical, p);
      canonical.put("batch", LocalBackends.batch(p));
    }
    this.spec = canonical.toString();
    String logPath = p.getString("log", null);
    this.log = new CallLog(logPath == null ? null : Path.of(logPath));
    if (backendOverride != null) {
      this.backend = backendOverride;
      for (String k : ALL_KEYS) {
        p.has(k); // the override stands for the backend keys
      }
      p.requireEmpty("rankgpt", ALL_KEYS);
      return;
    }
    if (backendName.equals("local") && p.asMap().containsKey("base-url")) {
      throw TrawlException.invalid("base-url is for backend=openai; backend=local runs model=<folder>"
          + " in process");
    }
    this.backend = switch (backendName) {
      case "openai" -> openAi(p);
      case "local" -> LocalBackends.open(p, template);
      default -> throw TrawlException.invalid("unknown backend '" + backendName
          + "' for rankgpt; valid: openai, local");
    };
    p.requireEmpty("rankgpt", ALL_KEYS);
  }

  static OpenAiChatBackend openAi(Params p) {
    String base = p.requireString("base-url", "rankgpt with backend=openai");
    OpenAiChatBackend.Settings s = new OpenAiChatBackend.Settings(base,
        p.requireString("model", "rankgpt"), p.getString("api-key-env", "OPENAI_API_KEY"),
        Duration.ofMillis((long) (p.getDouble("timeout", 120) * 1000)), p.getInt("retries", 5),
        p.getLong("backoff-ms", 1000), p.getInt("concurrency", 4));
    String cache = p.getString("cache", defaultCache().toString());
    return new OpenAiChatBackend(s, "off".equals(cache) ? null : new ResponseCache(Path.of(cache)));
  }

  static Path defaultCache() {
    String dir = System.getenv("TRAWL_CACHE");
    Path base = dir != null && !dir.isEmpty() ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), ".cache", "trawl");
    return base.resolve("llm-responses.jsonl");
  }

  @Override
  public String spec() {
    return spec;
  }

  public ParseStats stats() {
    return stats;
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
      List<SlidingWindow.Range> which = new ArrayList<>();
      List<ChatBackend.Request> requests = new ArrayList<>();
      for (int q = 0; q < nq; q++) {
        SlidingWindow.Range r = ls.window(q, round);
        if (r == null) {
          continue;
        }
        List<String> passages = ListwiseSupport.passages(queries.get(q), ls.current(q), r, template,
            words, sliding.window());
        List<ChatMessage> prompt = ListwisePrompts.build(template, queries.get(q).text(), passages);
        who.add(q);
        which.add(r);
        requests.add(new ChatBackend.Request(prompt, maxTokens, r.size()));
      }
      List<ChatBackend.Completion> answers = backend.completeAll(requests);
      for (int i = 0; i < who.size(); i++) {
        int q = who.get(i);
        SlidingWindow.Range r = which.get(i);
        PermutationParser.Result parsed = PermutationParser.parse(answers.get(i).text(), r.size());
        stats.add(parsed);
        cost.generation(queries.get(q).id(), answers.get(i).promptTokens(), answers.get(i).completionTokens());
        log.call(queries.get(q).id(), r, requests.get(i).messages(), answers.get(i), parsed);
        ls.apply(q, r, parsed.permutation());
      }
    }
    return ls.results();
  }

  @Override
  public void close() {
    Map<String, Long> m = stats.asMap();
    if (m.get("windows") > 0) {
      System.err.println("rankgpt: parse: " + stats);
    }
    Map<String, Long> extra = new LinkedHashMap<>();
    if (backend instanceof OpenAiChatBackend o) {
      extra.put("http_calls", o.httpCalls());
    }
    log.summary(spec, m, extra);
    log.close();
    backend.close();
  }
}
