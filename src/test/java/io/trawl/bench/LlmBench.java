package io.trawl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.model.ComputeOptions;
import io.trawl.model.SafeTensors;
import io.trawl.model.SafeTensorsWriter;
import io.trawl.model.llm.DecoderLm;
import io.trawl.model.llm.KvCache;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test) of the local LLM rerankers on a random-weight Qwen2-0.5B-shaped model:
 * hidden 896, 14 heads / 2 KV heads of 64, FFN 4864, q/k/v biases, tied embeddings, BF16 weights
 * (widened to float32), with {@code --layers} layers (Qwen2-0.5B has 24) and the Llama-2
 * SentencePiece tokenizer (vocab 32000 instead of 151936). One DL19 query, its BM25 top-100.
 * Measures: the machine's float32 matmul ceiling through DJL, prefill tokens/s and achieved
 * GFLOP/s, and for every paradigm (rankgpt local greedy, first, icr, the pointwise yes/no, QLM
 * and fine-grained rerankers, setwise heapsort, PRP sorting, sliding and all-pairs) its cost
 * counts, wall time and ratio to RankGPT.
 *
 * <p>Usage: {@code LlmBench <shared-dir> <work-dir> [--layers N] [--threads N] [--candidates N]
 * [--skip NAME] [--only NAME]}; prints
 * a Markdown report on stdout. Run through {@code bin/bench-llm}.
 */
