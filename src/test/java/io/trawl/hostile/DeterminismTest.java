package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index, search, eval, compare and fuse give byte-identical outputs across repeated runs and across
 * thread counts (1 vs 2), on the built-in Cranfield collection with its topics and qrels.
 */
class DeterminismTest {
  @TempDir Path tmp;

  static void ok(Cli.Outcome o) {
    assertEquals(0, o.code(), o.err());
  }

  byte[] search(Path index, String retriever, int threads, String name) throws IOException {
    Path out = tmp.resolve(name);
    ok(Cli.run("search", "--index", index.toString(), "--topics", "cranfield", "--retriever", retriever,
        "--threads", Integer.toString(threads), "--hits", "200", "--output", out.toString(), "--quiet"));
    return Files.readAllBytes(out);
  }

  /** index-stats without the fields that legitimately differ (timings, thread count, paths). */
  static String stats(Path index) {
    Cli.Outcome o = Cli.run("index-stats", "--index", index.toString(), "--json");
    ok(o);
    return o.out().replaceAll("\"(threads|created|path|index)\"\\s*:\\s*[^,}\\n]*", "")
        .replaceAll("\"timings\"\\s*:\\s*\\{[^}]*\\}", "");
  }

  @Test
  void byteIdenticalAcrossRunsAndThreadCounts() throws IOException {
    Path idx1 = tmp.resolve("idx-t1");
    Path idx2 = tmp.resolve("idx-t2");
    ok(Cli.run("index", "--input", "builtin:cranfield", "--index", idx1.toString(), "--threads", "1", "-q"));
    ok(Cli.run("index", "--input", "builtin:cranfield", "--index", idx2.toString(), "--threads", "2", "-q"));
    assertEquals(stats(idx1), stats(idx2), "index statistics differ between 1 and 2 indexing threads");

    byte[] bm25 = search(idx1, "bm25", 1, "bm25-a.txt");
    assertTrue(bm25.length > 20_000, "a real run: " + bm25.length + " bytes");
    assertArrayEquals(bm25, search(idx2, "bm25", 2, "bm25-b.txt"), "bm25: index t1/search t1 vs index t2/search t2");
    assertArrayEquals(bm25, search(idx1, "bm25", 2, "bm25-c.txt"), "bm25: search t1 vs t2");
    byte[] qld = search(idx1, "qld", 1, "qld-a.txt");
    assertArrayEquals(qld, search(idx2, "qld", 2, "qld-b.txt"), "qld: 1 vs 2 threads");

    Path runA = tmp.resolve("bm25-a.txt");
    Path runB = tmp.resolve("qld-a.txt");
    Cli.Outcome e1 = Cli.run("eval", "-c", "-q", "-m", "map", "-m", "ndcg_cut.10", "cranfield", runA.toString(), runB.toString());
    ok(e1);
    Cli.Outcome e2 = Cli.run("eval", "-c", "-q", "-m", "map", "-m", "ndcg_cut.10", "cranfield",
        tmp.resolve("bm25-b.txt").toString(), tmp.resolve("qld-b.txt").toString());
    ok(e2);
    assertEquals(e1.out().replace("bm25-a", "X").replace("qld-a", "Y"), e2.out().replace("bm25-b", "X").replace("qld-b", "Y"));

    Cli.Outcome c1 = Cli.run("compare", "cranfield", runA.toString(), runB.toString(), "--test", "randomization", "--trials", "2000", "--format", "tsv");
    ok(c1);
    Cli.Outcome c2 = Cli.run("compare", "cranfield", runA.toString(), runB.toString(), "--test", "randomization", "--trials", "2000", "--format", "tsv");
    assertEquals(c1.out(), c2.out(), "compare (seeded randomization test) repeated");

    for (String method : new String[] {"rrf", "combsum", "combmnz"}) {
      Path f1 = tmp.resolve(method + "-1.txt");
      Path f2 = tmp.resolve(method + "-2.txt");
      ok(Cli.run("fuse", "--method", method, runA.toString(), runB.toString(), "-o", f1.toString()));
      ok(Cli.run("fuse", "--method", method, tmp.resolve("bm25-b.txt").toString(), tmp.resolve("qld-b.txt").toString(),
          "-o", f2.toString()));
      assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2), "fuse " + method);
    }
  }
}
