package io.trawl.model;

import static io.trawl.model.Golden.flat;
import static io.trawl.model.Golden.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T5 v1.1 checkpoints saved by transformers 5.x ({@code "tie_word_embeddings": true,
 * "scale_decoder_outputs": false}) score as transformers does: no {@code d_model^-0.5} scaling, and
 * the checkpoint's own {@code lm_head.weight} when it has one. Tiny checkpoints and outputs written
 * by {@code src/test/python/t5_transformers5_golden.py} (transformers 5.18.0).
 */
class T5Transformers5Test {
  static Path folder(String name) throws Exception {
    return Path.of(T5Transformers5Test.class.getResource("/io/trawl/model/" + name).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"t5-v1_1-tf5-tied", "t5-v1_1-tf5-untied"})
  void scoresAsTransformers5(String name) throws Exception {
    Path dir = folder(name);
    JsonNode golden = Golden.json(dir.resolve("golden.json"));
    int falseId = golden.path("monot5_token_ids").path("false").asInt();
    int trueId = golden.path("monot5_token_ids").path("true").asInt();
    int[] slice = ints(golden.path("logits_slice_token_ids"));
    try (T5Model model = T5Model.load(dir, ComputeOptions.DEFAULT.withThreads(1))) {
      assertTrue(model.config().tieWordEmbeddings());
      assertFalse(model.config().scaleDecoderOutputs());
      for (JsonNode c : golden.path("cases")) {
        String cn = name + "/" + c.path("name").asText();
        int[][] rows = Golden.unpadded(c.path("input_ids"), c.path("attention_mask"));
        try (NDManager m = model.manager().newSubManager()) {
          T5Model.EncoderOutput enc = model.encode(m, rows);
          float[] logits;
          float[] pair;
          try (T5Model.Decoder dec = model.decoder(m, enc)) {
            int[][] start = new int[rows.length][];
            for (int i = 0; i < rows.length; i++) {
              start[i] = new int[] {0};
            }
            NDArray h = dec.step(start);
            logits = model.logits(h).toFloatArray();
            pair = model.logits(h, model.headRows(falseId, trueId)).toFloatArray();
          }
          int v = logits.length / rows.length;
          float[] goldSlice = flat(c.path("first_step_logits_slice"));
          float[] goldMax = flat(c.path("first_step_max"));
          float[] goldScore = flat(c.path("monot5_score"));
          int[] goldArgmax = ints(c.path("first_step_argmax"));
          int[] argmax = new int[rows.length];
          for (int i = 0; i < rows.length; i++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
              if (logits[i * v + k] > best) {
                best = logits[i * v + k];
                argmax[i] = k;
              }
            }
            assertEquals(goldMax[i], best, 1e-4 + 1e-5 * Math.abs(goldMax[i]), cn + " max logit");
            for (int k = 0; k < slice.length; k++) {
              float g = goldSlice[i * slice.length + k];
              assertEquals(g, logits[i * v + slice[k]], 1e-4 + 1e-5 * Math.abs(g), cn + " logit " + slice[k]);
            }
            double f = pair[2 * i];
            double t = pair[2 * i + 1];
            double mx = Math.max(f, t);
            double score = t - mx - Math.log(Math.exp(f - mx) + Math.exp(t - mx));
            assertEquals(goldScore[i], score, 1e-4, cn + " monoT5 log P(true)");
          }
          assertArrayEquals(goldArgmax, argmax, cn + " argmax");
        }
      }
    }
  }
}
