package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.io.RunReader;
import io.trawl.io.RunTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tie handling, -c, -l, -M, -J and duplicates, on Anserini's sample runs (run_same_scores,
 * run_mixed_scores, run1, run3) with qrels written here; expected values computed by hand. The
 * runs lack query3 of these qrels, which trec_eval 10.0 refuses without -c; {@link #BOTH} evaluates
 * the queries in both, as 9.0.x did, where a test is about something else.
 */
class TrecEvalSemanticsTest {
  /** The queries in both run and qrels (9.0.x's loop). */
  static final EvalOptions BOTH = EvalOptions.defaults().withVersion(EvalOptions.TrecEvalVersion.V9);

  @TempDir Path tmp;
  Qrels qrels;

  @BeforeEach
  void qrels() throws IOException {
    Path q = tmp.resolve("qrels.txt");
    Files.writeString(q, """
        query1 0 doc1 1
        query1 0 doc2 0
        query1 0 doc4 2
        query2 0 doc3 1
        query2 0 doc9 1
        query3 0 doc1 1
        """);
    qrels = Qrels.read(q.toString());
  }

  private static String sample(String name) {
    return SharedData.dir("anserini-test-samples").resolve("sample_runs").resolve(name).toString();
  }

  private EvalResult eval(String run, EvalOptions o, String... measures) {
    return Evaluator.evaluate(qrels, RunReader.read(run, RunReader.Mode.STRICT), Measure.parseAll(List.of(measures)), o);
  }

  @Test
  void tiesBreakByDocnoDescendingNotFileOrder() {
    // query1: doc1, doc2, doc3 all 5.0 -> trec_eval ranks doc3, doc2, doc1; doc1 (rel) is 3rd
    EvalResult r = eval(sample("run_same_scores"), BOTH, "recip_rank", "map",
        "ndcg_cut.3", "Judged@3");
    Map<String, Double> rr = r.perQueryMap("recip_rank");
    assertEquals(1.0 / 3, rr.get("query1"), 1e-12);
    assertEquals(0.0, rr.get("query2"), 1e-12);
    assertEquals((1.0 / 3) / 2, r.perQueryMap("map").get("query1"), 1e-12);
    double idcg = 2 + 1 / (Math.log(3) / Math.log(2));
    assertEquals(0.5 / idcg, r.perQueryMap("ndcg_cut_3").get("query1"), 1e-12);
    assertEquals(2.0 / 3, r.perQueryMap("Judged@3").get("query1"), 1e-12);
    // 9.0.x averages the queries in both run and qrels without -c
    assertEquals(List.of("query1", "query2"), r.queryIds());
    assertEquals((1.0 / 6) / 2, r.summary("map"), 1e-12);
  }

  @Test
  void trecEval10StopsOnAQrelsQueryTheRunLacks() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> eval(sample("run_same_scores"), EvalOptions.defaults(), "map"));
    assertEquals(Evaluator.EXIT_STOPPED, e.exitCode());
    assertTrue(e.getMessage().contains("query 'query3' is judged"), e.getMessage());
  }

  @Test
  void mixedScoresSortByScoreThenDocno() {
    EvalResult r = eval(sample("run_mixed_scores"), BOTH, "recip_rank");
    assertEquals(1.0 / 3, r.perQueryMap("recip_rank").get("query1"), 1e-12);
    // query2: doc1 7, doc2 6, doc3 5 -> doc3 (rel) third by score
    assertEquals(1.0 / 3, r.perQueryMap("recip_rank").get("query2"), 1e-12);
  }

  @Test
  void rankColumnIsIgnored() {
    // run3 is run1 with lines shuffled and the same scores
    EvalResult a = eval(sample("run1"), BOTH, "all_trec");
    EvalResult b = eval(sample("run3"), BOTH, "all_trec");
    assertEquals(a.toTrecEval(true, true), b.toTrecEval(true, true));
  }

  @Test
  void completeAveragesOverEveryQrelsQuery() {
    EvalResult r = eval(sample("run_same_scores"), EvalOptions.defaults().withComplete(true),
        "map", "num_q", "num_rel");
    assertEquals(3, r.queryIds().size());
    assertEquals((1.0 / 6) / 3, r.summary("map"), 1e-12);
    assertEquals(3, r.summary("num_q"));
    assertEquals(5, r.summary("num_rel")); // 2 + 2 + 1 with query3, which the run lacks
    // 9.0.x prints no per-query lines for the missing query; 10.0 prints zeros
    String v9 = r.toTrecEval(true, false);
    assertTrue(v9.contains("query3"));
    EvalResult r9 = eval(sample("run_same_scores"), EvalOptions.defaults().withComplete(true)
        .withVersion(EvalOptions.TrecEvalVersion.V9), "map");
    assertTrue(!r9.toTrecEval(true, false).contains("query3"));
    assertEquals((1.0 / 6) / 3, r9.summary("map"), 1e-12);
  }

  @Test
  void relevanceLevelTwo() {
    EvalResult r = eval(sample("run_same_scores"), BOTH.withRelevanceLevel(2),
        "map", "num_rel", "ndcg_cut.3", "RR(rel=1)");
    assertEquals(0.0, r.perQueryMap("map").get("query1"), 1e-12);
    assertEquals(1.0, r.perQueryMap("num_rel").get("query1"), 1e-12);
    // nDCG uses raw grades whatever -l says
    double idcg = 2 + 1 / (Math.log(3) / Math.log(2));
    assertEquals(0.5 / idcg, r.perQueryMap("ndcg_cut_3").get("query1"), 1e-12);
    assertEquals(1.0 / 3, r.perQueryMap("RR(rel=1)").get("query1"), 1e-12);
  }

  @Test
  void maxDocsPerQueryCutsAfterSorting() {
    EvalResult r = eval(sample("run_same_scores"), BOTH.withMaxDocs(2),
        "recip_rank", "num_ret");
    assertEquals(0.0, r.perQueryMap("recip_rank").get("query1"), 1e-12);
    assertEquals(2.0, r.perQueryMap("num_ret").get("query1"), 1e-12);
    EvalResult rr10 = eval(sample("run_same_scores"), BOTH, "RR@2", "RR@3");
    assertEquals(0.0, rr10.perQueryMap("RR@2").get("query1"), 1e-12);
    assertEquals(1.0 / 3, rr10.perQueryMap("RR@3").get("query1"), 1e-12);
  }

  @Test
  void judgedOnlyDropsUnjudgedDocuments() {
    EvalResult r = eval(sample("run_same_scores"), BOTH.withJudgedOnly(true),
        "recip_rank", "num_ret");
    // doc3 is unjudged: doc2, doc1 remain, doc1 at rank 2
    assertEquals(0.5, r.perQueryMap("recip_rank").get("query1"), 1e-12);
    assertEquals(2.0, r.perQueryMap("num_ret").get("query1"), 1e-12);
  }

  @Test
  void duplicateDocnoIsAnErrorWithItsLine() throws IOException {
    Path run = tmp.resolve("dup.txt");
    Files.writeString(run, "query1 Q0 doc1 1 3.0 t\nquery1 Q0 doc2 2 2.0 t\nquery1 Q0 doc1 3 1.0 t\n");
    InputException e = assertThrows(InputException.class,
        () -> eval(run.toString(), BOTH, "map"));
    assertEquals(3, e.line());
    assertEquals(Evaluator.EXIT_STOPPED, e.exitCode()); // trec_eval: "Can't calculate measure", 4
    assertTrue(e.getMessage().contains("duplicate docno 'doc1'"), e.getMessage());
    // beyond -M the duplicate is not seen, as in trec_eval
    eval(run.toString(), BOTH.withMaxDocs(2), "map");
  }

  @Test
  void inMemoryRunEqualsFileRun() {
    Run run = RunReader.readRun(sample("run_mixed_scores"), RunReader.Mode.STRICT);
    assertEquals(List.of("doc3", "doc2", "doc1"),
        run.get("query1").candidates().stream().map(Candidate::docId).toList());
    EvalResult a = Evaluator.evaluate(qrels, run, Measure.parseAll(List.of("official")), BOTH);
    EvalResult b = eval(sample("run_mixed_scores"), BOTH, "official");
    assertEquals(b.toTrecEval(true, true), a.toTrecEval(true, true));
    Run one = new Run("t", Map.of("query1", new RankedList("query1",
        List.of(new Candidate("doc4", 2.0), new Candidate("doc1", 1.0)))));
    EvalResult c = Evaluator.evaluate(qrels, one, Measure.parseAll(List.of("map")), BOTH);
    assertEquals((1.0 + 1.0) / 2, c.summary("map"), 1e-12);
  }

  @Test
  void gzipAndCrlfAndBom() throws IOException {
    Path run = tmp.resolve("r.txt.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(run))) {
      out.write("\uFEFFquery1 Q0 doc4 1 3.0 t\r\nquery1 Q0 doc1 2 2.0 t\r\n".getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    }
    EvalResult r = eval(run.toString(), BOTH, "map");
    assertEquals(1.0, r.summary("map"), 1e-12);
  }

  @Test
  void scoresParseExactly() throws IOException {
    Path run = tmp.resolve("s.txt");
    // 0.1 + 0.2 style values and exponents must compare exactly as C's atof would
    Files.writeString(run, "query1 Q0 doc1 1 1e-3 t\nquery1 Q0 doc4 2 0.0010000000000000002 t\n"
        + "query1 Q0 doc2 3 -0.5 t\n");
    EvalResult r = eval(run.toString(), BOTH, "recip_rank");
    assertEquals(1.0, r.summary("recip_rank"), 1e-12); // doc4 has the larger score
  }

  @Test
  void sampleQrelsWithAnseriniSampleRun() {
    Path dir = SharedData.dir("anserini-test-samples");
    Qrels trec = Qrels.read(dir.resolve("sample_qrels/Trec").toString());
    RunTable run4 = RunReader.read(sample("run4"), RunReader.Mode.STRICT);
    EvalResult r = Evaluator.evaluate(trec, run4, Measure.parseAll(List.of("official")),
        EvalOptions.defaults());
    // query 2 has no judgments and is ignored; query 1 retrieves nothing judged
    assertEquals(List.of("1"), r.queryIds());
    assertEquals(2, r.summary("num_rel"));
    assertEquals(0, r.summary("num_rel_ret"));
    assertEquals(2, r.summary("num_ret"));
    assertEquals(0.0, r.summary("map"), 0.0);
  }

  @Test
  void maxDocsTenEqualsRrAtTen() {
    Path dir = SharedData.dir("dl19-dl20-bm25-top100-rankllm");
    Qrels q = Qrels.read(dir.resolve("qrels.dl19-passage.txt").toString());
    RunTable run = RunReader.read(dir.resolve("trec_results_dl19.txt").toString(), RunReader.Mode.STRICT);
    EvalOptions c = EvalOptions.defaults().withComplete(true);
    double m10 = Evaluator.evaluate(q, run, Measure.parseAll(List.of("recip_rank")),
        c.withMaxDocs(10)).summary("recip_rank");
    double rr10 = Evaluator.evaluate(q, run, Measure.parseAll(List.of("RR@10")), c).summary("RR@10");
    double full = Evaluator.evaluate(q, run, Measure.parseAll(List.of("recip_rank")), c)
        .summary("recip_rank");
    assertEquals(m10, rr10, 0.0);
    assertTrue(full >= m10);
    double[] perQuery = Evaluator.evaluate(q, run, Measure.parseAll(List.of("recip_rank")),
        c.withMaxDocs(10)).perQuery("recip_rank");
    for (double v : perQuery) {
      assertTrue(v == 0 || v >= 0.1, "no reciprocal rank below 1/10 with -M 10: " + v);
    }
  }
}
