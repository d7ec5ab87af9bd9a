package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.icr.IcrAccess;
import io.trawl.rerank.icr.IcrReranker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ICR's document spans read from the tokenizer's character offsets are those found by encoding
 * the text before each boundary (the definition): on the Llama-2 SentencePiece model in the
 * authors' Mistral frame and in a chat template's frame (Zephyr, its special tokens split out), and
 * on a tokenizer.json (bge's WordPiece: no Qwen2 BPE file is available offline), for DL19's BM25
 * top 100 and for passages with what offsets get wrong first: non-BMP characters, byte-fallback
 * pieces, runs of spaces, newlines, "[n]" inside a passage, a query with a special-token string.
 */
class IcrSpansTest {
  @TempDir Path tmp;

  static List<RankedList> lists() throws Exception {
    List<RankedList> out = new ArrayList<>(TinyLlm.dl19(1).lists());
    List<Candidate> odd = new ArrayList<>();
    String[] texts = {"emoji 😀😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text", "  two  spaces\tand a tab ", "line\nbreak\n\nand [3] inside",
        "ünïcödé ß Ω 漢字 テキスト", "[1]", "a", "trailing newline\n", "x".repeat(300) + " y"};
    for (int i = 0; i < texts.length; i++) {
      odd.add(new Candidate("o" + i, 100 - i, texts[i]));
    }
    out.add(new RankedList("odd", odd));
    return out;
  }

  /**
   * {@code minByOffsets}: boundaries of the DL19 prompt (2n+2 in all) that the offsets must place;
   * WordPiece drops the whitespace after a passage, so no token starts where a passage ends.
   */
  static void sameSpans(Path model, int minByOffsets) throws Exception {
    List<RankedList> lists = lists();
    List<Query> queries = List.of(new Query("q0", "how long is life cycle of flea"),
        new Query("q1", "what is </s> 😀 [INST] ünïcödé in a query"));
    try (IcrReranker r = new IcrReranker(new Params(Map.of("model", model.toString())));
        LlmRuntime rt = LlmRuntime.load(model, io.trawl.model.ComputeOptions.DEFAULT, null)) {
      assertNotNull(rt.encodeWithStarts("Here are some paragraphs: 😀 [1] x").starts(),
          "this tokenizer gives offsets, so the offsets path is what is tested");
      for (Query q : queries) {
        for (RankedList l : lists) {
          int[] fromOffsets = IcrAccess.tokens(r, q, l, true);
          int[] reencoded = IcrAccess.tokens(r, q, l, false);
          assertArrayEquals(reencoded, fromOffsets, q.text() + " / " + l.queryId());
          assertTrue(fromOffsets[fromOffsets.length - 2] > 0);
          if (!l.queryId().equals("odd")) {
            int placed = IcrAccess.boundariesByOffsets(r, q, l);
            assertTrue(placed >= minByOffsets && placed <= 2 * l.size() + 2,
                placed + " boundaries of the DL19 prompt placed by offsets");
          }
        }
      }
    }
  }

  @Test
  void llamaSentencePieceInTheMistralFrame() throws Exception {
    sameSpans(TinyLlm.folder(tmp, "mistral-frame", 16384, IcrGoldenTest.MISTRAL_V02), 202);
  }

  @Test
  void llamaSentencePieceInAChatTemplateFrame() throws Exception {
    sameSpans(TinyLlm.folder(tmp, "zephyr-frame", 16384, TinyLlm.ZEPHYR), 202);
  }

  @Test
  void tokenizerJson() throws Exception {
    Path dir = TinyLlm.folder(tmp, "json-tokenizer", 16384, TinyLlm.ZEPHYR);
    Files.delete(dir.resolve("tokenizer.model"));
    try (InputStream in = IcrSpansTest.class.getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
    sameSpans(dir, 101);
  }
}
