package io.trawl.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderTest {
  static final String QUERY = "what is the capital of france";
  static final List<String> DOCS = List.of(
      "Photosynthesis converts light energy into chemical energy stored in glucose.",
      "Paris is the capital and most populous city of France.",
      "The Great Barrier Reef is the world's largest coral reef system, off the coast of Australia.",
      "Berlin is the capital of Germany.");

  static Encoder int8;

  @BeforeAll
  static void load() {
    int8 = Encoders.open("bge-small-en-v1.5-q", new EncoderOptions(2, 2, 0));
  }

  @AfterAll
  static void close() {
    int8.close();
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  static void assertRanksParisFirst(Encoder e) {
    float[] q = e.encodeQuery(QUERY);
    float[][] d = e.encodeDocuments(DOCS);
    assertEquals(384, q.length);
    assertEquals(1.0, norm(q), 1e-5);
    for (float[] v : d) {
      assertEquals(1.0, norm(v), 1e-5);
    }
    double paris = Encoder.dot(q, d[1]);
    for (int i = 0; i < d.length; i++) {
      if (i != 1) {
        assertTrue(paris > Encoder.dot(q, d[i]) + 0.05, e.name() + ": Paris " + paris + " vs doc " + i
            + " " + Encoder.dot(q, d[i]));
      }
    }
    // the (geographically) related doc beats the unrelated ones
    assertTrue(Encoder.dot(q, d[3]) > Encoder.dot(q, d[0]), e.name());
  }

  @Test
  void bgeInt8IsSane() {
    assertEquals(384, int8.dimension());
    assertRanksParisFirst(int8);
  }

  @Test
  void otherInt8ModelsAreSane() {
    for (String name : List.of("all-minilm-l6-v2-q", "e5-small-v2-q")) {
      try (Encoder e = Encoders.open(name, new EncoderOptions(4, 2, 0))) {
        assertRanksParisFirst(e);
      }
    }
  }

  @Test
  void fp32BatchEqualsOneByOne() {
    try (Encoder fp32 = Encoders.open("bge-small-en-v1.5", new EncoderOptions(8, 2, 0))) {
      assertRanksParisFirst(fp32);
      float[][] batched = fp32.encodeDocuments(DOCS);
      for (int i = 0; i < DOCS.size(); i++) {
        float[] single = fp32.encodeDocuments(List.of(DOCS.get(i)))[0];
        for (int j = 0; j < single.length; j++) {
          assertEquals(single[j], batched[i][j], 1e-5, "doc " + i + " dim " + j);
        }
      }
      // fp32 and int8 are the same model: their embeddings agree closely
      float[] a = fp32.encodeQuery(QUERY);
      float[] b = int8.encodeQuery(QUERY);
      assertTrue(Encoder.dot(a, b) > 0.95, "fp32 vs int8 cosine " + Encoder.dot(a, b));
    }
  }

  @Test
  void int8BatchIsCloseToOneByOne() {
    // dynamic int8 quantisation scales activations per tensor (whole padded batch), so batch
    // neighbours move an int8 embedding slightly; the ranking signal is unaffected
    float[][] batched = int8.encodeDocuments(DOCS);
    for (int i = 0; i < DOCS.size(); i++) {
      float[] single = int8.encodeDocuments(List.of(DOCS.get(i)))[0];
      double cos = Encoder.dot(single, batched[i]);
      // measured: 0.997 for the shortest doc padded beside longer ones
      assertTrue(cos > 0.99, "doc " + i + " cosine " + cos);
    }
    // order of the inputs does not matter beyond that (batches are formed by length)
    List<String> rev = new ArrayList<>(DOCS);
    java.util.Collections.reverse(rev);
    float[][] r = int8.encodeDocuments(rev);
    assertTrue(Encoder.dot(r[2], batched[1]) > 0.99);
  }

  @Test
  void longInputIsTruncatedAndCounted() {
    String longText = "retrieval ".repeat(2000);
    long before = int8.truncatedCount();
    float[] v = int8.encodeQuery(longText);
    assertEquals(1.0, norm(v), 1e-5);
    assertEquals(before + 1, int8.truncatedCount());
    // truncation keeps the first 511 tokens + [SEP]: equal to encoding a text that is just as long
    assertTrue(int8.countTokens(longText) > 512);
    float[][] two = int8.encodeDocuments(List.of("short text", longText));
    assertEquals(before + 2, int8.truncatedCount());
    assertEquals(1.0, norm(two[1]), 1e-5);
  }

  @Test
  void unknownEncoderListsValidNames() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> Encoders.open("bge-smal-en-v1.5", EncoderOptions.defaults()));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("bge-small-en-v1.5-q"), e.getMessage());
    assertTrue(e.getMessage().contains("e5-small-v2-q"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean"), e.getMessage());
  }

  @Test
  void folderMissingTokenizerIsAClearError(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
    Files.writeString(dir.resolve("trawl-encoder.json"), "{\"pooling\":\"cls\"}");
    InputException e = assertThrows(InputException.class,
        () -> Encoders.open(dir.toString(), EncoderOptions.defaults()));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void folderMissingPoolingConfigIsAClearError(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("model.onnx"), new byte[] {1});
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    InputException e = assertThrows(InputException.class,
        () -> Encoders.open(dir.toString(), EncoderOptions.defaults()));
    assertTrue(e.getMessage().contains("trawl-encoder.json"), e.getMessage());
  }

  @Test
  void localFolderGivesTheSameVectorsAsTheBuiltIn(@TempDir Path dir) throws Exception {
    ClassLoader cl = getClass().getClassLoader();
    try (InputStream m = cl.getResourceAsStream("bge-small-en-v1.5-q.onnx");
        InputStream t = cl.getResourceAsStream("bge-small-en-v1.5-q-tokenizer.json")) {
      Files.copy(m, dir.resolve("model.onnx"));
      Files.copy(t, dir.resolve("tokenizer.json"));
    }
    Files.writeString(dir.resolve("trawl-encoder.json"), "{\"pooling\":\"cls\",\"normalize\":true,"
        + "\"family\":\"bge-small-en-v1.5\",\"query_prefix\":\"" + Encoders.BGE_INSTRUCTION + "\"}");
    try (Encoder local = Encoders.open(dir.toString(), new EncoderOptions(2, 2, 0))) {
      assertTrue(local.name().startsWith("path:"));
      assertEquals("bge-small-en-v1.5", local.config().family());
      float[] a = local.encodeQuery(QUERY);
      float[] b = int8.encodeQuery(QUERY);
      for (int j = 0; j < a.length; j++) {
        assertEquals(b[j], a[j], 1e-6);
      }
    }
  }

  @Test
  void truncateToTokensCutsOnTokenBoundaries() {
    String t = "alpha beta gamma delta epsilon";
    assertEquals("alpha beta", int8.truncateToTokens(t, 2));
    assertEquals(t, int8.truncateToTokens(t, 50));
    assertEquals("", int8.truncateToTokens(t, 0));
  }
}
