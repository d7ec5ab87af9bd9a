package io.trawl.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import org.junit.jupiter.api.Test;

class RegressionSpecsTest {
  static final String GOOD = """
      name: demo
      description: A demo.
      corpus:
        format: beir
        path: beir-scifact/corpus.jsonl
        stats: {documents: 5183, unique_terms: 28865, total_terms: 838128}
      index:
        name: demo-flat
        options: {layout: flat}
      topics:
        - name: test
          topics: beir-scifact/topics.test.tsv
          qrels: beir-scifact/qrels.test.txt
      measures:
        - measure: nDCG@10
          options: -c
        - measure: R@100
          options: -c
      runs:
        - name: bm25
          pipeline: bm25(k1=0.9,b=0.4)@1000
          expected:
            test: {nDCG@10: 0.6789, R@100: 0.9253}
        - name: mono
          pipeline: bm25@100 >> monot5(model=${models}/monot5-base)@100
          tolerance: 0.01
          requires: {gpu: true, models: [monot5-base]}
          expected:
            test: {nDCG@10: 0.7}
      """;

  static InputException bad(String text) {
    return assertThrows(InputException.class, () -> RegressionSpecs.parse("regressions/demo.yaml", text));
  }

  @Test
  void bindsAGoodSpec() {
    RegressionSpec s = RegressionSpecs.parse("regressions/demo.yaml", GOOD);
    assertEquals("demo", s.name().value());
    assertEquals(5183L, s.corpus().stats().documents());
    assertEquals(28865L, s.corpus().stats().uniqueTerms());
    assertEquals("flat", s.index().options().get("layout"));
    assertEquals(2, s.runs().size());
    assertEquals(0.6789, s.runs().get(0).expected().get("test").get("nDCG@10"));
    assertEquals(21, s.runs().get(0).pipeline().line());
    assertTrue(s.runs().get(1).requires().gpu());
    assertEquals("gpu and model folder monot5-base", s.runs().get(1).requires().describe());
    assertEquals(0.01, s.toleranceOf(s.runs().get(1)));
    assertEquals(null, s.toleranceOf(s.runs().get(0)));
  }

  @Test
  void unknownFieldNamesFileLineAndKnownFields() {
    InputException e = bad(GOOD.replace("    pipeline: bm25(k1", "    pipline: bm25(k1"));
    assertEquals("regressions/demo.yaml", e.file());
    assertEquals(21, e.line());
    assertTrue(e.getMessage().startsWith("regressions/demo.yaml:21:5: "), e.getMessage());
    assertTrue(e.getMessage().contains("unknown field 'pipline'"), e.getMessage());
    assertTrue(e.getMessage().contains("known: description, expected, name, pipeline, requires, tolerance"),
        e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void wrongTypeNamesTheField() {
    InputException e = bad(GOOD.replace("documents: 5183", "documents: many"));
    assertEquals(6, e.line());
    assertEquals("regressions/demo.yaml:6:22: wrong type for 'corpus.stats.documents': expected an integer, got 'many'",
        e.getMessage());
    e = bad(GOOD.replace("test: {nDCG@10: 0.6789", "test: {nDCG@10: high"));
    assertEquals(23, e.line());
    e = bad(GOOD.replace("gpu: true", "gpu: [1]"));
    assertTrue(e.getMessage().contains("runs[1].requires.gpu"), e.getMessage());
  }

  @Test
  void malformedPipelineNamesLineAndColumn() {
    InputException e = bad(GOOD.replace("bm25(k1=0.9,b=0.4)@1000", "bm25(k1=0.9,b=0.4@1000"));
    assertEquals(21, e.line());
    assertTrue(e.getMessage().contains("invalid pipeline"), e.getMessage());
    assertTrue(e.getMessage().contains("column"), e.getMessage());
  }

  @Test
  void crossChecks() {
    assertTrue(bad(GOOD.replace("test: {nDCG@10: 0.7}", "dev: {nDCG@10: 0.7}")).getMessage()
        .contains("topic set 'dev', which is not declared"));
    assertTrue(bad(GOOD.replace("test: {nDCG@10: 0.7}", "test: {MAP: 0.7}")).getMessage()
        .contains("measure 'MAP', which is not declared"));
    assertTrue(bad(GOOD.replace("name: demo\n", "name: other\n")).getMessage()
        .contains("does not match the file name"));
    assertTrue(bad(GOOD.replace("options: -c\n  - measure: R@100", "options: -c -x\n  - measure: R@100"))
        .getMessage().contains("unknown trec_eval option '-x'"));
    assertTrue(bad(GOOD.replace("name: mono", "name: bm25")).getMessage().contains("declared twice"));
    assertTrue(bad(GOOD.replace("${models}", "${model}")).getMessage().contains("unknown variable"));
    InputException e = bad(GOOD.replace("description: A demo.\n", "description: A demo.\ndescription: again\n"));
    assertTrue(e.getMessage().contains("description"), e.getMessage());
    assertTrue(bad("name: demo\n").getMessage().contains("missing required field"));
    assertTrue(bad("name: 'demo\n").getMessage().contains("not valid YAML"));
  }
}
