package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trawl fuse} gives the same bytes whatever the order of its input runs: three Cranfield
 * runs in all six orders (with RRF, CombSUM and weighted interpolation, weights moving with their
 * runs), and runs that list their queries in different orders.
 */
class FuseOrderTest {
  @TempDir Path tmp;

  byte[] fuse(String name, List<String> extra, Path... runs) throws IOException {
    Path out = tmp.resolve(name);
    String[] args = new String[3 + extra.size() + runs.length];
    int i = 0;
    args[i++] = "fuse";
    for (String e : extra) {
      args[i++] = e;
    }
    for (Path r : runs) {
      args[i++] = r.toString();
    }
    args[i++] = "-o";
    args[i] = out.toString();
    Cli.Outcome o = Cli.run(args);
    assertEquals(0, o.code(), o.err());
    return Files.readAllBytes(out);
  }

  @Test
  void outputDoesNotDependOnTheOrderOfTheRuns() throws IOException {
    Path index = tmp.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q").code());
    Path[] runs = new Path[3];
    String[][] models = {{"--bm25"}, {"--qld"}, {"--bm25", "--k1", "1.2", "--b", "0.75"}};
    for (int m = 0; m < 3; m++) {
      runs[m] = tmp.resolve("r" + m + ".txt");
      String[] args = new String[10 + models[m].length];
      String[] base = {"search", "--index", index.toString(), "--topics", "cranfield", "--hits", "100", "-o",
          runs[m].toString(), "--quiet"};
      System.arraycopy(base, 0, args, 0, base.length);
      System.arraycopy(models[m], 0, args, base.length, models[m].length);
      Cli.Outcome o = Cli.run(args);
      assertEquals(0, o.code(), o.err());
    }
    int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    String[] weights = {"0.5", "0.3", "0.2"};
    byte[] rrf = null;
    byte[] combsum = null;
    String interpolated = null;
    for (int[] o : orders) {
      Path[] rs = {runs[o[0]], runs[o[1]], runs[o[2]]};
      String tag = "" + o[0] + o[1] + o[2];
      byte[] f = fuse("rrf" + tag, List.of(), rs);
      if (rrf == null) {
        rrf = f;
      }
      assertArrayEquals(rrf, f, "rrf, runs in order " + tag);
      byte[] c = fuse("combsum" + tag, List.of("--method", "combsum"), rs);
      if (combsum == null) {
        combsum = c;
      }
      assertArrayEquals(combsum, c, "combsum, runs in order " + tag);
      String w = weights[o[0]] + "," + weights[o[1]] + "," + weights[o[2]];
      // the tag lists the weights as given; the lines without it must be equal
      String lines = new String(fuse("interp" + tag, List.of("--method", "interpolate", "--weights", w,
          "--tag", "t"), rs));
      if (interpolated == null) {
        interpolated = lines;
      }
      assertEquals(interpolated, lines, "interpolation, runs in order " + tag);
    }

    // queries listed in different orders: the earliest position in any run decides, then the qid
    Path a = Files.writeString(tmp.resolve("a.txt"), "q2 Q0 d1 1 3 a\nq1 Q0 d1 1 3 a\nq3 Q0 d1 1 3 a\n");
    Path b = Files.writeString(tmp.resolve("b.txt"), "q1 Q0 d2 1 3 b\nq3 Q0 d2 1 3 b\nq2 Q0 d2 1 3 b\n");
    String ab = new String(fuse("ab", List.of(), a, b));
    assertEquals(ab, new String(fuse("ba", List.of(), b, a)));
    assertEquals(List.of("q1", "q1", "q2", "q2", "q3", "q3"), ab.lines().map(l -> l.split(" ")[0]).toList());
  }
}
