package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 MB lines, generated on the fly, in every line-oriented parser. They run in a child JVM with
 * a 256 MiB heap, so a parser that buffered the whole line as a String (200 MB of chars) could not
 * pass: each must stop at its line limit with a one-line error naming the file and line, exit 2.
 */
class HugeLineTest {
  static final long HUGE = 100L << 20;

  @TempDir Path tmp;

  /** Writes prefix + HUGE filler bytes + suffix, streaming 1 MiB at a time. */
  static void huge(Path p, String before, String prefix, String suffix) throws IOException {
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'x');
    try (OutputStream o = Files.newOutputStream(p)) {
      o.write(before.getBytes(StandardCharsets.UTF_8));
      o.write(prefix.getBytes(StandardCharsets.UTF_8));
      for (long n = 0; n < HUGE; n += chunk.length) {
        o.write(chunk);
      }
      o.write(suffix.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void hundredMegabyteLinesFailFastWithBoundedMemory() throws Exception {
    Path idx = tmp.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "-q").code());
    Path qrels = tmp.resolve("good.qrels");
    Files.writeString(qrels, "q1 0 d1 1\n");
    Path run = tmp.resolve("good.run");
    Files.writeString(run, "q1 Q0 d1 1 1.0 t\n");
    Path out = Files.createDirectories(tmp.resolve("out"));

    Map<String, Path> files = new LinkedHashMap<>();
    List<String> cases = new ArrayList<>();
    Path f;
    f = tmp.resolve("c.jsonl");
    huge(f, "{\"id\": \"a\", \"contents\": \"ok\"}\n", "{\"id\": \"b\", \"contents\": \"", "\"}\n");
    files.put("corpus-json", f);
    cases.add(String.join("\t", "corpus-json", "index", "--collection", "json", "--input", f.toString(),
        "--index", out.resolve("idx1").toString(), "-q"));
    f = tmp.resolve("c.tsv");
    huge(f, "d1\tok\n", "d2\t", "\n");
    files.put("corpus-tsv", f);
    cases.add(String.join("\t", "corpus-tsv", "index", "--collection", "tsv", "--input", f.toString(),
        "--index", out.resolve("idx2").toString(), "-q"));
    f = tmp.resolve("t.tsv");
    huge(f, "1\tflow\n", "2\t", "\n");
    files.put("topics", f);
    cases.add(String.join("\t", "topics", "search", "--index", idx.toString(), "--topics", f.toString(),
        "--output", out.resolve("run.txt").toString(), "--quiet"));
    f = tmp.resolve("q.txt");
    huge(f, "q1 0 d1 1\n", "q1 0 d", " 1\n");
    files.put("qrels", f);
    cases.add(String.join("\t", "qrels", "eval", f.toString(), run.toString(), "-o", out.resolve("e.txt").toString()));
    f = tmp.resolve("r.txt");
    huge(f, "q1 Q0 d1 1 1.0 t\n", "q1 Q0 d", " 2 0.5 t\n");
    files.put("run", f);
    cases.add(String.join("\t", "run", "eval", qrels.toString(), f.toString(), "-o", out.resolve("e.txt").toString()));
    f = tmp.resolve("c2.jsonl");
    huge(f, "{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":[]}\n", "{\"query\":{\"text\":\"", "\",\"qid\":\"2\"},\"candidates\":[]}\n");
    files.put("candidates", f);
    cases.add(String.join("\t", "candidates", "rerank", "--reranker", "monot5(model=/nonexistent)", "-i",
        f.toString(), "-o", out.resolve("rr.txt").toString()));
    f = tmp.resolve("cranfield-bm25.yaml");
    huge(f, "name: cranfield-bm25\n", "description: ", "\n");
    files.put("regress-yaml", f);
    cases.add(String.join("\t", "regress-yaml", "regress", "run", f.toString(), "--dry-run"));
    Path caseFile = tmp.resolve("cases.tsv");
    Files.write(caseFile, cases);

    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-D") || a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), HugeLineMain.class.getName(),
        caseFile.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
    assertEquals(0, p.exitValue(), output);

    Map<String, String[]> results = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      String[] r = line.split("\t", 3);
      if (r.length == 3 && files.containsKey(r[0])) {
        results.put(r[0], r);
      }
    }
    assertEquals(files.keySet(), results.keySet(), output);
    for (Map.Entry<String, Path> e : files.entrySet()) {
      String[] r = results.get(e.getKey());
      String err = r[2].replace("\\n", "\n").strip();
      String context = e.getKey() + ": exit " + r[1] + ": " + err;
      assertEquals("2", r[1], context);
      assertEquals(1, err.lines().count(), context);
      assertTrue(err.startsWith("trawl: error: " + e.getValue()), context);
      if (!e.getKey().equals("regress-yaml")) {
        assertTrue(err.startsWith("trawl: error: " + e.getValue() + ":2:"), "names line 2: " + context);
        assertTrue(err.contains("longer than"), context);
      }
      assertFalse(err.contains("OutOfMemory"), context);
    }
    try (var left = Files.list(out)) {
      assertEquals(List.of(), left.toList(), "no output left behind");
    }
  }
}
