package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.cli.Trawl;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * trec_eval 10.0 line for line and exit status for exit status, on the cases in
 * {@code src/test/resources/io/trawl/eval/trec-eval-10/cases.tsv}: small inputs written for one
 * behaviour each, and trec_eval's own test inputs. Every expected file is the stdout of trec_eval
 * 10.0 (usnistgov/trec_eval f425365, built with its Makefile) for the arguments given there; see
 * the README beside them.
 */
class TrecEval10OracleTest {
  @TempDir Path tmp;

  static Path dir() {
    try {
      return Path.of(TrecEval10OracleTest.class.getResource("trec-eval-10/cases.tsv").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir().resolve("cases.tsv"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      out.add(Arguments.of(f[0], Integer.parseInt(f[1]), f[2]));
    }
    return out.stream();
  }

  record Outcome(int code, String out, String err, boolean wrote) {}

  Outcome trawlEval(List<String> args) throws IOException {
    Path out = tmp.resolve("out-" + System.nanoTime() + ".txt");
    List<String> argv = new ArrayList<>(List.of("eval", "-o", out.toString()));
    argv.addAll(args);
    StringWriter err = new StringWriter();
    int code = Trawl.commandLine().setErr(new PrintWriter(err)).execute(argv.toArray(String[]::new));
    boolean wrote = Files.exists(out);
    return new Outcome(code, wrote ? Files.readString(out) : "", err.toString(), wrote);
  }

  private List<String> arguments(String args) {
    List<String> out = new ArrayList<>();
    for (String a : args.split(" ")) {
      if (a.startsWith("shared:")) {
        out.add(SharedData.dir("trec-eval-test-oracle").resolve(a.substring(7)).toString());
      } else if (a.startsWith("qrels.") || a.startsWith("run.")) {
        out.add(dir().resolve(a).toString());
      } else {
        out.add(a);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}: trec_eval {2}")
  @MethodSource("cases")
  void matchesTrecEval10(String id, int exit, String args) throws IOException {
    Outcome r = trawlEval(arguments(args));
    assertEquals(exit, r.code(), id + ": " + r.err());
    if (exit != 0) {
      assertFalse(r.wrote(), id + ": no output on failure");
      assertEquals(1, r.err().strip().lines().count(), id + ": one-line error: " + r.err());
      return;
    }
    assertLines(Files.readString(dir().resolve("expected/" + id + ".txt")), r.out(), id);
  }

  static void assertLines(String expected, String actual, String id) {
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
      assertEquals(e.get(i), a.get(i), id + " line " + (i + 1));
    }
    assertEquals(e.size(), a.size(), id + " line count");
  }

  @Test
  void allTrecAndP7InEitherOrderAgree() throws IOException {
    String a = trawlEval(arguments("-c -m all_trec -m P.7 qrels.graded run.graded")).out();
    String b = trawlEval(arguments("-c -m P.7 -m all_trec qrels.graded run.graded")).out();
    assertEquals(a, b);
    assertTrue(a.contains("P_7 "), a);
  }

  /** A run line with a 17 MiB field after the tag, or a 17 MiB tag, is read as trec_eval reads it. */
  @Test
  void seventeenMebibyteTrailingFieldIsAccepted() throws IOException {
    Path run = tmp.resolve("long.run");
    List<String> lines = Files.readAllLines(dir().resolve("run.graded"));
    try (OutputStream o = Files.newOutputStream(run)) {
      for (int i = 0; i < lines.size(); i++) {
        o.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
        if (i == 2) {
          o.write(' ');
          byte[] chunk = new byte[1 << 20];
          java.util.Arrays.fill(chunk, (byte) 'x');
          for (int k = 0; k < 17; k++) {
            o.write(chunk);
          }
          o.write(" and more".getBytes(StandardCharsets.UTF_8));
        }
        o.write('\n');
      }
    }
    Outcome r = trawlEval(List.of("-c", "-q", "-m", "official",
        dir().resolve("qrels.graded").toString(), run.toString()));
    assertEquals(0, r.code(), r.err());
    // the ignored field changes nothing: same output as without it
    assertLines(Files.readString(dir().resolve("expected/missing-query-complete.txt")), r.out(),
        "17 MiB field");

    // a 17 MiB run tag on the last line is trec_eval's runid
    String tag = "T".repeat(17 << 20);
    String text = Files.readString(dir().resolve("run.graded"));
    Files.writeString(run, text.substring(0, text.lastIndexOf("last")) + tag + "\n");
    Outcome t = trawlEval(List.of("-c", "-q", "-m", "official",
        dir().resolve("qrels.graded").toString(), run.toString()));
    assertEquals(0, t.code(), t.err());
    assertLines(Files.readString(dir().resolve("expected/missing-query-complete.txt"))
        .replace("\tall\tlast\n", "\tall\t" + tag + "\n"), t.out(), "17 MiB tag");
  }
}
