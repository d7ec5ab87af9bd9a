package io.trawl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
  @TempDir Path dir;

  static Path shared() {
    String s = System.getProperty("trawl.shared", "../shared");
    Path p = Path.of(s);
    assumeTrue(Files.isDirectory(p.resolve("golden")), "skipped: " + p + "/golden is absent");
    return p;
  }

  private static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  @Test
  void sentencePieceMatchesGoldenLlama2() throws IOException {
    Path golden = shared().resolve("golden/tokenizers");
    JsonNode root = new ObjectMapper().readTree(golden.resolve("tokenization_golden.json").toFile());
    JsonNode cases = root.path("llama2").path("cases");
    assertTrue(cases.size() >= 13);
    Path model = golden.resolve("llama2/tokenizer.model");
    try (TextTokenizer llama = Tokenizers.loadFile(model, Tokenizers.Convention.LLAMA);
        TextTokenizer t5 = Tokenizers.loadFile(model, Tokenizers.Convention.T5)) {
      assertEquals(32000, llama.vocabSize());
      for (JsonNode c : cases) {
        String text = c.path("text").asText();
        int[] ids = ints(c.path("ids"));
        assertArrayEquals(ids, llama.encode(text), text);
        List<String> pieces = new ArrayList<>();
        c.path("pieces").forEach(p -> pieces.add(p.asText()));
        assertEquals(pieces, List.of(llama.pieces(text)), text);
        assertArrayEquals(ints(c.path("hf_input_ids")), llama.encodeForModel(text, 0), text);
        assertEquals(c.path("decoded").asText(), llama.decode(ids), text);
        // T5 convention: content + </s> (id 2 in this vocabulary)
        int[] t5ids = t5.encodeForModel(text, 0);
        assertEquals(ids.length + 1, t5ids.length);
        assertEquals(2, t5ids[t5ids.length - 1]);
      }
      assertEquals(15043, llama.pieceId("▁Hello"));
      assertEquals(-1, llama.pieceId("▁certainly-not-a-piece"));
      // truncation keeps the special token, like HF truncation=True
      int[] cut = t5.encodeForModel("The quick brown fox jumps over the lazy dog.", 5);
      assertArrayEquals(new int[] {450, 4996, 17354, 1701, 2}, cut);
      assertArrayEquals(new int[] {1, 450, 4996}, llama.encodeForModel("The quick brown fox", 3));
    }
  }

  @Test
  void tokenizerJsonFindsItsSpecialTokens() throws IOException {
    Path json = dir.resolve("tokenizer.json");
    try (InputStream in = getClass().getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      assumeTrue(in != null, "skipped: bge tokenizer resource absent");
      Files.copy(in, json);
    }
    try (TextTokenizer t = Tokenizers.load(dir, Tokenizers.Convention.T5)) {
      assertTrue(t instanceof HfJsonTokenizer);
      assertArrayEquals(new int[] {101}, t.prefix());
      assertArrayEquals(new int[] {102}, t.suffix());
      assertArrayEquals(new int[] {7592, 2088}, t.encode("Hello world"));
      assertArrayEquals(new int[] {101, 7592, 102}, t.encodeForModel("Hello world", 3));
      assertEquals(7592, t.pieceId("hello"));
      assertEquals("hello world", t.decode(t.encodeForModel("Hello world", 0)));
      assertEquals(30522, t.vocabSize());
    }
  }

  @Test
  void folderWithoutTokenizerIsAnInputError() {
    InputException e = assertThrows(InputException.class, () -> Tokenizers.load(dir, Tokenizers.Convention.T5));
    assertTrue(e.getMessage().contains("no tokenizer"), e.getMessage());
  }
}
