package io.trawl.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.rerank.registry.Rerankers;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every registered reranker has a {@link RerankerContractTest}: a new one cannot skip it. */
class RerankerContractsCoverTheRegistryTest {
  /** The contract test classes, by name (a new reranker adds its own here). */
  static final List<String> CONTRACT_TESTS = List.of(
      "io.trawl.rerank.MonoT5RerankerContractTest",
      "io.trawl.rerank.DuoT5RerankerContractTest",
      "io.trawl.rerank.EmbedRerankerContractTest",
      "io.trawl.rerank.listwise.RankGptRerankerContractTest",
      "io.trawl.rerank.listwise.RankGptOpenAiContractTest",
      "io.trawl.rerank.listwise.FirstRerankerContractTest",
      "io.trawl.rerank.icr.IcrRerankerContractTest",
      "io.trawl.rerank.pointwise.YesNoRerankerContractTest",
      "io.trawl.rerank.pointwise.QlmRerankerContractTest",
      "io.trawl.rerank.pointwise.FineGrainedRerankerContractTest",
      "io.trawl.rerank.pairwise.PrpRerankerContractTest",
      "io.trawl.rerank.setwise.SetwiseRerankerContractTest",
      "io.trawl.rerank.setwise.SetwiseT5ContractTest",
      "io.trawl.rerank.setwise.SetwiseReasoningContractTest");

  @Test
  void everyRegisteredRerankerHasAContractTest() throws Exception {
    Set<String> covered = new TreeSet<>();
    for (String name : CONTRACT_TESTS) {
      Class<?> c = Class.forName(name);
      assertEquals(RerankerContractTest.class, c.getSuperclass(), name);
      var ctor = c.getDeclaredConstructor();
      ctor.setAccessible(true);
      covered.add(((RerankerContractTest) ctor.newInstance()).name());
    }
    assertEquals(new TreeSet<>(Rerankers.registry().names()), covered);
  }
}
