package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IndexCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void indexesTheBuiltinCollectionAndReportsStats() throws IOException {
    Path idx = tmp.resolve("cran");
    Outcome o = run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "--threads", "2");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("trawl: indexed 1,398 documents"), o.err());
    assertTrue(o.err().contains("skipped 2 empty document(s)"), o.err());
    assertTrue(Files.exists(idx.resolve("trawl-index.json")));

    Outcome text = run("index-stats", "--index", idx.toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("Index statistics\n----------------\ndocuments:             1398\n"), text.out());
    assertTrue(text.out().contains("analyzer:  english(stemmer=porter,stopwords=lucene)"), text.out());

    Outcome json = run("index-stats", "--index", idx.toString(), "--json");
    assertEquals(0, json.code(), json.err());
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertEquals(1398, root.at("/stats/documents").asLong());
    assertEquals(2, root.at("/metadata/emptyDocuments").asLong());
    assertEquals(root.at("/stats/fields/contents/totalTerms").asLong(), root.at("/metadata/totalTerms").asLong());
    assertEquals("builtin:cranfield", root.at("/metadata/corpus").asText());
    assertEquals("beir", root.at("/metadata/format").asText());
  }

  @Test
  void analyzerOptionsAreRefusedForAPreEncodedCorpus() throws IOException {
    Path corpus = Files.writeString(tmp.resolve("vec.jsonl"), "{\"id\": \"d1\", \"vector\": {\"a\": 2, \"##b\": 1}}\n");
    for (String[] extra : new String[][] {{"--stemmer", "none"}, {"--keep-stopwords"}, {"--layout", "multifield"}}) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("index", "--collection",
          "json-vector", "--input", corpus.toString(), "--index", tmp.resolve("idx").toString()));
      args.addAll(java.util.List.of(extra));
      Outcome o = run(args.toArray(new String[0]));
      assertEquals(2, o.code(), o.err());
      assertTrue(o.err().contains(extra[0] + " does not apply to a pre-encoded (impact) corpus"), o.err());
      assertTrue(!Files.exists(tmp.resolve("idx")), "nothing written");
    }
    assertEquals(0, run("index", "--collection", "json-vector", "--input", corpus.toString(), "--index",
        tmp.resolve("idx").toString(), "-q").code());
  }

  @Test
  void existingIndexNeedsForce() {
    Path idx = tmp.resolve("cran");
    assertEquals(0, run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "-q", "--no-store-raw").code());
    Outcome again = run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "-q");
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already exists; use --force"), again.err());
    Outcome forced = run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "--force",
        "--layout", "multifield", "--quiet", "--no-store-raw");
    assertEquals(0, forced.code(), forced.err());
    assertEquals("", forced.err());
  }

  @Test
  void badInputExitsTwoNamingFileAndLine() throws IOException {
    Path corpus = tmp.resolve("c.jsonl");
    Files.writeString(corpus, "{\"id\": \"a\", \"contents\": \"x\"}\n{\"id\": \"b\", \"contents\": \n");
    Path idx = tmp.resolve("idx");
    Outcome o = run("index", "--collection", "json", "--input", corpus.toString(), "--index", idx.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains(corpus + ":2:"), o.err());
    assertFalse(Files.exists(idx));

    Outcome skipped = run("index", "--collection", "json", "--input", corpus.toString(), "--index",
        idx.toString(), "--on-error", "skip");
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(skipped.err().contains("warning: skipped 1"), skipped.err());
  }

  @Test
  void usageErrorsExitTwo() {
    Path idx = tmp.resolve("idx");
    Outcome unknown = run("index", "--collection", "jsonn", "--input", "x", "--index", idx.toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("did you mean 'json'"), unknown.err());
    assertEquals(2, run("index", "--collection", "json", "--index", idx.toString()).code());
    assertEquals(2, run("index", "--collection", "json", "--input", tmp.resolve("missing").toString(),
        "--index", idx.toString()).code());
    assertEquals(2, run("index", "--input", "builtin:nope", "--index", idx.toString()).code());
    assertEquals(2, run("index", "--collection", "tsv", "--input", "builtin:cranfield", "--index", idx.toString()).code());
    assertEquals(2, run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "--layout", "tall").code());
    assertEquals(2, run("index", "--input", "builtin:cranfield", "--index", idx.toString(), "--on-error", "maybe").code());
    assertEquals(2, run("index-stats", "--index", tmp.resolve("nothing").toString()).code());
    assertFalse(Files.exists(idx));
  }

  @Test
  void helpShowsARunnableExample() {
    Outcome o = run("index", "--help");
    assertEquals(0, o.code());
    assertTrue(o.out().contains("trawl index --input builtin:cranfield --index indexes/cranfield"), o.out());
    assertTrue(run("index-stats", "--help").out().contains("--json"));
  }
}
