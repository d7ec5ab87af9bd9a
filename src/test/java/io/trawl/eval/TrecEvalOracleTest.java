package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.cli.Trawl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * trec_eval's own test suite (9.0.8 quicktest): every expected output file reproduced line for line
 * with the invocation COMMANDS.txt gives. Not covered: out.test.prefs, out.test.qrels_prefs,
 * out.test.qrels_jg (preference and judgment-group formats) and out.test.aqZ (-Z z-scores).
 */
class TrecEvalOracleTest {
  @TempDir Path tmp;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("out.test", "qrels.test results.test"),
        Arguments.of("out.test", "qrels.comment.test results.comment.test"),
        Arguments.of("out.test.a", "-m all_trec qrels.test results.test"),
        Arguments.of("out.test.aq", "-m all_trec -q qrels.test results.test"),
        Arguments.of("out.test.aqc", "-m all_trec -q -c qrels.test results.trunc"),
        Arguments.of("out.test.aqcM", "-m all_trec -q -c -M100 qrels.test results.trunc"),
        Arguments.of("out.test.aql", "-m all_trec -mrelstring.20 -q -l2 qrels.rel_level results.test"),
        Arguments.of("out.test.meas_params", "-q -miprec_at_recall..10,.20,.25,.75,.50 -m P.5,7,3"
            + " -m recall.20,2000 -m Rprec_mult.5.0,0.2,0.35 -mutility.2,-1,0,0"
            + " -m 11pt_avg..25,.5,.75 -mndcg.1=3,2=9,4=4.5 -mndcg_cut.10,20,23.4"
            + " -msuccess.2,5,20 qrels.test results.test"));
  }

  @ParameterizedTest(name = "{0} <- trec_eval {1}")
  @MethodSource("cases")
  void reproducesOracle(String expectedFile, String args) throws Exception {
    Path dir = SharedData.dir("trec-eval-test-oracle");
    Path out = tmp.resolve("out.txt");
    List<String> argv = new ArrayList<>(List.of("eval", "--trec-eval-version", "9", "-o",
        out.toString()));
    String[] parts = args.split(" ");
    for (int i = 0; i < parts.length; i++) {
      // the last two are files
      argv.add(i >= parts.length - 2 ? dir.resolve(parts[i]).toString() : parts[i]);
    }
    StringWriter err = new StringWriter();
    int code = Trawl.commandLine().setErr(new PrintWriter(err)).execute(argv.toArray(String[]::new));
    assertEquals(0, code, err.toString());
    List<String> expected = Files.readAllLines(dir.resolve(expectedFile));
    List<String> actual = Files.readAllLines(out);
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), expectedFile + " line " + (i + 1));
    }
    assertEquals(expected.size(), actual.size(), expectedFile + " line count");
  }
}
