package io.trawl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Params;
import io.trawl.core.Spec;
import io.trawl.eval.fusion.Fusion;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.TinyT5;
import io.trawl.rerank.llm.TinyLlm;
import io.trawl.rerank.registry.Rerankers;
import io.trawl.search.Retrievers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canonical specs, as a property over every entry of the retriever, reranker and fusion
 * registries: for random valid parameters (seeded; the seed and the sample are in every failure
 * message), the component's spec is in the parser's canonical text, its keys come in the declared
 * order, {@code Spec.parse(c.spec())} makes a component with the same spec (for fusion: equal
 * settings), and writing the same parameters otherwise (another key order, {@code 0.90} for
 * {@code 0.9}) gives the same spec. With no optional parameter, each spec has every default.
 */
class CanonicalSpecPropertyTest {
  static final long SEED = 20240916L;
  @TempDir static Path tmp;
  static String t5;
  static String llm;

  /** How to make random parameters for one registry entry, and what its spec must look like. */
  record Entry(List<String> declared, Set<String> decimals, Function<Random, Map<String, String>> sample,
      int samples) {}

  @BeforeAll
  static void models() throws Exception {
    t5 = TinyT5.folder(tmp, "t5-v1_0-tiny").toString();
    llm = TinyLlm.chatModel(tmp).toString();
  }

  // ---- random values

  static String decimal(Random r, double lo, double hi) {
    double v = lo + (hi - lo) * r.nextDouble();
    return Spec.number(Math.round(v * 100) / 100.0);
  }

  static String integer(Random r, int lo, int hi) {
    return Integer.toString(lo + r.nextInt(hi - lo + 1));
  }

  static <T> T pick(Random r, List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }

  /** Puts {@code key=value} with probability 2/3 (otherwise the default applies). */
  static void maybe(Random r, Map<String, String> p, String key, String value) {
    if (r.nextInt(3) > 0) {
      p.put(key, value);
    }
  }

  static void bm25OrQld(Random r, Map<String, String> p) {
    String model = pick(r, List.of("bm25", "qld", ""));
    if (!model.isEmpty()) {
      p.put("model", model);
    }
    if (model.equals("qld")) {
      maybe(r, p, "mu", integer(r, 1, 5000));
    } else {
      maybe(r, p, "k1", decimal(r, 0.01, 3));
      maybe(r, p, "b", decimal(r, 0, 1));
    }
  }

