package io.trawl.model.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.model.ComputeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with Hugging Face transformers on ../shared/golden/{llama,qwen2}-tiny: logits, hidden
 * states, attention probabilities, greedy generations with and without the KV cache, and left-padded
 * batches (golden/README.md tolerances: 1e-4 + 1e-5|x| for values, 1e-5 for attentions, exact ids).
 */
class DecoderLmGoldenTest {
  static final Path GOLDEN = Path.of(System.getProperty("trawl.shared", "../shared"), "golden");
  static final Map<String, DecoderLm> MODELS = new HashMap<>();
  /** Largest deviation seen per (model, field), printed for the record by the report test. */
  static final Map<String, Double> MAX_DIFF = new java.util.TreeMap<>();

  static DecoderLm model(String name) {
    Path dir = GOLDEN.resolve(name);
    assumeTrue(Files.isRegularFile(dir.resolve("golden.json")), "golden folder missing: " + dir);
    return MODELS.computeIfAbsent(name, n -> DecoderLm.load(dir, ComputeOptions.DEFAULT));
  }

  static JsonNode golden(String name) throws Exception {
    return new ObjectMapper().readTree(GOLDEN.resolve(name).resolve("golden.json").toFile());
  }

  @org.junit.jupiter.api.BeforeAll
  static void threads() {
    SingleThreaded.enter();
  }

  @AfterAll
  static void closeAll() {
    SingleThreaded.exit();
    MODELS.values().forEach(DecoderLm::close);
    MODELS.clear();
    System.err.println("decoder golden max abs diffs: " + MAX_DIFF);
  }

