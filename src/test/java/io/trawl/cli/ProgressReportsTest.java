package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Progress;
import io.trawl.rerank.RerankJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every long command reports through {@link Progress}: with {@code -Dtrawl.progress=live} (what a
 * terminal gets) each writes a {@code \r} status line with its own label and unit, then erases it
 * before its summary; with {@code --quiet} nothing. The reporter itself is {@code ProgressTest}.
 */
class ProgressReportsTest {
  @TempDir static Path tmp;
  static String before;

  @BeforeAll
  static void live() {
    before = System.getProperty("trawl.progress");
    System.setProperty("trawl.progress", "live");
  }

  @AfterAll
  static void restore() {
    if (before == null) {
      System.clearProperty("trawl.progress");
    } else {
      System.setProperty("trawl.progress", before);
    }
  }

  record Result(int code, String err) {}

  static Result run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, err.toString());
  }

  static void assertReports(Result r, String live) {
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("\r" + live), "no live line '" + live + "' in: " + r.err().replace("\r", "\\r"));
    // erased before the summary: the last carriage return ends a line of blanks
    String afterLast = r.err().substring(r.err().lastIndexOf('\r') + 1);
    assertTrue(!afterLast.contains("ETA"), r.err());
  }

  static Path corpus() throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    if (!Files.exists(corpus)) {
      StringBuilder sb = new StringBuilder();
      for (int d = 0; d < 40; d++) {
        sb.append("{\"_id\":\"d").append(d).append("\",\"title\":\"\",\"text\":\"document ").append(d)
            .append(" about rivers and mountains\"}\n");
      }
      Files.writeString(corpus, sb.toString());
    }
    return corpus;
  }

  static Path cranfieldIndex() {
    Path index = tmp.resolve("cranfield");
    if (!Files.exists(index)) {
      assertReports(run("index", "--input", "builtin:cranfield", "--index", index.toString(), "--threads", "1"),
          "indexing: ");
    }
    return index;
  }

  @Test
  void index() {
    Path index = cranfieldIndex();
    Result quiet = run("index", "--input", "builtin:cranfield", "--index", tmp.resolve("q").toString(), "-q");
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err());
    assertTrue(Files.exists(index));
  }

  @Test
  void search() {
    Result r = run("search", "--index", cranfieldIndex().toString(), "--topics", "cranfield", "--threads", "1",
        "-o", tmp.resolve("search.txt").toString());
    assertReports(r, "search: 1/225 queries, ");
    assertTrue(r.err().contains("search: bm25"), r.err());
  }

  @Test
  void encodeAndDenseIndex() throws Exception {
    assertReports(run("encode", "--corpus", corpus().toString(), "--encoder", "all-minilm-l6-v2-q",
        "-o", tmp.resolve("c.vec").toString()), "encode: ");
    assertTrue(run("encode", "--corpus", corpus().toString(), "--encoder", "all-minilm-l6-v2-q",
        "-o", tmp.resolve("c2.vec").toString()).err().contains("/40 texts, "));
    assertReports(run("dense-index", "--corpus", corpus().toString(), "--encoder", "all-minilm-l6-v2-q",
        "--index", tmp.resolve("dense").toString()), "dense-index: encoding: ");
  }

  @Test
  void runAndRerank() throws Exception {
    Path index = cranfieldIndex();
    Path topics = tmp.resolve("topics.tsv");
    Files.writeString(topics, "1\tboundary layer\n2\tshock wave\n3\theat transfer\n");
    String embed = "embed(encoder=all-minilm-l6-v2-q)";
    Result r = run("run", "--index", index.toString(), "--topics", topics.toString(), "--pipeline",
        "bm25@5 >> " + embed + "@2", "-o", tmp.resolve("run.txt").toString());
    assertReports(r, "stage 2: embed: ");
    assertTrue(r.err().contains("/6 candidates, ") && r.err().contains("/3 queries, "), r.err());

    Path bm25 = tmp.resolve("bm25.txt");
    assertEquals(0, run("search", "--index", index.toString(), "--topics", topics.toString(), "--hits", "2",
        "-o", bm25.toString(), "-q").code());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new RerankJob(new RerankJob.Options(embed, bm25.toString(), index.toString(), topics.toString(), 2,
        tmp.resolve("reranked.txt").toString(), null, null, false, null), io.trawl.rerank.registry.Rerankers.registry()::create)
        .run(new PrintStream(log, true, StandardCharsets.UTF_8), Progress.Mode.LIVE);
    String err = log.toString(StandardCharsets.UTF_8);
    assertReports(new Result(0, err), "rerank: ");
    assertTrue(err.contains("/6 candidates, ") && err.contains("/3 queries, "), err);
  }
}