  static String weights(Random r, int n) {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add(decimal(r, 0, 2));
    }
    return String.join(":", w);
  }

  static void window(Random r, Map<String, String> p, int maxWindow) {
    int window = 1 + r.nextInt(maxWindow);
    p.put("window", Integer.toString(window));
    maybe(r, p, "stride", integer(r, 1, window));
    maybe(r, p, "depth", integer(r, 1, 200));
    maybe(r, p, "words", integer(r, 1, 500));
  }

  // ---- the entries

  static final Map<String, Entry> RETRIEVERS = Map.of(
      "bm25", new Entry(List.of("k1", "b"), Set.of("k1", "b"), r -> {
        Map<String, String> p = new LinkedHashMap<>();
        maybe(r, p, "k1", decimal(r, 0.01, 3));
        maybe(r, p, "b", decimal(r, 0, 1));
        return p;
      }, 200),
      "impact", new Entry(List.of(), Set.of(), r -> new LinkedHashMap<>(), 5),
      "qld", new Entry(List.of("mu"), Set.of("mu"), r -> {
        Map<String, String> p = new LinkedHashMap<>();
        maybe(r, p, "mu", decimal(r, 1, 5000));
        return p;
      }, 200),
      "rm3", new Entry(List.of("fbTerms", "fbDocs", "originalQueryWeight", "model", "k1", "b", "mu"),
          Set.of("originalQueryWeight", "k1", "b", "mu"), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            maybe(r, p, "fbTerms", integer(r, 1, 100));
            maybe(r, p, "fbDocs", integer(r, 1, 100));
            maybe(r, p, "originalQueryWeight", decimal(r, 0, 1));
            bm25OrQld(r, p);
            return p;
          }, 200),
      "rocchio", new Entry(List.of("topFbTerms", "topFbDocs", "bottomFbTerms", "bottomFbDocs", "alpha",
          "beta", "gamma", "useNegative", "model", "k1", "b", "mu"),
          Set.of("alpha", "beta", "gamma", "k1", "b", "mu"), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            for (String k : List.of("topFbTerms", "topFbDocs", "bottomFbTerms", "bottomFbDocs")) {
              maybe(r, p, k, integer(r, 1, 100));
            }
            for (String k : List.of("alpha", "beta", "gamma")) {
              maybe(r, p, k, decimal(r, 0, 2));
            }
            maybe(r, p, "useNegative", pick(r, List.of("true", "false")));
            bm25OrQld(r, p);
            return p;
          }, 200));

  static final Map<String, Entry> RERANKERS = Map.ofEntries(
      Map.entry("monot5", new Entry(List.of("model", "batch", "max-length", "device", "dtype", "true-id", "false-id",
          "passage-words", "passage-stride"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", t5);
            maybe(r, p, "batch", integer(r, 1, 64));
            maybe(r, p, "max-length", integer(r, 8, 2048));
            maybe(r, p, "device", pick(r, List.of("cpu", "CPU", "auto")));
            maybe(r, p, "dtype", pick(r, List.of("float32", "FLOAT32")));
            maybe(r, p, "true-id", integer(r, 0, 32000));
            maybe(r, p, "false-id", integer(r, 0, 32000));
            if (r.nextBoolean()) {
              int words = r.nextInt(100);
              p.put("passage-words", Integer.toString(words));
              if (words > 0) {
                maybe(r, p, "passage-stride", integer(r, 1, words));
              }
            }
            p.put("threads", "1");
            return p;
          }, 8)),
      Map.entry("duot5", new Entry(List.of("model", "batch", "max-length", "aggregate", "device", "dtype", "true-id",
          "false-id"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", t5);
            maybe(r, p, "batch", integer(r, 1, 64));
            maybe(r, p, "max-length", integer(r, 8, 2048));
            maybe(r, p, "aggregate", pick(r, List.of("sym-sum", "sum", "SYM-LOG-SUM", "log-sum")));
            maybe(r, p, "device", pick(r, List.of("cpu", "CPU", "auto")));
            maybe(r, p, "dtype", pick(r, List.of("float32", "FLOAT32")));
            maybe(r, p, "true-id", integer(r, 0, 32000));
            maybe(r, p, "false-id", integer(r, 0, 32000));
            p.put("threads", "1");
            return p;
          }, 8)),
      Map.entry("embed", new Entry(List.of("encoder", "listwise", "max-length", "batch"), Set.of(), r -> {
        Map<String, String> p = new LinkedHashMap<>();
        maybe(r, p, "encoder", pick(r, List.of("bge-small-en-v1.5-q", "all-minilm-l6-v2-q")));
        maybe(r, p, "listwise", integer(r, 0, 10));
        maybe(r, p, "max-length", pick(r, List.of("0", integer(r, 2, 512))));
        maybe(r, p, "batch", integer(r, 1, 64));
        p.put("threads", "1");
        return p;
      }, 4)),
      Map.entry("rankgpt", new Entry(List.of("backend", "model", "base-url", "template", "window", "stride", "depth",
          "words", "max-tokens", "chat-template", "device", "dtype", "batch"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            if (r.nextInt(4) == 0) {
              p.put("backend", "local");
              p.put("model", llm);
              maybe(r, p, "device", pick(r, List.of("cpu", "auto")));
              maybe(r, p, "dtype", "float32");
              maybe(r, p, "batch", integer(r, 1, 8));
              p.put("threads", "1");
            } else {
              maybe(r, p, "backend", "openai");
              p.put("model", pick(r, List.of("gpt-4o", "rank_zephyr_7b")));
              p.put("base-url", "http://127.0.0.1:" + integer(r, 1024, 65000) + "/v1");
              p.put("cache", "off");
              maybe(r, p, "api-key-env", pick(r, List.of("OPENAI_API_KEY", "MY_KEY")));
              maybe(r, p, "concurrency", integer(r, 1, 16));
              maybe(r, p, "timeout", integer(r, 1, 600));
              maybe(r, p, "retries", integer(r, 0, 9));
            }
            maybe(r, p, "template", pick(r, List.of("rankgpt", "rankzephyr", "RankLLM", "first", "alpha")));
            window(r, p, 40);
            maybe(r, p, "max-tokens", integer(r, 0, 400));
            return p;
          }, 40)),
      Map.entry("first", new Entry(List.of("model", "window", "stride", "depth", "words", "batch", "chat-template",
          "device", "dtype"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", llm);
            window(r, p, 26);
            maybe(r, p, "batch", integer(r, 1, 8));
            maybe(r, p, "dtype", "float32");
            p.put("threads", "1");
            return p;
          }, 8)),
      Map.entry("prp", new Entry(List.of("model", "method", "k", "scoring", "query-tokens", "passage-tokens",
          "batch",
          "chat-template", "device", "dtype"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", llm);
            maybe(r, p, "method", pick(r, List.of("allpair", "sorting", "SLIDING")));
            maybe(r, p, "k", integer(r, 1, 100));
            maybe(r, p, "scoring", pick(r, List.of("likelihood", "Generation")));
            maybe(r, p, "query-tokens", integer(r, 1, 256));
            maybe(r, p, "passage-tokens", integer(r, 1, 512));
            maybe(r, p, "batch", integer(r, 1, 8));
            maybe(r, p, "dtype", "float32");
            p.put("threads", "1");
            return p;
          }, 8)),
      Map.entry("setwise", new Entry(List.of("model", "method", "num-child", "k", "scoring", "num-permutation",
          "query-tokens",
          "passage-tokens", "max-tokens", "chat-template", "device", "dtype"), Set.of(), r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", llm);
            maybe(r, p, "method", pick(r, List.of("heapsort", "BUBBLESORT")));
            maybe(r, p, "num-child", integer(r, 1, 19));
            maybe(r, p, "k", integer(r, 1, 100));
            maybe(r, p, "scoring", pick(r, List.of("likelihood", "generation", "Reasoning")));
            maybe(r, p, "query-tokens", integer(r, 1, 256));
            maybe(r, p, "passage-tokens", integer(r, 1, 512));
            maybe(r, p, "max-tokens", integer(r, 1, 8000));
            maybe(r, p, "dtype", "float32");
            p.put("threads", "1");
            return p;
          }, 6)),
      Map.entry("icr", new Entry(List.of("model", "depth", "words", "instruction", "chunk", "chat-template", "device",
          "dtype"), Set.of(),
          r -> {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("model", llm);
            maybe(r, p, "depth", integer(r, 1, 200));
            maybe(r, p, "words", integer(r, 1, 500));
            maybe(r, p, "instruction", pick(r, List.of("ir", "qa")));
            maybe(r, p, "chunk", integer(r, 1, 4096));
            p.put("threads", "1");
            return p;
          }, 8)),
      Map.entry("yesno", pointwiseLlm(false)),
      Map.entry("qlm", pointwiseLlm(false)),
      Map.entry("finegrained", pointwiseLlm(true)));

  /** The pointwise LLM rerankers: shared parameters, {@code k} for finegrained. */
  static Entry pointwiseLlm(boolean labels) {
    List<String> declared = new ArrayList<>(List.of("model", "frame", "query-tokens", "passage-tokens"));
    if (labels) {
      declared.add("k");
    }
    declared.addAll(List.of("batch", "chat-template", "device", "dtype"));
    return new Entry(declared, Set.of(), r -> {
      Map<String, String> p = new LinkedHashMap<>();
      p.put("model", llm);
      maybe(r, p, "frame", pick(r, List.of("chat", "plain")));
      maybe(r, p, "query-tokens", integer(r, 0, 512));
      maybe(r, p, "passage-tokens", integer(r, 0, 512));
      if (labels) {
        maybe(r, p, "k", integer(r, 1, 9));
      }
      maybe(r, p, "batch", integer(r, 1, 8));
      maybe(r, p, "dtype", "float32");
      p.put("threads", "1");
      return p;
    }, 6);
  }

  static Map<String, String> fusion(Random r, boolean rrf, boolean needWeights) {
    Map<String, String> p = new LinkedHashMap<>();
    if (rrf) {
      maybe(r, p, "k", decimal(r, 0.5, 100));
    } else {
      maybe(r, p, "norm", pick(r, List.of("minmax", "zscore", "none")));
    }
    if (needWeights || r.nextBoolean()) {
      p.put("weights", weights(r, 1 + r.nextInt(4)));
    }
    maybe(r, p, "depth", integer(r, 1, 5000));
    maybe(r, p, "hits", integer(r, 1, 5000));
    return p;
  }

  static final Map<String, Entry> FUSION = Map.of(
      "rrf", new Entry(List.of("k", "weights", "depth", "hits"), Set.of("k"), r -> fusion(r, true, false), 200),
      "combsum", new Entry(List.of("norm", "weights", "depth", "hits"), Set.of(), r -> fusion(r, false, false), 200),
      "combmnz", new Entry(List.of("norm", "weights", "depth", "hits"), Set.of(), r -> fusion(r, false, false), 200),
      "interpolate", new Entry(List.of("norm", "weights", "depth", "hits"), Set.of(),
          r -> fusion(r, false, true), 200));

  // ---- the property

  /** The same parameters written otherwise: shuffled, decimals with a trailing zero. */
  static Map<String, String> rewritten(Random r, Map<String, String> p, Set<String> decimals) {
    List<String> keys = new ArrayList<>(p.keySet());
    Collections.shuffle(keys, r);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : keys) {
      String v = p.get(k);
      out.put(k, decimals.contains(k) ? (v.contains(".") ? v + "0" : v + ".0") : v);
    }
    return out;
  }

  static void check(String kind, Map<String, Entry> entries, Set<String> registered,
      java.util.function.BiFunction<String, Map<String, String>, String> specOf) {
    assertEquals(new TreeSet<>(registered), new TreeSet<>(entries.keySet()),
        "every " + kind + " in the registry has a generator here");
    for (Map.Entry<String, Entry> e : new java.util.TreeMap<>(entries).entrySet()) {
      String name = e.getKey();
      Entry entry = e.getValue();
      Random r = new Random(SEED ^ name.hashCode());
      for (int i = 0; i < entry.samples(); i++) {
        Map<String, String> p = entry.sample().apply(r);
        String why = kind + " " + name + " sample " + i + " (seed " + SEED + "): " + p;
        String spec = specOf.apply(name, p);
        Spec parsed = Spec.parse(spec);
        assertEquals(name, parsed.name(), why);
        assertNull(parsed.cutoff(), why);
        assertEquals(spec, parsed.toString(), why + ": the spec is the parser's canonical text");
        int at = -1;
        for (String key : parsed.params().keySet()) {
          int pos = entry.declared().indexOf(key);
          assertTrue(pos > at, why + ": key '" + key + "' out of the declared order " + entry.declared()
              + " in " + spec);
          at = pos;
        }
        assertEquals(spec, specOf.apply(name, parsed.params()), why + ": Spec.parse(spec) makes another");
        assertEquals(spec, specOf.apply(name, rewritten(r, p, entry.decimals())),
            why + ": the same parameters written otherwise");
      }
    }
  }

  static String retrieverSpec(String name, Map<String, String> p) {
    return Retrievers.registry().create(name, new Params(p)).spec();
  }

  static String rerankerSpec(String name, Map<String, String> p) {
    Map<String, String> run = new LinkedHashMap<>(p);
    if (name.equals("rankgpt") && p.containsKey("base-url") && !p.containsKey("cache")) {
      run.put("cache", "off"); // a speed setting, not in the canonical spec: no cache file in $HOME
    }
    try (Reranker r = Rerankers.registry().create(name, new Params(run))) {
      return r.spec();
    }
  }

  static String fusionSpec(String name, Map<String, String> p) {
    Fusion.Settings s = Fusion.parse(new Spec(name, p, null));
    assertEquals(s, Fusion.parse(Spec.parse(s.spec())), "equal settings from " + s.spec());
    return s.spec();
  }

  @Test
  void retrievers() {
    check("retriever", RETRIEVERS, Retrievers.registry().names(), CanonicalSpecPropertyTest::retrieverSpec);
  }

  @Test
  void rerankers() {
    check("reranker", RERANKERS, Rerankers.registry().names(), CanonicalSpecPropertyTest::rerankerSpec);
  }

  @Test
  void fusionMethods() {
    check("fusion method", FUSION, Fusion.registry().names(), CanonicalSpecPropertyTest::fusionSpec);
  }

  /** With nothing optional given, the spec names every default. */
  @Test
  void defaultsAreSpelledOut() {
    assertEquals("bm25(k1=0.9,b=0.4)", retrieverSpec("bm25", Map.of()));
    assertEquals("qld(mu=1000)", retrieverSpec("qld", Map.of()));
    assertEquals("impact", retrieverSpec("impact", Map.of()));
    assertEquals("rm3(fbTerms=10,fbDocs=10,originalQueryWeight=0.5,model=bm25,k1=0.9,b=0.4)",
        retrieverSpec("rm3", Map.of()));
    assertEquals("rocchio(topFbTerms=10,topFbDocs=10,bottomFbTerms=10,bottomFbDocs=10,alpha=1,beta=0.75,"
        + "gamma=0,useNegative=false,model=bm25,k1=0.9,b=0.4)", retrieverSpec("rocchio", Map.of()));
    assertEquals("monot5(model=" + t5 + ",batch=8,max-length=512,device=cpu,dtype=float32,true-id=1176,"
        + "false-id=6136,passage-words=0,passage-stride=0)", rerankerSpec("monot5", Map.of("model", t5)));
    assertEquals("duot5(model=" + t5 + ",batch=8,max-length=512,aggregate=sym-sum,device=cpu,dtype=float32,"
        + "true-id=1176,false-id=6136)", rerankerSpec("duot5", Map.of("model", t5)));
    assertEquals("embed(encoder=bge-small-en-v1.5-q,listwise=0,max-length=512,batch=32)",
        rerankerSpec("embed", Map.of("encoder", "bge-small-en-v1.5-q")));
    assertEquals("rankgpt(backend=openai,model=m,base-url=http://127.0.0.1:9/v1,template=rankgpt,window=20,"
        + "stride=10,depth=100,words=300,max-tokens=0)",
        rerankerSpec("rankgpt", Map.of("model", "m", "base-url", "http://127.0.0.1:9/v1")));
    assertEquals("rankgpt(backend=local,model=" + llm + ",template=rankgpt,window=20,stride=10,depth=100,"
        + "words=300,max-tokens=0,device=cpu,dtype=float32,batch=4)", rerankerSpec("rankgpt", Map.of("model", llm)));
    assertEquals("first(model=" + llm + ",window=20,stride=10,depth=100,words=300,batch=4,device=cpu,"
        + "dtype=float32)", rerankerSpec("first", Map.of("model", llm)));
    assertEquals("prp(model=" + llm + ",method=allpair,scoring=likelihood,query-tokens=128,passage-tokens=128,batch=4,device=cpu,"
        + "dtype=float32)", rerankerSpec("prp", Map.of("model", llm)));
    assertEquals("setwise(model=" + llm + ",method=heapsort,num-child=3,k=10,scoring=likelihood,query-tokens=128,"
        + "passage-tokens=128,device=cpu,dtype=float32)", rerankerSpec("setwise", Map.of("model", llm)));
    assertEquals("icr(model=" + llm + ",depth=100,words=300,instruction=ir,chunk=1024,device=cpu,"
        + "dtype=float32)", rerankerSpec("icr", Map.of("model", llm)));
    assertEquals("yesno(model=" + llm + ",frame=chat,query-tokens=128,passage-tokens=128,batch=4,device=cpu,"
        + "dtype=float32)", rerankerSpec("yesno", Map.of("model", llm)));
    assertEquals("qlm(model=" + llm + ",frame=chat,query-tokens=128,passage-tokens=128,batch=4,device=cpu,"
        + "dtype=float32)", rerankerSpec("qlm", Map.of("model", llm)));
    assertEquals("finegrained(model=" + llm + ",frame=chat,query-tokens=128,passage-tokens=128,k=4,batch=4,"
        + "device=cpu,dtype=float32)", rerankerSpec("finegrained", Map.of("model", llm)));
    assertEquals("rrf(k=60,depth=1000,hits=1000)", fusionSpec("rrf", Map.of()));
    assertEquals("combsum(norm=minmax,depth=1000,hits=1000)", fusionSpec("combsum", Map.of()));
    assertEquals("combmnz(norm=minmax,depth=1000,hits=1000)", fusionSpec("combmnz", Map.of()));
    assertEquals("interpolate(norm=minmax,weights=0.7:0.3,depth=1000,hits=1000)",
        fusionSpec("interpolate", Map.of("weights", "0.70:0.3")));
  }
}