  static void close(String model, String field, JsonNode expected, float[] actual, double abs, double rel) {
    double[] e = flatten(expected);
    assertEquals(e.length, actual.length, model + " " + field + " size");
    double worst = 0;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs(actual[i] - e[i]);
      worst = Math.max(worst, d);
      if (d > abs + rel * Math.abs(e[i])) {
        throw new AssertionError(model + " " + field + "[" + i + "]: expected " + e[i] + " got " + actual[i]);
      }
    }
    MAX_DIFF.merge(model + "." + field, worst, Math::max);
  }

  static double[] flatten(JsonNode n) {
    List<Double> out = new ArrayList<>();
    walk(n, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void walk(JsonNode n, List<Double> out) {
    if (n.isArray()) {
      n.forEach(c -> walk(c, out));
    } else {
      out.add(n.asDouble());
    }
  }

  static long[][] ids(JsonNode n) {
    long[][] out = new long[n.size()][];
    for (int i = 0; i < n.size(); i++) {
      out[i] = new long[n.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = n.get(i).get(j).asLong();
      }
    }
    return out;
  }

  static int[][] ints(JsonNode n) {
    int[][] out = new int[n.size()][];
    for (int i = 0; i < n.size(); i++) {
      out[i] = new int[n.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = n.get(i).get(j).asInt();
      }
    }
    return out;
  }

  static int[] argmaxRows(float[] flat, int rows) {
    int v = flat.length / rows;
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int j = 1; j < v; j++) {
        if (flat[r * v + j] > flat[r * v + best]) {
          best = j;
        }
      }
      out[r] = best;
    }
    return out;
  }

  static float[] maxRows(float[] flat, int rows) {
    int v = flat.length / rows;
    float[] out = new float[rows];
    for (int r = 0; r < rows; r++) {
      float best = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        best = Math.max(best, flat[r * v + j]);
      }
      out[r] = best;
    }
    return out;
  }

  static float[] columns(float[] flat, int rows, JsonNode cols) {
    int v = flat.length / rows;
    float[] out = new float[rows * cols.size()];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols.size(); c++) {
        out[r * cols.size() + c] = flat[r * v + cols.get(c).asInt()];
      }
    }
    return out;
  }

  static final double ABS = 1e-4;
  static final double REL = 1e-5;

  /**
   * Attention blocks: as large as the default block size allows (one block for these short inputs)
   * and of at most 3 query rows (many blocks, the last one shorter, the causal mask on each
   * diagonal).
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"llama-tiny,0", "qwen2-tiny,0", "llama-tiny,3", "qwen2-tiny,3"})
  void singleCasesLogitsHiddenStatesAttentions(String name, int blockRows) throws Exception {
    DecoderLm lm = model(name);
    lm.maxBlockRows(blockRows);
    try {
      singleCases(name, lm);
    } finally {
      lm.maxBlockRows(0);
    }
  }

  private void singleCases(String name, DecoderLm lm) throws Exception {
    for (JsonNode c : golden(name).path("cases")) {
      if (c.has("same_rows_as")) {
        continue;
      }
      String cn = c.path("name").asText();
      long[][] ids = ids(c.path("input_ids"));
      int len = ids[0].length;
      Map<String, float[]> seen = new HashMap<>();
      DecoderLm.Probe probe = new DecoderLm.Probe() {
        @Override
        public void embeddings(NDArray x) {
          seen.put("embedding_output", x.toFloatArray());
        }

        @Override
        public void layerOutput(int layer, NDArray x) {
          seen.merge("layer_outputs", x.toFloatArray(), DecoderLmGoldenTest::concat);
        }

        @Override
        public void finalNorm(NDArray x) {
          seen.put("final_norm_hidden", x.toFloatArray());
        }

        @Override
        public boolean wantsAttention(int layer) {
          return true;
        }

        /** The layer's [1, heads, len, len] matrix, assembled from the row blocks as they come. */
        float[] layerProbs;

        @Override
        public void attention(int layer, int firstRow, NDArray probs) {
          long[] shape = probs.getShape().getShape();
          int heads = (int) shape[1];
          int rows = (int) shape[2];
          int keys = (int) shape[3];
          assertEquals(firstRow + rows, keys, "a block sees the keys up to its last row");
          if (firstRow == 0) {
            layerProbs = new float[heads * len * len];
          }
          float[] block = probs.toFloatArray();
          for (int h = 0; h < heads; h++) {
            for (int r = 0; r < rows; r++) {
              System.arraycopy(block, (h * rows + r) * keys, layerProbs, (h * len + firstRow + r) * len, keys);
            }
          }
          if (firstRow + rows == len) {
            seen.merge("attentions", layerProbs, DecoderLmGoldenTest::concat);
          }
        }
      };
      try (NDManager m = lm.manager().newSubManager()) {
        float[] logits = lm.forward(ids, null, lm.newCache(m, 1), probe, true, m).toFloatArray();
        String tag = name + " " + cn;
        int v = logits.length / len;
        assertArrayEquals(ints(c.path("logits_argmax").isArray() ? wrap(c.path("logits_argmax")) : null)[0],
            argmaxRows(logits, len), tag + " argmax");
        close(name, "logits_max", c.path("logits_max"), maxRows(logits, len), ABS, REL);
        if (c.has("logits")) {
          close(name, "logits", c.path("logits"), logits, ABS, REL);
        }
        if (c.has("logits_last")) {
          close(name, "logits_last", c.path("logits_last"),
              java.util.Arrays.copyOfRange(logits, (len - 1) * v, len * v), ABS, REL);
        }
        if (c.has("logits_slice")) {
          close(name, "logits_slice", c.path("logits_slice"),
              columns(logits, len, c.path("logits_slice_token_ids")), ABS, REL);
        }
        for (String f : new String[] {"embedding_output", "layer_outputs", "final_norm_hidden"}) {
          if (c.has(f)) {
            close(name, f, c.path(f), seen.get(f), ABS, REL);
          }
        }
        if (c.has("attentions")) {
          close(name, "attentions", c.path("attentions"), seen.get("attentions"), 1e-5, 0);
        }
      }
    }
  }

  static JsonNode wrap(JsonNode row) {
    return new ObjectMapper().createArrayNode().add(row);
  }

  static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"llama-tiny,0", "qwen2-tiny,0", "llama-tiny,3", "qwen2-tiny,3"})
  void greedyWithAndWithoutCacheAndLeftPaddedBatches(String name, int blockRows) throws Exception {
    DecoderLm lm = model(name);
    lm.maxBlockRows(blockRows);
    try {
      greedyCases(name, lm);
    } finally {
      lm.maxBlockRows(0);
    }
  }

  private void greedyCases(String name, DecoderLm lm) throws Exception {
    for (JsonNode c : golden(name).path("cases")) {
      JsonNode g = c.path("greedy");
      int[][] expected = ints(g.path("new_tokens"));
      int[][] mask = ints(c.path("attention_mask"));
      long[][] ids = ids(c.path("input_ids"));
      List<int[]> prompts = new ArrayList<>();
      for (int r = 0; r < ids.length; r++) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < ids[r].length; i++) {
          if (mask[r][i] != 0) {
            p.add((int) ids[r][i]);
          }
        }
        prompts.add(p.stream().mapToInt(Integer::intValue).toArray());
      }
      String tag = name + " " + c.path("name").asText();
      for (boolean useCache : new boolean[] {true, false}) {
        // small chunks exercise chunked prefill with the cache
        Greedy.Result res = Greedy.generate(lm, prompts, g.path("max_new_tokens").asInt(), Set.of(),
            useCache, useCache ? 7 : 512);
        for (int r = 0; r < expected.length; r++) {
          assertArrayEquals(expected[r], res.tokens()[r], tag + " row " + r + " cache=" + useCache);
        }
        close(name, "chosen_logit", g.path("chosen_logit"),
            flattenRows(res.chosenLogits()), ABS, REL);
      }
      if (c.has("last_logits")) {
        try (NDManager m = lm.manager().newSubManager()) {
          float[] last = lm.forward(ids, mask, lm.newCache(m, ids.length), null, false, m).toFloatArray();
          close(name, "last_logits(left-padded batch)", c.path("last_logits"), last, ABS, REL);
          assertArrayEquals(ints(wrap(c.path("last_logits_argmax")))[0], argmaxRows(last, ids.length), tag);
        }
      }
    }
  }

  static float[] flattenRows(float[][] rows) {
    int n = 0;
    for (float[] r : rows) {
      n += r.length;
    }
    float[] out = new float[n];
    int k = 0;
    for (float[] r : rows) {
      System.arraycopy(r, 0, out, k, r.length);
      k += r.length;
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny"})
  void batchRowsEqualSingleRuns(String name) throws Exception {
    DecoderLm lm = model(name);
    JsonNode batch = null;
    Map<String, JsonNode> singles = new HashMap<>();
    for (JsonNode c : golden(name).path("cases")) {
      if (c.has("same_rows_as")) {
        batch = c;
      } else {
        singles.put(c.path("name").asText(), c);
      }
    }
    long[][] ids = ids(batch.path("input_ids"));
    int[][] mask = ints(batch.path("attention_mask"));
    try (NDManager m = lm.manager().newSubManager()) {
      float[] last = lm.forward(ids, mask, lm.newCache(m, 3), null, false, m).toFloatArray();
      int v = last.length / 3;
      for (int r = 0; r < 3; r++) {
        long[][] single = ids(singles.get(batch.path("same_rows_as").get(r).asText()).path("input_ids"));
        float[] one = lm.forward(single, null, lm.newCache(m, 1), null, false, m).toFloatArray();
        double worst = 0;
        for (int j = 0; j < v; j++) {
          worst = Math.max(worst, Math.abs(one[j] - last[r * v + j]));
        }
        assertTrue(worst < 2e-5, "row " + r + " differs from its single run by " + worst);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void float16OnCpuStaysClose() throws Exception {
    Path dir = GOLDEN.resolve("qwen2-tiny");
    assumeTrue(Files.isRegularFile(dir.resolve("golden.json")));
    JsonNode c = golden("qwen2-tiny").path("cases").get(0);
    try (DecoderLm lm = DecoderLm.load(dir, new ComputeOptions("cpu", "float16"));
        NDManager m = lm.manager().newSubManager()) {
      float[] logits = lm.forward(ids(c.path("input_ids")), null, lm.newCache(m, 1), null, true, m)
          .toFloatArray();
      double[] e = flatten(c.path("logits"));
      double worst = 0;
      for (int i = 0; i < e.length; i++) {
        worst = Math.max(worst, Math.abs(e[i] - logits[i]));
      }
      assertTrue(worst < 0.1, "float16 logits differ from float32 HF by " + worst);
      MAX_DIFF.merge("qwen2-tiny.logits(float16 on CPU)", worst, Math::max);
    }
  }
}
