package io.trawl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Registry;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import java.util.List;
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
  void fuseOfSubPipelines() {
    Pipeline p = Pipeline.parse("fuse( rrf(k=60) , bm25@1000 >> monot5@100, dense(index=\"a,b)\")@1000 )@50"
        + " >> first@20");
    assertEquals(2, p.stages().size());
    Spec f = p.source();
    assertTrue(Pipeline.isFuse(f));
    assertEquals(Spec.parse("rrf(k=60)"), Pipeline.fuseMethod(f));
    assertEquals(List.of(Pipeline.parse("bm25@1000 >> monot5@100"), Pipeline.parse("dense(index=\"a,b)\")@1000")),
        Pipeline.fuseInputs(f));
    assertEquals(50, f.cutoff());
    assertEquals("fuse(rrf(k=60),bm25@1000>>monot5@100,dense(index=\"a,b)\")@1000)@50>>first@20", p.tag());
    assertEquals(p, Pipeline.parse(p.tag()));
    assertEquals(p, Pipeline.parse(p.toString()));
    p.check(RETRIEVERS, RERANKERS);
    // nested fusion
    Pipeline nested = Pipeline.parse("fuse(combsum, fuse(rrf, bm25, qld), run(file=x))");
    assertEquals(nested, Pipeline.parse(nested.tag()));
    nested.check(RETRIEVERS, RERANKERS);
    // errors name the column
    TrawlException e = assertThrows(TrawlException.class, () -> Pipeline.parse("fuse(rrf, bm25"));
    assertTrue(e.getMessage().contains("not closed"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("fuse(rrf, bm25)"));
    assertTrue(e.getMessage().contains("at column 6: fuse needs a method and at least two pipelines"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("fuse(rrf, bm25, )"));
    assertTrue(e.getMessage().contains("at column 16: empty argument"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("fuse(rrf, bm25, qld >> )"));
    assertTrue(e.getMessage().contains("at column 23: empty stage after '>>'"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("fuse(rrf, bm25, qld)x"));
    assertTrue(e.getMessage().contains("expected '@k'"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> Pipeline.parse("fuse(rrf, bm25, monot5)").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("is a reranker"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> Pipeline.parse("dense(model=x)").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("missing parameter 'index'"), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> Pipeline.parse("dense(index=x,k=3)").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("unknown parameter 'k' for dense; known: index, encoder, max-length, exact, ef"),
        e.getMessage());
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
    assertTrue(e.getMessage().contains("valid: bm25, candidates, dense, fuse, qld, run"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("monot5").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("is a reranker"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("bm25 >> qld").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("cannot follow"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> Pipeline.parse("run@100").check(RETRIEVERS, RERANKERS));
    assertTrue(e.getMessage().contains("missing parameter 'file'"), e.getMessage());
  }
}
