package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareFuseCommandTest {
  @TempDir Path tmp;
  Path qrels;
  Path a;
  Path b;

  @BeforeEach
  void files() throws Exception {
    qrels = tmp.resolve("qrels.txt");
    Files.writeString(qrels, "q1 0 d1 1\nq2 0 d3 2\nq3 0 d5 1\n");
    a = tmp.resolve("a.txt");
    Files.writeString(a, "q1 Q0 d2 1 2.0 a\nq1 Q0 d1 2 1.0 a\nq2 Q0 d3 1 1.0 a\n");
    b = tmp.resolve("b.txt");
    Files.writeString(b, "q1 Q0 d1 1 2.0 b\nq2 Q0 d3 1 1.0 b\nq3 Q0 d5 1 1.0 b\n");
  }

  private int exec(StringWriter err, String... args) {
    return Trawl.commandLine().setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void compareWritesEveryFormat() throws Exception {
    for (String f : new String[] {"md", "tsv", "json", "html"}) {
      Path out = tmp.resolve("cmp." + f);
      StringWriter err = new StringWriter();
      int code = exec(err, "compare", "-m", "RR", "--test", "randomization", "--format", f, "-o",
          out.toString(), qrels.toString(), a.toString(), b.toString());
      assertEquals(0, code, err.toString());
      String text = Files.readString(out);
      assertTrue(text.contains("RR"), text);
    }
    assertTrue(Files.readString(tmp.resolve("cmp.html")).contains("<svg"));
  }

  @Test
  void compareTakesTheWilcoxonOptions() throws Exception {
    Path out = tmp.resolve("w.json");
    StringWriter err = new StringWriter();
    assertEquals(0, exec(err, "compare", "-m", "RR", "--test", "wilcoxon", "--zero-method",
        "zsplit", "--wilcoxon-method", "asymptotic", "--continuity-correction", "--format", "json",
        "-o", out.toString(), qrels.toString(), a.toString(), b.toString()), err.toString());
    String json = Files.readString(out);
    assertTrue(json.contains("\"method\" : \"asymptotic\"") && json.contains(
        "\"zero_method\" : \"zsplit\"") && json.contains("\"continuity_correction\" : true"), json);
    // RR deltas 0.5, 0, 1 -> scipy.stats.wilcoxon(d, zero_method='zsplit', correction=True,
    // method='asymptotic').pvalue
    double p = new ObjectMapper().readTree(json).path("comparisons").path(0).path("p").asDouble();
    assertEquals(0.28504940740261275, p, 1e-12 * p, json);
    StringWriter md = new StringWriter();
    Path mdOut = tmp.resolve("w.md");
    assertEquals(0, exec(md, "compare", "-m", "RR", "--test", "wilcoxon", "-o", mdOut.toString(),
        qrels.toString(), a.toString(), b.toString()), md.toString());
    assertTrue(Files.readString(mdOut).contains(
        "Wilcoxon signed-rank (zero method wilcox, method auto)"), Files.readString(mdOut));
    StringWriter bad = new StringWriter();
    assertEquals(2, exec(bad, "compare", "--test", "wilcoxon", "--zero-method", "drop",
        qrels.toString(), a.toString(), b.toString()));
    assertTrue(bad.toString().contains("[wilcox, pratt, zsplit]"), bad.toString());
  }

  @Test
  void fuseThenEvaluate() throws Exception {
    Path fused = tmp.resolve("fused.txt");
    StringWriter err = new StringWriter();
    assertEquals(0, exec(err, "fuse", "-o", fused.toString(), a.toString(), b.toString()),
        err.toString());
    String text = Files.readString(fused);
    assertTrue(text.startsWith("q1 Q0 d1 1 "), text); // d1: 1/62 + 1/61 beats d2: 1/61
    assertTrue(text.contains("rrf(k=60,depth=1000,hits=1000)"), text);
    Path out = tmp.resolve("eval.txt");
    assertEquals(0, exec(err, "eval", "-c", "-m", "recip_rank", "-o", out.toString(),
        qrels.toString(), fused.toString()), err.toString());
    assertEquals("recip_rank            \tall\t1.0000\n", Files.readString(out));
  }

  @Test
  void fuseRejectsBadWeights() {
    StringWriter err = new StringWriter();
    assertEquals(2, exec(err, "fuse", "--method", "interpolate", "--weights", "0.5", a.toString(),
        b.toString()));
    assertTrue(err.toString().contains("1 weights for 2 runs"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(2, exec(err2, "fuse", "--method", "interpolate", a.toString(), b.toString()));
    assertTrue(err2.toString().contains("needs weights, one per run (--weights"), err2.toString());
  }
}
