package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecTest {
  @Test
  void parsesNameParamsAndCutoff() {
    Spec s = Spec.parse("bm25(k1=0.9,b=0.4)@1000");
    assertEquals("bm25", s.name());
    assertEquals(Map.of("k1", "0.9", "b", "0.4"), s.params());
    assertEquals(1000, s.cutoff());
  }

  @Test
  void bareName() {
    Spec s = Spec.parse("nDCG");
    assertEquals("nDCG", s.name());
    assertTrue(s.params().isEmpty());
    assertNull(s.cutoff());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bm25(k1=0.9,b=0.4)@1000", "nDCG@10", "RR(rel=2)@10", "monot5(model=/tmp/m-1/x.y)@100",
      "monot5(model=\"/a b/c,d\")", "x(a=\"q\\\"uote\")", "AP"})
  void roundTrips(String text) {
    Spec s = Spec.parse(text);
    assertEquals(s, Spec.parse(s.toString()));
    assertEquals(text, s.toString());
  }

  @Test
  void toleratesSpaces() {
    assertEquals("bm25(k1=0.9,b=0.4)@10", Spec.parse(" bm25( k1 = 0.9 , b=0.4 ) @ 10 ").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bm25(", "bm25(k1)", "bm25(k1=)", "bm25@", "bm25@0", "bm25)x",
      "bm25(k1=1,k1=2)", "a(b=\"unterminated)"})
  void rejectsMalformed(String text) {
    TrawlException e = assertThrows(TrawlException.class, () -> Spec.parse(text));
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
    assertTrue(e.getMessage().contains("column"), e.getMessage());
  }

  @Test
  void paramsRejectUnknownKeys() {
    Params p = Spec.parse("monot5(modle=x)").paramsView();
    p.getString("model", null);
    TrawlException e = assertThrows(TrawlException.class,
        () -> p.requireEmpty("monot5", "model", "batch"));
    assertEquals("unknown parameter 'modle' for monot5; known: model, batch", e.getMessage());
  }

  @Test
  void registrySuggestsClosestName() {
    Registry<String> r = new Registry<String>("reranker")
        .register("monot5", p -> "m").register("rankgpt", p -> "r");
    TrawlException e = assertThrows(TrawlException.class, () -> r.create("monot", Params.empty()));
    assertTrue(e.getMessage().contains("did you mean 'monot5'"), e.getMessage());
    assertTrue(e.getMessage().contains("valid: monot5, rankgpt"), e.getMessage());
  }
}
