package io.trawl.rerank.setwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.PyRandom;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.model.Golden;
import io.trawl.rerank.Cost;
import io.trawl.rerank.TinyT5;
import io.trawl.rerank.listwise.LocalT5;
import io.trawl.rerank.llm.TinyLlm;
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Setwise's {@code num-permutation} (llm-rankers' {@code num_permutation} voting on its T5
 * generation path) against llm-rankers' own {@code compare} / {@code heapify} / {@code heapSort} /
 * {@code rerank} code run by {@code src/test/python/setwise_permutation_golden.py} on the tiny T5
 * v1.1 with transformers, Python's {@code random} seeded 929 before the query: for heapsort and
 * bubble sort with (num-child, k, num-permutation) = (3, 3, 3) and (2, 9, 2), every comparison in
 * order (the sets of one passage included, whose draws count): each permutation's prompt text (the
 * shuffled passages and labels), its ids, the generated tokens, the winner; then the final order,
 * the comparison count and the cost of a whole rerank.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetwisePermutationTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/trawl/rerank/setwise/setwise-permutation-golden.json");

  private Path t5;
  private Path llama;
  private JsonNode golden;

  @BeforeAll
  void setUp(@TempDir Path tmp) throws Exception {
    t5 = TinyT5.folder(tmp, "t5-v1_1-tiny");
    llama = TinyLlm.chatModel(tmp);
    golden = Golden.json(GOLDEN);
  }

  private SetwiseReranker open(JsonNode c) {
    return (SetwiseReranker) Rerankers.registry().create(Spec.parse("setwise(model=\"" + t5 + "\",method="
        + c.path("method").asText() + ",num-child=" + c.path("num_child").asInt() + ",k=" + c.path("k").asInt()
        + ",scoring=generation,num-permutation=" + c.path("num_permutation").asInt() + ",query-tokens="
        + golden.path("query_tokens").asInt() + ",passage-tokens=" + golden.path("passage_tokens").asInt()
        + ",threads=1)"));
  }

  private RankedList list() {
    return io.trawl.rerank.GoldenCandidates.list(golden.path("docs"), 100);
  }

  @Test
  void everyComparisonAsLlmRankers() {
    int eos = 1; // t5-v1_1-tiny's config
    for (JsonNode c : golden.path("cases")) {
      String name = c.path("method").asText() + " " + c.path("num_child") + "/" + c.path("k") + "/"
          + c.path("num_permutation");
      try (SetwiseReranker r = open(c)) {
        assertArrayEquals(Golden.ints(golden.path("decoder_prefix")), r.decoderPrefix());
        String q = r.truncate(golden.path("query").asText(), golden.path("query_tokens").asInt());
        List<String> texts = new ArrayList<>();
        golden.path("docs").forEach(d -> texts.add(r.truncate(d.path("text").asText(),
            golden.path("passage_tokens").asInt())));
        PyRandom rnd = new PyRandom(SetwiseReranker.PERMUTATION_SEED);
        int k = 0;
        for (JsonNode call : c.path("compares")) {
          String what = name + ", comparison " + k++ + " of " + call.path("docs");
          int[] set = Golden.ints(call.path("docs"));
          if (set.length < 2) {
            if (set.length == 1) {
              r.skipOnePassage(rnd);
            } // an empty set: llm-rankers prompts it without drawing; Trawl sends nothing
            assertEquals(call.path("next_uint32").asLong(), rnd.copy().getrandbits(32), what + ": the draws");
            continue;
          }
          List<String> passages = new ArrayList<>();
          for (int i : set) {
            passages.add(texts.get(i));
          }
          SetwiseReranker.Vote v = r.vote(null, q, passages, rnd);
          List<String> users = new ArrayList<>();
          call.path("users").forEach(u -> users.add(u.asText()));
          assertEquals(users, v.users(), what);
          for (int p = 0; p < users.size(); p++) {
            assertArrayEquals(Golden.ints(call.path("input_ids").get(p)), v.prompts().get(p), what + ", prompt " + p);
            int[] gen = Golden.ints(call.path("generated_ids").get(p));
            int end = 0;
            while (end < gen.length && gen[end] != eos) {
              end++;
            }
            assertArrayEquals(Arrays.copyOf(gen, end), v.answers()[p].tokens(), what + ", prompt " + p);
          }
          String answer = call.path("answer").asText();
          int expected = SetwiseReranker.LABELS.contains(answer) ? SetwiseReranker.LABELS.indexOf(answer) : 0;
          assertEquals(expected, v.choice().index(), what + ": " + answer);
          assertEquals(answer.equals("Unexpected voting."), v.choice().wrongFormat(), what);
          assertEquals(call.path("next_uint32").asLong(), rnd.copy().getrandbits(32), what + ": the draws");
        }
      }
    }
  }

  @Test
  void finalOrderComparisonsAndCost() {
    for (JsonNode c : golden.path("cases")) {
      String name = c.path("method").asText() + " " + c.path("num_child") + "/" + c.path("k");
      try (SetwiseReranker r = open(c)) {
        for (int run = 0; run < 2; run++) { // a second query starts from the seed again
          RankedList out = r.rerank(new Query("q" + run, golden.path("query").asText()), list());
          List<String> expected = new ArrayList<>();
          c.path("order").forEach(n -> expected.add(n.asText()));
          assertEquals(expected, out.candidates().stream().map(Candidate::docId).toList(), name);
          long sets = 0;
          long prompts = 0;
          for (JsonNode call : c.path("compares")) {
            if (call.path("docs").size() >= 2) {
              sets++;
              prompts += call.path("users").size();
            }
          }
          assertEquals(sets * (run + 1), r.compares(), name);
          Cost.Counts cost = r.cost().of("q" + run);
          assertEquals(prompts, cost.prefills(), name + ": one pass per permutation");
        }
      }
    }
  }

  @Test
  void votes() {
    PyRandom a = new PyRandom(929);
    PyRandom b = new PyRandom(929);
    assertEquals(-1, SetwiseReranker.tally(List.of(), a));
    assertEquals(2, SetwiseReranker.tally(List.of(2, 0, 2), a), "most votes");
    assertEquals(b.getrandbits(32), a.getrandbits(32), "no draw without a tie");
    int tie = SetwiseReranker.tally(List.of(1, 0, 0, 1, 2), a);
    assertEquals(new PyRandom(929).choice(List.of(1, 0)), tie, "a tie: random.choice in first-vote order");
  }

  @Test
  void onlyOnTheT5GenerationPath() {
    TrawlException e = assertThrows(TrawlException.class, () -> new SetwiseReranker(new Params(Map.of("model",
        llama.toString(), "scoring", "generation", "num-permutation", "3"))));
    assertTrue(e.getMessage().contains("num-permutation=3 is llm-rankers' T5 path"), e.getMessage());
    assertEquals(2, e.exitCode());
    e = assertThrows(TrawlException.class, () -> new SetwiseReranker(new Params(Map.of("model", t5.toString(),
        "num-permutation", "2"))));
    assertTrue(e.getMessage().contains("scoring=likelihood"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> new SetwiseReranker(new Params(Map.of("model", t5.toString(),
        "scoring", "generation", "num-permutation", "0"))));
    assertTrue(e.getMessage().contains("num-permutation must be >= 1"), e.getMessage());
    try (SetwiseReranker r = (SetwiseReranker) Rerankers.registry().create(Spec.parse("setwise(model=\"" + t5
        + "\",scoring=generation,threads=1)"))) {
      assertEquals("setwise(model=" + t5 + ",method=heapsort,num-child=3,k=10,scoring=generation,num-permutation=1,"
          + "query-tokens=128,passage-tokens=128,device=cpu,dtype=float32)", r.spec());
    }
    try (SetwiseReranker r = (SetwiseReranker) Rerankers.registry().create(Spec.parse("setwise(model=\"" + t5
        + "\",threads=1)"))) {
      assertTrue(!r.spec().contains("num-permutation"), "decides nothing for likelihood: " + r.spec());
    }
    assertTrue(LocalT5.isT5(t5));
  }
}