public final class LlmBench {
  static final int HIDDEN = 896;
  static final int HEADS = 14;
  static final int KV = 2;
  static final int HEAD_DIM = 64;
  static final int FFN = 4864;
  static final int VOCAB = 32000;

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int layers = 24;
    int threads = 0;
    int depth = 100;
    List<String> skip = new ArrayList<>();
    List<String> only = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--layers" -> layers = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--skip" -> skip.add(args[++i]);
        case "--only" -> only.add(args[++i]);
        case "--candidates" -> depth = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    Path model = makeModel(shared, work.resolve("qwen2-0.5b-shape-" + layers + "l"), layers);
    ComputeOptions opts = new ComputeOptions("cpu", "float32", threads);
    opts.applyThreads();
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Machine: %d CPUs visible to the JVM, libtorch intra-op threads %s.%n%n",
        Runtime.getRuntime().availableProcessors(), threads == 0 ? "default" : Integer.toString(threads)));
    double ceiling = matmulCeiling();
    md.append(String.format(Locale.ROOT, "| measure | value |%n|---|---|%n"));
    md.append(String.format(Locale.ROOT, "| DJL float32 matmul 1024^3 (ceiling) | %.1f GFLOP/s |%n", ceiling));

    double[] prefill = prefill(model, opts, 2000);
    md.append(String.format(Locale.ROOT, "| prefill 2,000 tokens (one sequence, chunks of 1024) | %.1f s, %.0f tokens/s |%n",
        prefill[0], 2000 / prefill[0]));
    md.append(String.format(Locale.ROOT, "| prefill achieved | %.1f GFLOP/s = %.0f%% of the matmul ceiling |%n",
        prefill[1] / prefill[0] / 1e9, 100 * prefill[1] / prefill[0] / 1e9 / ceiling));

    JsonNode root = new ObjectMapper().readTree(
        shared.resolve("data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").toFile());
    JsonNode e = root.get(0);
    String qid = e.path("hits").get(0).path("qid").asText();
    Query q = new Query(qid, e.path("query").asText());
    List<Candidate> cands = new ArrayList<>();
    for (JsonNode h : e.path("hits")) {
      cands.add(new Candidate(h.path("docid").asText(), h.path("score").asDouble(), h.path("content").asText()));
    }
    RankedList list = new RankedList(qid, cands).top(depth);
    int n = list.size();
    String m = model.toString();
    String t = threads > 0 ? ",threads=" + threads : "";
    // every paradigm on the same model and candidates; window/depth parameters cover all n
    Map<String, String> specs = new LinkedHashMap<>();
    specs.put("rankgpt", "rankgpt(backend=local,model=\"" + m + "\",template=rankzephyr,depth=" + n + t + ")");
    specs.put("first", "first(model=\"" + m + "\",depth=" + n + t + ")");
    specs.put("icr", "icr(model=\"" + m + "\",depth=" + n + t + ")");
    specs.put("yesno", "yesno(model=\"" + m + "\"" + t + ")");
    specs.put("qlm", "qlm(model=\"" + m + "\"" + t + ")");
    specs.put("finegrained", "finegrained(model=\"" + m + "\"" + t + ")");
    specs.put("setwise-heapsort", "setwise(model=\"" + m + "\",method=heapsort,k=10" + t + ")");
    specs.put("prp-sorting", "prp(model=\"" + m + "\",method=sorting,k=10" + t + ")");
    specs.put("prp-sliding", "prp(model=\"" + m + "\",method=sliding,k=10" + t + ")");
    specs.put("prp-allpair", "prp(model=\"" + m + "\",method=allpair" + t + ")");
    md.append(String.format(Locale.ROOT, "%nOne DL19 query (%s), its BM25 top %d, every paradigm on this model; "
        + "counts from each reranker's cost accounting (rerank.Cost), wall time of the rerank call "
        + "(model loading excluded), ratio = wall time / RankGPT's; CPU = the process's CPU time during "
        + "the call (all threads; with --threads 1 the work itself, whatever else the machine runs).%n%n", qid, n));
    md.append("| reranker | spec | prefill passes | decode steps | prompt tokens | generated tokens | wall s | ratio to rankgpt "
        + "| CPU s | CPU ratio to rankgpt |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    Double rankgpt = null;
    Double rankgptCpu = null;
    for (var s : specs.entrySet()) {
      if (skip.contains(s.getKey()) || (!only.isEmpty() && !only.contains(s.getKey()))) {
        continue;
      }
      try (Reranker r = Rerankers.registry().create(io.trawl.core.Spec.parse(s.getValue()))) {
        long c1 = processCpu();
        long t1 = System.nanoTime();
        RankedList out = r.rerank(q, list);
        double wall = (System.nanoTime() - t1) / 1e9;
        double cpu = (processCpu() - c1) / 1e9;
        if (out.size() != n || !out.isMonotone()) {
          throw new AssertionError(s.getKey() + " returned an incomplete or non-monotone list");
        }
        if (s.getKey().equals("rankgpt")) {
          rankgpt = wall;
        }
        io.trawl.rerank.Cost.Counts c = r.cost().of(qid);
        if (s.getKey().equals("rankgpt")) {
          rankgptCpu = cpu;
        }
        md.append(String.format(Locale.ROOT, "| %s | `%s` | %,d | %,d | %,d | %,d | %.1f | %s | %.1f | %s |%n",
            s.getKey(), r.spec().replace(m, "MODEL"), c.prefills(), c.decodeSteps(), c.promptTokens(),
            c.generatedTokens(), wall, rankgpt == null ? "-" : String.format(Locale.ROOT, "%.2f", wall / rankgpt),
            cpu, rankgptCpu == null ? "-" : String.format(Locale.ROOT, "%.2f", cpu / rankgptCpu)));
      }
      System.err.println("done " + s.getKey());
    }
    System.out.print(md);
  }

  /** CPU time of this process so far, in ns (all threads). */
  static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Best of 5 float32 1024x1024x1024 matmuls. */
  static double matmulCeiling() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.randomNormal(new Shape(1024, 1024));
      NDArray b = m.randomNormal(new Shape(1024, 1024));
      a.matMul(b).close();
      double best = 0;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        a.matMul(b).toFloatArray();
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 2.0 * 1024 * 1024 * 1024 / s / 1e9);
      }
      return best;
    }
  }

  /** {seconds, flops} of one 2,000-token prefill (last-position logits only). */
  static double[] prefill(Path model, ComputeOptions opts, int tokens) {
    try (DecoderLm lm = DecoderLm.load(model, opts); NDManager m = lm.manager().newSubManager()) {
      SplittableRandom rnd = new SplittableRandom(7);
      long[][] ids = new long[1][tokens];
      for (int i = 0; i < tokens; i++) {
        ids[0][i] = 3 + rnd.nextInt(VOCAB - 3);
      }
      // warm-up on a short sequence
      lm.forward(new long[][] {java.util.Arrays.copyOf(ids[0], 64)}, null, lm.newCache(m, 1), null, false, m).close();
      long t0 = System.nanoTime();
      KvCache cache = lm.newCache(m, 1);
      io.trawl.model.llm.Greedy.prefill(lm, ids, ones(tokens), 0, tokens, cache, 1024, m).close();
      double s = (System.nanoTime() - t0) / 1e9;
      // the arithmetic done: every layer but the last for every token; the last one projects
      // queries, keys and values (one fused matrix) for every token but runs attention, output
      // projection and MLP only for each chunk's last position (logits of the last position
      // only: DecoderLm.forward); attention counted over the keys each row sees (the causal half:
      // DecoderLm's blocks of rows also multiply their diagonal's masked keys, a few percent more)
      int layers = lm.config().layers();
      double qkv = 2.0 * HIDDEN * (HEADS + 2 * KV) * HEAD_DIM;
      double layerLinear = qkv + 2.0 * ((double) HEADS * HEAD_DIM * HIDDEN + 3.0 * HIDDEN * FFN);
      double flops = ((layers - 1) * layerLinear + qkv) * tokens;
      for (int a = 0; a < tokens; a += 1024) {
        int e = Math.min(tokens, a + 1024);
        double seen = ((double) e * (e + 1) - (double) a * (a + 1)) / 2; // rows a..e-1 see r + 1 keys
        flops += 2.0 * 2 * (layers - 1) * HEADS * HEAD_DIM * seen;
        flops += layerLinear - qkv + 2.0 * 2 * HEADS * HEAD_DIM * (double) e + 2.0 * HIDDEN * VOCAB;
      }
      return new double[] {s, flops};
    }
  }

  static int[][] ones(int n) {
    int[][] m = new int[1][n];
    java.util.Arrays.fill(m[0], 1);
    return m;
  }

  /** A Qwen2-0.5B-shaped random checkpoint (BF16) with the Llama-2 tokenizer and Zephyr's template. */
  static Path makeModel(Path shared, Path dir, int layers) throws Exception {
    if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
      return dir;
    }
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("architectures", List.of("Qwen2ForCausalLM"));
    cfg.put("model_type", "qwen2");
    cfg.put("vocab_size", VOCAB);
    cfg.put("hidden_size", HIDDEN);
    cfg.put("intermediate_size", FFN);
    cfg.put("num_hidden_layers", layers);
    cfg.put("num_attention_heads", HEADS);
    cfg.put("num_key_value_heads", KV);
    cfg.put("max_position_embeddings", 32768);
    cfg.put("rms_norm_eps", 1e-6);
    cfg.put("rope_theta", 1000000.0);
    cfg.put("tie_word_embeddings", true);
    cfg.put("hidden_act", "silu");
    cfg.put("bos_token_id", 1);
    cfg.put("eos_token_id", 2);
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), cfg);
    Files.copy(shared.resolve("golden/tokenizers/llama2/tokenizer.model"), dir.resolve("tokenizer.model"));
    json.writeValue(dir.resolve("tokenizer_config.json").toFile(), Map.of("bos_token", "<s>", "eos_token", "</s>",
        "chat_template", io.trawl.model.llm.ChatTemplateTest.ZEPHYR));
    SafeTensorsWriter w = new SafeTensorsWriter();
    long[] seed = {1};
    add(w, "model.embed_tokens.weight", seed, VOCAB, HIDDEN);
    for (int i = 0; i < layers; i++) {
      String p = "model.layers." + i + ".";
      add(w, p + "self_attn.q_proj.weight", seed, HEADS * HEAD_DIM, HIDDEN);
      add(w, p + "self_attn.q_proj.bias", seed, HEADS * HEAD_DIM);
      add(w, p + "self_attn.k_proj.weight", seed, KV * HEAD_DIM, HIDDEN);
      add(w, p + "self_attn.k_proj.bias", seed, KV * HEAD_DIM);
      add(w, p + "self_attn.v_proj.weight", seed, KV * HEAD_DIM, HIDDEN);
      add(w, p + "self_attn.v_proj.bias", seed, KV * HEAD_DIM);
      add(w, p + "self_attn.o_proj.weight", seed, HIDDEN, HEADS * HEAD_DIM);
      add(w, p + "mlp.gate_proj.weight", seed, FFN, HIDDEN);
      add(w, p + "mlp.up_proj.weight", seed, FFN, HIDDEN);
      add(w, p + "mlp.down_proj.weight", seed, HIDDEN, FFN);
      ones(w, p + "input_layernorm.weight", HIDDEN);
      ones(w, p + "post_attention_layernorm.weight", HIDDEN);
    }
    ones(w, "model.norm.weight", HIDDEN);
    w.write(dir.resolve("model.safetensors"));
    return dir;
  }

  static void add(SafeTensorsWriter w, String name, long[] seed, long... shape) {
    long s = seed[0]++;
    w.add(name, SafeTensors.DType.BF16, shape, out -> {
      SplittableRandom r = new SplittableRandom(s);
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      for (long i = 0; i < n; i++) {
        out.putShort(SafeTensorsWriter.toBf16((float) (r.nextGaussian() * 0.02)));
      }
    });
  }

  static void ones(SafeTensorsWriter w, String name, long n) {
    w.add(name, SafeTensors.DType.BF16, new long[] {n}, out -> {
      for (long i = 0; i < n; i++) {
        out.putShort(SafeTensorsWriter.toBf16(1f));
      }
    });
  }
}
