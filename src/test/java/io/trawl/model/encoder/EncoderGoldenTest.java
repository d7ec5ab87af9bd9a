package io.trawl.model.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact encoder against Hugging Face transformers' {@code BertModel} (eager attention,
 * float32) on the same weights and texts: token ids equal, pooled unit vectors within 1e-5
 * (measured: 3e-7). References: src/test/resources/golden/encoders (make_golden.py).
 */
class EncoderGoldenTest {
  static JsonNode golden(String name) throws Exception {
    try (InputStream in = EncoderGoldenTest.class.getResourceAsStream("/golden/encoders/" + name + ".json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static List<String> texts(JsonNode g) {
    List<String> t = new ArrayList<>();
    for (JsonNode r : g.get("rows")) {
      t.add(r.get("text").asText());
    }
    return t;
  }

  /**
   * Token ids equal (Hugging Face truncation included: one golden text is over the maximum
   * length, one is empty); returns the largest |a - b| over every component of every row.
   */
  static double check(Encoder e, JsonNode g) {
    List<String> texts = texts(g);
    float[][] v = e.encodeDocuments(texts);
    long truncatedBefore = e.truncatedCount();
    double max = 0;
    int i = 0;
    for (JsonNode r : g.get("rows")) {
      List<Long> wantIds = new ArrayList<>();
      r.get("ids").forEach(x -> wantIds.add(x.asLong()));
      List<Long> got = new ArrayList<>();
      for (long id : e.tokenIds(r.get("text").asText())) {
        got.add(id);
      }
      assertEquals(wantIds, got, "token ids of golden text " + i);
      JsonNode want = r.get("vector");
      assertEquals(want.size(), v[i].length, "dimension");
      for (int j = 0; j < want.size(); j++) {
        max = Math.max(max, Math.abs(want.get(j).asDouble() - v[i][j]));
      }
      i++;
    }
    assertEquals(truncatedBefore + 1, e.truncatedCount(), "the long golden text is truncated once more");
    return max;
  }

  @Test
  void bgeSmallEqualsHuggingFace() throws Exception {
    JsonNode g = golden("bge-small-en-v1.5");
    try (Encoder e = Encoders.open("bge-small-en-v1.5", new EncoderOptions(4, 2, 0))) {
      assertEquals("exact", e.engine());
      assertTrue(e.exact());
      double d = check(e, g);
      assertTrue(d < 1e-5, "max |trawl - transformers| = " + d);
    }
  }

  @Test
  void miniLmMeanPoolingEqualsHuggingFace() throws Exception {
    JsonNode g = golden("all-minilm-l6-v2");
    try (Encoder e = Encoders.open("all-minilm-l6-v2", new EncoderOptions(4, 2, 0))) {
      double d = check(e, g);
      assertTrue(d < 1e-5, "max |trawl - transformers| = " + d);
    }
  }

  /** A Hugging Face checkpoint folder (config.json + float16 model.safetensors). */
  static Path tinyBert(Path dir) throws Exception {
    for (String f : List.of("config.json", "model.safetensors", "trawl-encoder.json")) {
      try (InputStream in = EncoderGoldenTest.class.getResourceAsStream("/golden/encoders/tiny-bert/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    try (InputStream in = EncoderGoldenTest.class.getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    return dir;
  }

  @Test
  void safetensorsFolderEqualsHuggingFace(@TempDir Path dir) throws Exception {
    JsonNode g = golden("tiny-bert");
    try (Encoder e = Encoders.open(tinyBert(dir).toString(), new EncoderOptions(3, 2, 0))) {
      assertEquals("exact", e.engine());
      assertEquals(16, e.dimension());
      double d = check(e, g);
      assertTrue(d < 1e-5, "max |trawl - transformers| = " + d);
    }
  }

  @Test
  void vectorsDependOnTheTextAloneBitForBit() throws Exception {
    List<String> texts = texts(golden("bge-small-en-v1.5"));
    try (Encoder one = Encoders.open("bge-small-en-v1.5", new EncoderOptions(1, 1, 0));
        Encoder many = Encoders.open("bge-small-en-v1.5", new EncoderOptions(32, 2, 0))) {
      float[][] batched = many.encodeDocuments(texts);
      List<String> reversed = new ArrayList<>(texts);
      java.util.Collections.reverse(reversed);
      float[][] rev = many.encodeDocuments(reversed);
      for (int i = 0; i < texts.size(); i++) {
        float[] alone = one.encodeDocuments(List.of(texts.get(i)))[0];
        assertArrayEquals(alone, batched[i], "text " + i + ": batch of 32 on 2 threads vs alone");
        assertArrayEquals(alone, rev[texts.size() - 1 - i], "text " + i + ": other neighbours");
      }
      // encodeEach is a plain batched encode on the exact engine: same bits
      float[][] each = many.encodeEach(texts, true);
      float[][] queries = one.encodeQueries(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(queries[i], each[i]);
      }
    }
  }
}
