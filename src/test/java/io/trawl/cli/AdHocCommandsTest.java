package io.trawl.cli;

import static io.trawl.cli.DeclaredCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ad-hoc use: {@code trawl search --query} ranks one query exactly as the same query in a topics
 * file would be ranked, {@code trawl run --query} likewise, and {@code trawl doc} prints stored
 * documents (raw, or the text rerankers see) or fails without printing anything.
 */
class AdHocCommandsTest {
  @TempDir static Path tmp;
  static String index;

  @BeforeAll
  static void cranfield() {
    index = tmp.resolve("cran").toString();
    assertEquals(0, run("index", "--input", "builtin:cranfield", "--index", index, "-q").code());
  }

  /** Cranfield query 1 as its own run, with the query id replaced. */
  static String asQuery(String run) {
    StringBuilder sb = new StringBuilder();
    run.lines().filter(l -> l.startsWith("1 ")).forEach(l -> sb.append("query").append(l.substring(1)).append('\n'));
    return sb.toString();
  }

  @Test
  void oneQueryRanksAsInTheTopics() {
    String text = io.trawl.io.Topics.read("cranfield").get(0).text();
    // search and run write stdout through System.out, which DeclaredCliTest.run does not capture:
    // compare files
    Path a = tmp.resolve("all.txt");
    Path b = tmp.resolve("one.txt");
    assertEquals(0, run("search", "--index", index, "--topics", "cranfield", "--hits", "10", "-q", "-o", a.toString()).code());
    assertEquals(0, run("search", "--index", index, "--query", text, "--hits", "10", "-q", "-o", b.toString()).code());
    assertEquals(asQuery(read(a)), read(b));
    Path c = tmp.resolve("run.txt");
    assertEquals(0, run("run", "--pipeline", "bm25@10", "--index", index, "--query", text, "-q", "-o", c.toString()).code());
    assertEquals(read(b), read(c));
    assertEquals(10, read(b).lines().count());
  }

  @Test
  void topicsOrQueryExactlyOne() {
    DeclaredCliTest.Result none = run("search", "--index", index);
    assertEquals(2, none.code());
    assertTrue(none.err().contains("give --topics NAME|FILE, or --query TEXT"), none.err());
    DeclaredCliTest.Result both = run("search", "--index", index, "--topics", "cranfield", "--query", "x");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("not both"), both.err());
    DeclaredCliTest.Result field = run("search", "--index", index, "--query", "x", "--topic-field", "desc");
    assertEquals(2, field.code());
    assertTrue(field.err().contains("apply to --topics, not to --query"), field.err());
  }

  @Test
  void docPrintsStoredDocuments() {
    DeclaredCliTest.Result raw = run("doc", "--index", index, "184");
    assertEquals(0, raw.code(), raw.err());
    assertTrue(raw.out().startsWith("{\"_id\": \"184\""), raw.out());
    DeclaredCliTest.Result text = run("doc", "--index", index, "--text", "184", "1300");
    assertEquals(2, text.out().lines().count());
    assertTrue(text.out().lines().skip(1).findFirst().orElseThrow().startsWith("some effects of bluntness"), text.out());
    DeclaredCliTest.Result missing = run("doc", "--index", index, "184", "no-such-doc");
    assertEquals(2, missing.code());
    assertEquals("", missing.out());
    assertTrue(missing.err().contains("no document 'no-such-doc'"), missing.err());
  }

  static String read(Path p) {
    try {
      return java.nio.file.Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
