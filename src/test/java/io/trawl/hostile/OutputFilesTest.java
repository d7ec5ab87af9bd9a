package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code -o} files look like from outside: they get the permissions any new file gets under
 * the user's umask (not 0600), and an output path that is a folder is refused before any work
 * starts (exit 2, one line), leaving nothing behind.
 */
class OutputFilesTest {
  @TempDir static Path shared;
  static Path index;
  static Path run;

  @TempDir Path tmp;

  @BeforeAll
  static void cranfield() throws IOException {
    index = shared.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q").code());
    run = shared.resolve("bm25.txt");
    Cli.Outcome o = Cli.run("search", "--index", index.toString(), "--topics", "cranfield", "--hits", "20",
        "-o", run.toString(), "--quiet");
    assertEquals(0, o.code(), o.err());
  }

  @Test
  void outputsGetTheUmaskPermissions() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<String> cases = new ArrayList<>();
    cases.add(String.join("\t", "search", "search", "--index", index.toString(), "--topics", "cranfield",
        "--hits", "5", "-o", out.resolve("run.txt").toString(), "--quiet"));
    cases.add(String.join("\t", "eval", "eval", "-c", "-m", "map", "cranfield", run.toString(),
        "-o", out.resolve("eval.txt").toString()));
    cases.add(String.join("\t", "compare", "compare", "--format", "html", "cranfield", run.toString(),
        run.toString(), "-o", out.resolve("cmp.html").toString()));
    cases.add(String.join("\t", "fuse", "fuse", run.toString(), run.toString(), "-o", out.resolve("fused.txt").toString()));
    cases.add(String.join("\t", "run", "run", "--pipeline", "bm25@5", "--index", index.toString(), "--topics",
        "cranfield", "-o", out.resolve("pipeline.txt").toString(), "-q"));
    Path caseFile = tmp.resolve("cases.tsv");
    Files.write(caseFile, cases);
    Map<String, String[]> res = Cli.inChild(caseFile, "-Xmx256m", "027");
    for (String c : List.of("search", "eval", "compare", "fuse", "run")) {
      assertEquals("0", res.get(c)[1], c + ": " + res.get(c)[2]);
    }
    try (Stream<Path> files = Files.list(out)) {
      List<Path> all = files.toList();
      // five outputs, and the metadata beside each of the three runs (search, fuse, run)
      assertEquals(8, all.size(), all.toString());
      for (Path f : all) {
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
            f.getFileName() + " was written with umask 027");
      }
    }
  }

  @Test
  void anOutputThatIsAFolderIsRefusedBeforeTheWork() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(dir.resolve("keep.txt"), "x");
    Path cands = Files.writeString(tmp.resolve("c.jsonl"), "{\"query\":{\"text\":\"q\",\"qid\":\"1\"},"
        + "\"candidates\":[{\"docid\":\"a\",\"score\":1,\"doc\":{\"contents\":\"x\"}}]}\n");
    String d = dir.toString();
    List<String[]> commands = List.of(
        new String[] {"search", "--index", index.toString(), "--topics", "cranfield", "-o", d, "--quiet"},
        new String[] {"eval", "-c", "-m", "map", "cranfield", run.toString(), "-o", d},
        new String[] {"compare", "cranfield", run.toString(), run.toString(), "-o", d},
        new String[] {"fuse", run.toString(), run.toString(), "-o", d},
        new String[] {"run", "--pipeline", "bm25@5", "--index", index.toString(), "--topics", "cranfield", "-o", d, "-q"},
        // the model does not exist: the output is checked before the model is loaded
        new String[] {"rerank", "--reranker", "monot5(model=/nonexistent/model)", "-i", cands.toString(), "-o", d});
    for (String[] args : commands) {
      Cli.Outcome o = Cli.run(args);
      String context = String.join(" ", args) + "\nexit " + o.code() + "\n" + o.err();
      assertEquals(2, o.code(), context);
      assertEquals(1, o.err().strip().lines().count(), context);
      assertTrue(o.err().startsWith("trawl: error: " + d + ": is a folder"), context);
      try (Stream<Path> left = Files.list(tmp)) {
        assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")
            || p.getFileName().toString().endsWith(".work")), "temporary file left: " + context);
      }
      try (Stream<Path> inside = Files.list(dir)) {
        assertEquals(List.of(dir.resolve("keep.txt")), inside.toList(), context);
      }
    }
  }
}
