package io.trawl.bench;

import ai.djl.ndarray.NDManager;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.model.ComputeOptions;
import io.trawl.model.llm.DecoderLm;
import io.trawl.model.llm.KvCache;
import io.trawl.rerank.icr.IcrAccess;
import io.trawl.rerank.icr.IcrReranker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Profiling aids for the LLM forward pass (not a test; docs/performance-llm.md quotes them):
 *
 * <pre>
 *   LlmProfile prefill MODEL TOKENS CHUNK REPS THREADS   one prefill of TOKENS random ids in
 *       chunks of CHUNK through the KV cache, REPS times: wall time and the calling thread's CPU
 *       time (with THREADS=1 libtorch runs every op on that thread, so it is the work itself,
 *       whatever else the machine runs)
 *   LlmProfile spans MODEL SHARED   ICR's span boundaries for the first DL19 query's BM25 top 100:
 *       time with the tokenizer's offsets and by re-encoding every prefix
 * </pre>
 *
 * MODEL is a folder such as the one {@code bin/bench-llm} writes (target/bench-llm/qwen2-0.5b-shape-*).
 */
public final class LlmProfile {
  private LlmProfile() {}

  public static void main(String[] a) throws Exception {
    Path model = Path.of(a[1]);
    switch (a[0]) {
      case "prefill" -> prefill(model, Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
          Integer.parseInt(a[5]));
      case "spans" -> spans(model, Path.of(a[2]));
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  static void prefill(Path model, int tokens, int chunk, int reps, int threads) {
    ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
    ComputeOptions opts = new ComputeOptions("cpu", "float32", threads);
    opts.applyThreads();
    try (DecoderLm lm = DecoderLm.load(model, opts); NDManager m = lm.manager().newSubManager()) {
      SplittableRandom rnd = new SplittableRandom(7);
      long[] ids = new long[tokens];
      for (int i = 0; i < tokens; i++) {
        ids[i] = 3 + rnd.nextInt(lm.config().vocabSize() - 3);
      }
      lm.forward(new long[][] {java.util.Arrays.copyOf(ids, 64)}, null, lm.newCache(m, 1), null, false, m).close();
      for (int r = 0; r < reps; r++) {
        long c0 = tmx.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        KvCache cache = lm.newCache(m, 1);
        for (int s = 0; s < tokens; s += chunk) {
          int e = Math.min(tokens, s + chunk);
          lm.forward(new long[][] {java.util.Arrays.copyOfRange(ids, s, e)}, null, cache, null, false, m).close();
        }
        System.out.printf("prefill %d tokens, chunks of %d, %d threads: wall %.2f s, calling thread CPU %.2f s%n",
            tokens, chunk, threads, (System.nanoTime() - w0) / 1e9, (tmx.getCurrentThreadCpuTime() - c0) / 1e9);
      }
    }
  }

  static void spans(Path model, Path shared) throws Exception {
    var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        shared.resolve("data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").toFile());
    var e = root.get(0);
    String qid = e.path("hits").get(0).path("qid").asText();
    Query q = new Query(qid, e.path("query").asText());
    List<Candidate> cands = new ArrayList<>();
    for (var h : e.path("hits")) {
      cands.add(new Candidate(h.path("docid").asText(), h.path("score").asDouble(), h.path("content").asText()));
    }
    RankedList list = new RankedList(qid, cands);
    try (IcrReranker r = new IcrReranker(new Params(Map.of("model", model.toString())))) {
      for (int rep = 0; rep < 3; rep++) {
        for (boolean offsets : new boolean[] {true, false}) {
          long t0 = System.nanoTime();
          int[] tok = IcrAccess.tokens(r, q, list, offsets);
          System.out.printf("spans of %d candidates (%d tokens), %s: %.3f s%n", list.size(), tok[tok.length - 1],
              offsets ? "offsets" : "re-encoding each prefix", (System.nanoTime() - t0) / 1e9);
        }
      }
    }
  }
}
