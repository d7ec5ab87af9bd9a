package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.ListwisePrompts;
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local LLM rerankers on the tiny Llama: FIRST follows the identifier logits, ICR's shared-prefix
 * KV reuse equals two whole passes, and bad inputs fail clearly. (Complete DL19 runs through
 * {@code trawl rerank}: {@code io.trawl.cli.LlmRerankCommandTest}.)
 */
class LlmRerankersTest {
  @TempDir static Path tmp;
  static Path model;
  static TinyLlm.Topics topics;

  @BeforeAll
  static void setUp() throws Exception {
    io.trawl.model.llm.SingleThreaded.enter();
    model = TinyLlm.folder(tmp, "tiny-chat", 16384);
    topics = TinyLlm.dl19(2);
  }

  @org.junit.jupiter.api.AfterAll
  static void restore() {
    io.trawl.model.llm.SingleThreaded.exit();
  }

  static void assertComplete(RankedList in, RankedList out) {
    assertEquals(in.size(), out.size());
    assertTrue(out.isMonotone(), "scores must not increase");
    assertEquals(new HashSet<>(in.candidates().stream().map(Candidate::docId).toList()),
        new HashSet<>(out.candidates().stream().map(Candidate::docId).toList()));
    for (int i = 1; i < out.size(); i++) {
      assertTrue(out.get(i).score() < out.get(i - 1).score() || in.get(i).score() == in.get(i - 1).score()
          || out.get(i).score() == in.get(i).score());
    }
  }

  static Reranker create(String spec) {
    return Rerankers.registry().create(Spec.parse(spec));
  }

  @Test
  void firstRanksTheWindowByIdentifierLogits() throws Exception {
    try (Reranker r = create("first(model=\"" + model + "\",batch=2,words=40)")) {
      // one window of 5: the order must follow the logits of "A".."E" after the opened assistant
      // turn + "[" (ftfy-fixed text, BOS first), letters outside the 30 most likely tokens last
      Query q = topics.queries().get(0);
      assertEquals(0, r.rerank(q, RankedList.empty(q.id())).size(), "empty in, empty out");
      RankedList five = topics.lists().get(0).top(5);
      List<String> got = r.rerank(q, five).candidates().stream().map(Candidate::docId).toList();
      try (LlmRuntime rt = LlmRuntime.load(model, ComputeOptions.DEFAULT, null);
          NDManager m = rt.model().manager().newSubManager()) {
        int words = io.trawl.rerank.listwise.Passages.wordLimit(40, 20, 5);
        List<String> passages = five.candidates().stream()
            .map(c -> io.trawl.rerank.listwise.Passages.format(null, c.text(), words)).toList();
        String text = ListwisePrompts.modelText(ListwisePrompts.Template.FIRST,
            rt.render(ListwisePrompts.first(q.text(), passages), true));
        assertTrue(text.endsWith("<|assistant|>\n["), text);
        int[] ids = rt.encodeWithSpecialTokens(text);
        assertEquals(1, ids[0], "BOS");
        long[][] batch = {IntStream.of(ids).asLongStream().toArray()};
        float[] logits = rt.model().forward(batch, null, rt.model().newCache(m, 1), null, false, m).toFloatArray();
        int[] letters = {29909, 29933, 29907, 29928, 29923}; // "A".."E" in the Llama-2 vocabulary
        for (int i = 0; i < 5; i++) {
          assertEquals(letters[i], rt.tokenizer().pieceId(String.valueOf((char) ('A' + i))));
        }
        float[] sorted = logits.clone();
        java.util.Arrays.sort(sorted);
        float top30 = sorted[sorted.length - 30];
        List<Integer> in = IntStream.range(0, 5).boxed().filter(i -> logits[letters[i]] >= top30)
            .sorted(Comparator.comparingDouble(i -> -logits[letters[i]])).toList();
        List<String> expected = new java.util.ArrayList<>(in.stream().map(i -> five.get(i).docId()).toList());
        IntStream.range(0, 5).filter(i -> !in.contains(i)).forEach(i -> expected.add(five.get(i).docId()));
        assertEquals(expected, got);
      }
    }
  }

  @Test
  void icrCacheReuseEqualsFullPasses() throws Exception {
    try (io.trawl.rerank.icr.IcrReranker r = new io.trawl.rerank.icr.IcrReranker(
        new Params(Map.of("model", model.toString(), "depth", "12", "chunk", "64")))) {
      assertEquals(0, r.rerank(topics.queries().get(1), RankedList.empty("x")).size());
      double[] reused = io.trawl.rerank.icr.IcrAccess.score(r, topics.queries().get(1), topics.lists().get(1).top(12), true);
      double[] full = io.trawl.rerank.icr.IcrAccess.score(r, topics.queries().get(1), topics.lists().get(1).top(12), false);
      double scale = java.util.Arrays.stream(full).map(Math::abs).max().orElse(1);
      for (int i = 0; i < full.length; i++) {
        assertEquals(full[i], reused[i], 1e-4 * scale + 1e-7, "doc " + i);
      }
      assertTrue(scale > 0);
    }
  }

  @Test
  void promptLongerThanContextSaysByHowMuchAndWhatToChange() throws Exception {
    Path small = TinyLlm.folder(tmp, "tiny-512", 512);
    try (Reranker r = create("rankgpt(backend=local,model=\"" + small + "\")")) {
      TrawlException e = assertThrows(TrawlException.class,
          () -> r.rerank(topics.queries().get(0), topics.lists().get(0)));
      assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
      assertTrue(e.getMessage().matches("(?s).*is 512: \\d+ tokens too many; lower window=.*words=.*"), e.getMessage());
    }
    try (Reranker r = create("icr(model=\"" + small + "\")")) {
      TrawlException e = assertThrows(TrawlException.class,
          () -> r.rerank(topics.queries().get(0), topics.lists().get(0)));
      assertTrue(e.getMessage().contains("tokens too many; lower depth="), e.getMessage());
    }
    // full-list listwise: one prompt over the whole list, an error (never a cut) when it cannot fit
    for (String name : new String[] {"rankgpt(backend=local,", "first("}) {
      // FIRST labels passages A-Z: a whole list of at most 26
      try (Reranker r = create(name + "model=\"" + small + "\",window=all,depth=20)")) {
        assertTrue(r.spec().contains("window=20,stride=20,depth=20"), r.spec());
        TrawlException e = assertThrows(TrawlException.class,
            () -> r.rerank(topics.queries().get(0), topics.lists().get(0)));
        assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("tokens too many"), e.getMessage());
      }
    }
  }

  @Test
  void unsupportedArchitectureAndMissingTemplate() throws Exception {
    Path bad = TinyLlm.folder(tmp, "gpt2", 512);
    String cfg = Files.readString(bad.resolve("config.json"))
        .replace("\"model_type\":\"llama\"", "\"model_type\":\"gpt2\"");
    Files.writeString(bad.resolve("config.json"), cfg);
    TrawlException e = assertThrows(TrawlException.class, () -> create("first(model=\"" + bad + "\")"));
    assertTrue(e.getMessage().contains("unknown model_type 'gpt2'") && e.getMessage().contains("llama"),
        e.getMessage());
    Path noTemplate = TinyLlm.folder(tmp, "no-template", 512);
    Files.writeString(noTemplate.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
    TrawlException e2 = assertThrows(TrawlException.class, () -> create("icr(model=\"" + noTemplate + "\")"));
    assertTrue(e2.getMessage().contains("no chat template"), e2.getMessage());
  }
}
