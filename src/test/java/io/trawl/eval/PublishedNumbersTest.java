package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.io.RunReader;
import io.trawl.io.RunTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Published numbers (PROVENANCE.md) and Anserini's trec_eval 10.0 output, through the library. */
class PublishedNumbersTest {

  private static String fmt(double v) {
    return EvalResult.formatValue(v, false).strip();
  }

  @ParameterizedTest(name = "{0} {1}: nDCG@10 {2}, R@100 (-l 2) {3}")
  @CsvSource({
      "19, trec_results_dl19.txt, 0.5058, 0.4910",
      "20, trec_results_dl20.txt, 0.4796, 0.5599",
      "19, other-retrievers/SPLADE_P_P_ENSEMBLE_DISTIL/trec_results_dl19.txt, 0.7308, -",
      "20, other-retrievers/SPLADE_P_P_ENSEMBLE_DISTIL/trec_results_dl20.txt, 0.7197, -",
      "19, other-retrievers/BM25_RM3/trec_results_dl19.txt, 0.5216, -",
      "20, other-retrievers/BM25_RM3/trec_results_dl20.txt, 0.4896, -",
      "19, other-retrievers/OPEN_AI_ADA2/trec_results_dl19.txt, 0.7035, -",
      "20, other-retrievers/OPEN_AI_ADA2/trec_results_dl20.txt, 0.6759, -",
      "19, other-retrievers/D_BERT_KD_TASB/trec_results_dl19.txt, 0.7210, -",
      "20, other-retrievers/D_BERT_KD_TASB/trec_results_dl20.txt, 0.6854, -"})
  void dl19dl20(int year, String run, String ndcg10, String r100) {
    Path dir = SharedData.dir("dl19-dl20-bm25-top100-rankllm");
    Qrels qrels = Qrels.read(dir.resolve("qrels.dl" + year + "-passage.txt").toString());
    RunTable r = RunReader.read(dir.resolve(run).toString(), RunReader.Mode.STRICT);
    EvalOptions c = EvalOptions.defaults().withComplete(true);
    EvalResult a = Evaluator.evaluate(qrels, r, Measure.parseAll(List.of("ndcg_cut.10", "nDCG@10")), c);
    assertEquals(ndcg10, fmt(a.summary("ndcg_cut_10")));
    assertEquals(ndcg10, fmt(a.summary("nDCG@10")));
    if (!r100.equals("-")) {
      EvalResult b = Evaluator.evaluate(qrels, r, Measure.parseAll(List.of("recall.100")),
          c.withRelevanceLevel(2));
      assertEquals(r100, fmt(b.summary("recall_100")));
      EvalResult d = Evaluator.evaluate(qrels, r, Measure.parseAll(List.of("R(rel=2)@100")), c);
      assertEquals(r100, fmt(d.summary("R(rel=2)@100")));
    }
  }

  @Test
  void sciFactMatchesTrecEval10() throws Exception {
    Path dir = SharedData.dir("anserini-reference-runs");
    Qrels qrels = Qrels.read(dir.resolve("../beir-scifact/qrels.test.txt").toString());
    List<String> lines = Files.readAllLines(dir.resolve("scifact.trec_eval-10.0.txt"));
    String current = null;
    StringBuilder expected = new StringBuilder();
    int runs = 0;
    for (String line : lines.subList(0, lines.size())) {
      if (line.startsWith("== eval.")) {
        if (current != null) {
          check(dir, qrels, current, expected.toString());
          runs++;
        }
        current = line.substring("== eval.".length(), line.length() - ".txt".length());
        expected.setLength(0);
      } else {
        expected.append(line).append('\n');
      }
    }
    check(dir, qrels, current, expected.toString());
    runs++;
    assertEquals(6, runs);
  }

  private static void check(Path dir, Qrels qrels, String name, String expected) {
    RunTable run = RunReader.read(dir.resolve("run.scifact." + name + ".txt.gz").toString(), RunReader.Mode.STRICT);
    EvalResult r = Evaluator.evaluate(qrels, run, Measure.parseAll(List.of("map", "ndcg_cut.10",
        "recall.100,1000", "recip_rank", "P.10,30")), EvalOptions.defaults().withComplete(true));
    assertEquals(expected, r.toTrecEval(false, true), name);
  }
}
