package io.trawl.model.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPLADE query encoder against Hugging Face: a tiny random BertForMaskedLM (BERT's uncased
 * 30,522-piece vocabulary) and the weights torch computes for six queries,
 * {@code max_i log(1 + relu(logits))}, with Anserini's quantisation {@code round(w / 5 * 256)}
 * (generator: {@code src/test/python/splade_tiny.py}). Three ways in: the Hugging Face folder on
 * the exact engine, the torch.onnx export of the logits on ONNX Runtime, and a graph shaped like
 * Anserini's splade-pp-ed-optimized.onnx (outputs output_idx/output_weights) with a plain
 * WordPiece {@code vocab.txt}, as Anserini ships its encoders.
 */
class SpladeEncoderTest {
  private static final String RES = "/io/trawl/model/encoder/splade-tiny/";
  @TempDir static Path tmp;
  static JsonNode golden;
  static byte[] tokenizer;
  static JsonNode vocab;

  @BeforeAll
  static void load() throws IOException {
    golden = new ObjectMapper().readTree(resource("golden.json"));
    // the model's vocabulary is BERT uncased: the built-in bge-small-en-v1.5 tokenizer
    try (InputStream in = SpladeEncoderTest.class.getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      assertTrue(in != null, "bge-small-en-v1.5-q tokenizer resource missing");
      tokenizer = in.readAllBytes();
    }
    vocab = new ObjectMapper().readTree(tokenizer).path("model").path("vocab");
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SpladeEncoderTest.class.getResourceAsStream(RES + name)) {
      assertTrue(in != null, "missing resource " + RES + name);
      return in.readAllBytes();
    }
  }

  /** A model folder holding the named resources (renamed as given) and the tokenizer. */
  private static Path folder(String name, boolean vocabTxt, String... files) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    for (int i = 0; i < files.length; i += 2) {
      Files.write(dir.resolve(files[i + 1]), resource(files[i]));
    }
    if (vocabTxt) {
      Files.writeString(dir.resolve("splade-pp-ed-vocab.txt"), vocabTxt(), StandardCharsets.UTF_8);
    } else {
      Files.write(dir.resolve("tokenizer.json"), tokenizer);
    }
    return dir;
  }

  /** The tokenizer's WordPiece vocabulary as Anserini's vocab.txt: one piece per line, in id order. */
  private static String vocabTxt() throws IOException {
    JsonNode vocab = new ObjectMapper().readTree(tokenizer).path("model").path("vocab");
    TreeMap<Integer, String> byId = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      byId.put(e.getValue().asInt(), e.getKey());
    }
    assertEquals(byId.lastKey() + 1, byId.size(), "ids are 0..n-1");
    return String.join("\n", byId.values()) + "\n";
  }

  private static long[] ids(JsonNode q) {
    long[] ids = new long[q.get("ids").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = q.get("ids").get(i).asLong();
    }
    return ids;
  }

  /**
   * Token ids equal; every weight within {@code tol} of torch's (a weight torch has and this
   * does not counts as 0, and vice versa: near-zero logits may fall on either side of 0); the
   * quantised query equals Anserini's except where torch's {@code w / 5 * 256} lies within
   * 0.01 of a rounding boundary.
   */
  private static void checkAgainstTorch(SpladeEncoder enc, double tol) {
    int compared = 0;
    for (JsonNode q : golden) {
      String text = q.get("query").asText();
      assertArrayEquals(ids(q), enc.tokenIds(text), text);
      SpladeEncoder.Weights w = enc.weights(text);
      Map<Integer, Float> got = new TreeMap<>();
      for (int i = 0; i < w.ids().length; i++) {
        got.put(w.ids()[i], w.weights()[i]);
        if (i > 0) {
          assertTrue(w.ids()[i - 1] < w.ids()[i], "ascending ids");
        }
      }
      Map<Integer, Double> want = new TreeMap<>();
      q.get("weights").fields().forEachRemaining(e -> want.put(Integer.parseInt(e.getKey()), e.getValue().asDouble()));
      java.util.Set<Integer> keys = new java.util.TreeSet<>(got.keySet());
      keys.addAll(want.keySet());
      double max = 0;
      for (int id : keys) {
        max = Math.max(max, Math.abs(got.getOrDefault(id, 0f) - want.getOrDefault(id, 0.0)));
      }
      assertTrue(max <= tol, text + ": max weight difference " + max);
      assertTrue(want.size() > 50, "the fixture has dozens of weights per query");

      LinkedHashMap<String, Integer> enc1 = enc.encode(text);
      Map<String, Integer> expected = new LinkedHashMap<>();
      q.get("quantised").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asInt()));
      assertTrue(!enc1.containsKey("[CLS]") && !enc1.containsKey("[SEP]") && !enc1.containsKey("[PAD]"));
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        double scaled = want.get(Integer.parseInt(idOf(q, e.getKey()))) / 5 * 256;
        double frac = scaled - Math.floor(scaled);
        if (Math.abs(frac - 0.5) < 0.01) {
          continue; // torch and this engine may round a boundary case apart
        }
        assertEquals(e.getValue(), enc1.getOrDefault(e.getKey(), 0), text + ": " + e.getKey());
        compared++;
      }
    }
    assertTrue(compared > 400, "compared " + compared + " quantised weights");
  }

  /** The vocabulary id of a piece. */
  private static String idOf(JsonNode q, String piece) {
    return String.valueOf(vocab.get(piece).asInt());
  }

  @Test
  void exactEngineEqualsTransformers() throws IOException {
    Path dir = folder("hf", false, "config.json", "config.json", "model.safetensors", "model.safetensors");
    try (SpladeEncoder enc = SpladeEncoder.open(dir, "auto")) {
      assertEquals("exact", enc.engine());
      assertEquals(64, enc.maxLength(), "the model's 64 positions bound Anserini's 512");
      checkAgainstTorch(enc, 2e-5);
    }
  }

  @Test
  void onnxLogitsGraphEqualsTransformers() throws IOException {
    Path dir = folder("onnx", false, "model.onnx", "model.onnx");
    try (SpladeEncoder enc = SpladeEncoder.open(dir, "auto")) {
      assertEquals("onnxruntime", enc.engine());
      assertEquals(512, enc.maxLength());
      checkAgainstTorch(enc, 5e-5);
    }
  }

  @Test
  void anseriniShapedGraphWithVocabTxtEqualsTransformers() throws IOException {
    Path dir = folder("anserini", true, "anserini.onnx", "splade-pp-ed-optimized.onnx");
    try (SpladeEncoder enc = SpladeEncoder.open(dir, "onnxruntime")) {
      checkAgainstTorch(enc, 5e-5);
    }
  }

  @Test
  void pseudoDocumentRepeatsEachPieceItsWeightInVocabularyOrder() throws IOException {
    Path dir = folder("pseudo", false, "config.json", "config.json", "model.safetensors", "model.safetensors");
    try (SpladeEncoder enc = SpladeEncoder.open(dir, "exact")) {
      String text = golden.get(0).get("query").asText();
      LinkedHashMap<String, Integer> q = enc.encode(text);
      List<String> expected = new ArrayList<>();
      q.forEach((piece, n) -> {
        for (int i = 0; i < n; i++) {
          expected.add(piece);
        }
      });
      assertEquals(String.join(" ", expected), enc.pseudoDocument(text));
      assertTrue(q.containsValue(0), "weights below 0.5/51.2 round to 0: kept in the map, absent from the text");
      assertTrue(expected.size() > 100);
    }
  }

  @Test
  void quantisationIsAnserinisFloatArithmetic() {
    assertEquals(0, SpladeEncoder.quantise(0.0097f)); // 0.4966...
    assertEquals(1, SpladeEncoder.quantise(0.0098f)); // 0.5017...
    assertEquals(256, SpladeEncoder.quantise(5f));
    assertEquals(Math.round(1.2345f / 5 * 256), SpladeEncoder.quantise(1.2345f));
  }

  @Test
  void poolingIsMaxOfLogOnePlusRelu() {
    float[] logits = {-1f, 0.5f, 0f, 2f, // token 0
        3f, -2f, 0f, 1f}; // token 1
    SpladeEncoder.Weights w = SpladeEncoder.pool(logits, 2, 4);
    assertArrayEquals(new int[] {0, 1, 3}, w.ids());
    assertArrayEquals(new float[] {(float) Math.log(4), (float) Math.log(1.5), (float) Math.log(3)}, w.weights(), 1e-7f);
  }

  @Test
  void badFoldersAreRefusedWithTheReason() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.write(empty.resolve("tokenizer.json"), tokenizer);
    InputException e = assertThrows(InputException.class, () -> SpladeEncoder.open(empty, "auto"));
    assertTrue(e.getMessage().contains("has no model"), e.getMessage());

    Path onnxOnly = folder("onnx-only", false, "model.onnx", "model.onnx");
    e = assertThrows(InputException.class, () -> SpladeEncoder.open(onnxOnly, "exact"));
    assertTrue(e.getMessage().contains("BertForMaskedLM"), e.getMessage());

    Path noTok = Files.createDirectories(tmp.resolve("no-tokenizer"));
    Files.write(noTok.resolve("model.onnx"), resource("model.onnx"));
    e = assertThrows(InputException.class, () -> SpladeEncoder.open(noTok, "auto"));
    assertTrue(e.getMessage().contains("tokenizer.json or a WordPiece vocab.txt"), e.getMessage());

    Path dup = Files.createDirectories(tmp.resolve("dup-vocab"));
    Files.write(dup.resolve("model.onnx"), resource("model.onnx"));
    Files.writeString(dup.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\nthe\n");
    e = assertThrows(InputException.class, () -> SpladeEncoder.open(dup, "auto"));
    assertTrue(e.getMessage().contains("vocab.txt:6") && e.getMessage().contains("duplicate"), e.getMessage());

    TrawlException t = assertThrows(TrawlException.class, () -> SpladeEncoder.open(onnxOnly, "gpu"));
    assertTrue(t.getMessage().contains("valid: auto, exact, onnxruntime"), t.getMessage());
  }
}
