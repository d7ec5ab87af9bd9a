package io.trawl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Registry;
import io.trawl.core.TrawlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineTest {
  private static final Registry<Object> RETRIEVERS = new Registry<>("retriever")
      .register("bm25", p -> new Object()).register("qld", p -> new Object());
  private static final Registry<Object> RERANKERS = new Registry<>("reranker")
      .register("monot5", p -> new Object()).register("first", p -> new Object());

  @Test
  void splitsStagesAndPrintsCanonically() {
    Pipeline p = Pipeline.parse("bm25(k1=0.9, b=0.4) @1000>>monot5(model=/m/t5)@100 >>  first(model=\"/a b\")@20");
    assertEquals(3, p.stages().size());
    assertEquals("bm25", p.source().name());
    assertEquals(1000, p.source().cutoff());
    assertEquals("first", p.rerankers().get(1).name());
    assertEquals("bm25(k1=0.9,b=0.4)@1000 >> monot5(model=/m/t5)@100 >> first(model=\"/a b\")@20", p.toString());
    assertFalse(p.sourceIsFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bm25", "bm25(k1=0.9,b=0.4)@1000", "bm25@1000 >> monot5(model=\"x >> y\")@100",
      "run(file=/data/run.dl19.txt)@100 >> monot5(model=/m)@10",
      "candidates(file=\"/a,b/c.json\") >> first(model=/m,window=20)@20"})
  void roundTrips(String text) {
    Pipeline p = Pipeline.parse(text);
    assertEquals(text, p.toString());
    assertEquals(p, Pipeline.parse(p.toString()));
  }

  @Test
  void doubleArrowInsideQuotesDoesNotSplit() {
    Pipeline p = Pipeline.parse("bm25 >> monot5(model=\"a>>b\")");
    assertEquals(2, p.stages().size());
    assertEquals("a>>b", p.stages().get(1).params().get("model"));
  }

  @Test
  void errorsNameTheColumnInTheWholeString() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> Pipeline.parse("bm25@1000 >> monot5(model=x"));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("at column 28: expected ')' at end"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25@1000 >> >> monot5"));
    assertTrue(e.getMessage().contains("empty stage"), e.getMessage());
    assertTrue(e.getMessage().contains("column 13"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25@1000 >>"));
    assertTrue(e.getMessage().contains("empty stage after"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25@x"));
    assertTrue(e.getMessage().contains("column 6"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25 >> monot5(model=\"x)"));
    assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
  }

  @Test
  void checksNamesAgainstRegistries() {
    Pipeline.parse("bm25@100 >> monot5 >> first").check(RETRIEVERS, RERANKERS);
    Pipeline.parse("run(file=/x)@100 >> monot5").check(RETRIEVERS, RERANKERS);
    TrawlException e = assertThrows(TrawlException.class,
        () -> Pipeline.parse("bm25 >> monot6").check(RETRIEVERS, RERANKERS));
    assertEquals("unknown reranker (stage 2) 'monot6' (did you mean 'monot5'?); valid: first, monot5",
        e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm52").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("valid: bm25, candidates, qld, run"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("monot5").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("is a reranker"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25 >> qld").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("cannot follow"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("run@100").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("missing parameter 'file'"), e.getMessage());
  }
}
