package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code trawl eval}: exit code 2 and a one-line message naming file and line (4 where
 * trec_eval 10.0 stops while evaluating), no output.
 */
class EvalCommandTest {
  @TempDir Path tmp;
  Path qrels;
  Path run;

  @BeforeEach
  void files() throws Exception {
    qrels = tmp.resolve("qrels.txt");
    Files.writeString(qrels, "q1 0 d1 1\nq1 0 d2 0\nq2 0 d3 2\n");
    run = tmp.resolve("run.txt");
    Files.writeString(run, "q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 1.0 t\nq2 Q0 d3 1 1.0 t\n");
  }

  record Result(int code, String out, String err) {}

  private Result exec(String... args) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime() + ".txt");
    String[] full = new String[args.length + 2];
    full[0] = args[0];
    full[1] = "-o";
    full[2] = out.toString();
    System.arraycopy(args, 1, full, 3, args.length - 1);
    StringWriter err = new StringWriter();
    int code = Trawl.commandLine().setErr(new PrintWriter(err)).execute(full);
    String o = Files.exists(out) ? Files.readString(out) : "";
    return new Result(code, o, err.toString());
  }

  private Result expectInvalid(String contains, String... args) throws Exception {
    return expectFailure(2, contains, args);
  }

  private Result expectFailure(int code, String contains, String... args) throws Exception {
    Result r = exec(args);
    assertEquals(code, r.code(), r.err());
    assertTrue(r.err().contains(contains), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertEquals("", r.out());
    return r;
  }

  @Test
  void ok() throws Exception {
    Result r = exec("eval", "-m", "map", "-m", "nDCG@10", qrels.toString(), run.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("map                   \tall\t1.0000\nnDCG@10               \tall\t1.0000\n", r.out());
  }

  @Test
  void severalRunsAsTableAndJson() throws Exception {
    Result t = exec("eval", "-m", "map", qrels.toString(), run.toString(), run.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("map"), t.out());
    Result j = exec("eval", "-m", "P@1", "-q", "--format", "json", qrels.toString(), run.toString());
    assertTrue(j.out().contains("\"P@1\" : 1.0"), j.out());
  }

  /** {@code trawl eval QRELS runs/*} sees each run's RUN.meta.json too: it is not a run. */
  @Test
  void runMetadataAmongTheRunsIsSkipped() throws Exception {
    Path meta = tmp.resolve("run.txt.meta.json");
    Files.writeString(meta, "{\"run\":\"run.txt\",\"tag\":\"t\"}\n");
    Result r = exec("eval", "-m", "map", qrels.toString(), run.toString(), meta.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("map                   \tall\t1.0000\n", r.out());
    expectInvalid("is run metadata", "eval", "-m", "map", qrels.toString(), meta.toString());
  }

  @Test
  void malformedRunLine() throws Exception {
    Files.writeString(run, "q1 Q0 d1 1 2.0 t\nq1 Q0 d2\n");
    expectInvalid(run + ":2: expected 6 fields", "eval", qrels.toString(), run.toString());
  }

  @Test
  void nonNumericScore() throws Exception {
    Files.writeString(run, "q1 Q0 d1 1 2.0 t\nq1 Q0 d2 2 high t\n");
    expectInvalid(run + ":2: score must be a number, got 'high'", "eval", qrels.toString(),
        run.toString());
  }

  @Test
  void malformedQrelsLine() throws Exception {
    Files.writeString(qrels, "q1 0 d1 1\nq1 0 d2\n");
    expectInvalid(qrels + ":2: expected 4 fields", "eval", qrels.toString(), run.toString());
    Files.writeString(qrels, "q1 0 d1 yes\n");
    expectInvalid(qrels + ":1: relevance must be an integer", "eval", qrels.toString(),
        run.toString());
  }

  @Test
  void duplicateDocid() throws Exception {
    Files.writeString(run, "q1 Q0 d1 1 2.0 t\nq1 Q0 d1 2 1.0 t\nq2 Q0 d3 1 1.0 t\n");
    expectFailure(4, run + ":2: duplicate docno 'd1' for query 'q1'", "eval", qrels.toString(),
        run.toString());
  }

  @Test
  void unknownMeasureListsValidNames() throws Exception {
    Result r = expectInvalid("unknown measure 'ndgc_cut.10'", "eval", "-m", "ndgc_cut.10",
        qrels.toString(), run.toString());
    assertTrue(r.err().contains("valid:") && r.err().contains("ndcg_cut") && r.err().contains("nDCG"));
  }

  @Test
  void emptyRun() throws Exception {
    Files.writeString(run, "");
    expectInvalid("empty run", "eval", qrels.toString(), run.toString());
  }

  @Test
  void runWithNoJudgedQuery() throws Exception {
    Files.writeString(run, "x1 Q0 d1 1 2.0 t\n");
    // trec_eval 10.0 stops at the first qrels query the run lacks
    expectFailure(4, "query 'q1' is judged in " + qrels, "eval", qrels.toString(), run.toString());
    expectInvalid("none of the run's 1 queries is in the qrels", "eval", "--trec-eval-version", "9",
        qrels.toString(), run.toString());
    // with -c every qrels query is scored (on an empty ranking)
    Result r = exec("eval", "-c", "-m", "num_q", "-m", "map", qrels.toString(), run.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("num_q                 \tall\t2\nmap                   \tall\t0.0000\n", r.out());
  }

  @Test
  void qrelsLinesTrecEval10CallsMalformed() throws Exception {
    Files.writeString(qrels, "q1 0 d1 1\nq1 0 d2 0 junk\n");
    expectInvalid(qrels + ":2: expected 4 fields 'qid iter docno rel', found more", "eval",
        qrels.toString(), run.toString());
    Files.writeString(qrels, "q1 0 d1 1\n\nq2 0 d3 2\n");
    expectInvalid(qrels + ":2: blank line", "eval", qrels.toString(), run.toString());
  }

  @Test
  void trecEvalLongOptionsAndVersion() throws Exception {
    Result a = exec("eval", "--measure=map", "--query_eval_wanted", "--complete_rel_info_wanted",
        "--level_for_rel", "2", "--Max_retrieved_per_topic=1", "--Judged_docs_only", "--nosummary",
        "--Number_docs_in_coll", "10", qrels.toString(), run.toString());
    Result b = exec("eval", "-m", "map", "-q", "-c", "-l", "2", "-M", "1", "-J", "-n", "-N", "10",
        qrels.toString(), run.toString());
    assertEquals(0, a.code(), a.err());
    assertEquals(b.out(), a.out());
    assertEquals("map                   \tq1\t0.0000\nmap                   \tq2\t1.0000\n", a.out());
    StringWriter out = new StringWriter();
    int code = Trawl.commandLine().setOut(new PrintWriter(out)).execute("eval", "-v");
    assertEquals(0, code);
    assertTrue(out.toString().contains("trec_eval 10.0"), out.toString());
  }

  @Test
  void missingFileAndUnknownQrelsName() throws Exception {
    expectInvalid("no such file", "eval", qrels.toString(), tmp.resolve("nope.txt").toString());
    expectInvalid("not a known qrels name", "eval", "dl19-passage-nope", run.toString());
  }
}
