package io.trawl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import io.trawl.core.Query;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsTest {
  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void tsvWithCrlfBlankLinesAndExtraColumns() throws IOException {
    Path p = write("t.tsv", "\uFEFF1\thello world\r\n\n2\t  what AND \"who\"  \textra\n");
    List<Query> q = Topics.read(p.toString());
    assertEquals(List.of(new Query("1", "hello world"), new Query("2", "what AND \"who\"")), q);
  }

  @Test
  void gzippedTsv() throws IOException {
    Path p = tmp.resolve("t.tsv.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
      o.write("7\tseven\n8\teight\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(List.of(new Query("7", "seven"), new Query("8", "eight")), Topics.read(p.toString()));
  }

  @Test
  void trecTopicsTitleDefaultAndOtherFields() throws IOException {
    Path p = write("trec.txt", """
        <top>

        <num> Number:  001
        <dom> Domain:  International Economics
        <title> Topic:  simple text

        <desc> Description:
        Find some news
        articles

        <narr> Narrative:
        Find as many as possible
        </top>

        <top>
        <num> Number: 302
        <title> Poliomyelitis and Post-Polio
        <desc> Description:
        Is polio under control?
        <narr> Narrative:
        Polio in the world
        </top>
        """);
    assertEquals(List.of(new Query("1", "simple text"), new Query("302", "Poliomyelitis and Post-Polio")),
        Topics.read(p.toString()));
    assertEquals("Find some news articles", Topics.read(p.toString(), "trec", "desc").get(0).text());
    assertEquals("simple text Find some news articles",
        Topics.read(p.toString(), "auto", "title+desc").get(0).text());
    assertEquals("Find as many as possible", Topics.read(p.toString(), "trec", "narr").get(0).text());
  }

  /**
   * NPL's original {@code query-text.trec} puts {@code <num>1</num><title>} on one line and the
   * title text on the next; Anserini's TrecTopicReader (1.5.0, same code in 2.2.0) throws a
   * NullPointerException on it. It is read here, as are tags and text on one line.
   */
  @Test
  void trecTopicsWithSeveralTagsOnALine() throws IOException {
    Path p = write("query-text.trec", """
        <top>
        <num>1</num><title>
        MEASUREMENT OF DIELECTRIC CONSTANT OF LIQUIDS BY THE USE OF MICROWAVE TECHNIQUES
        </title>
        </top>

        <top>
        <num>2</num><title>
        MATHEMATICAL ANALYSIS AND DESIGN DETAILS
        OF WAVEGUIDE FED MICROWAVE RADIATIONS
        </title>
        </top>
        <top><num>003</num><title>one line</title><desc>and a description</desc></top>
        """);
    assertEquals(List.of(
        new Query("1", "MEASUREMENT OF DIELECTRIC CONSTANT OF LIQUIDS BY THE USE OF MICROWAVE TECHNIQUES"),
        new Query("2", "MATHEMATICAL ANALYSIS AND DESIGN DETAILS OF WAVEGUIDE FED MICROWAVE RADIATIONS"),
        new Query("3", "one line")), Topics.read(p.toString()));
    assertEquals("one line and a description", Topics.read(p.toString(), "trec", "title+desc").get(2).text());
  }

  @Test
  void aQueryWithoutTextIsAnErrorNamingFileAndLine() throws IOException {
    Path trec = write("empty-title.trec", """
        <top>
        <num> Number: 1
        <title> hello
        <desc> Description: greeting
        </top>

        <top>
        <num> Number: 2
        <title>
        <desc> Description:
        about world
        </top>
        """);
    InputException e = assertThrows(InputException.class, () -> Topics.read(trec.toString()));
    assertEquals(7, e.line());
    assertTrue(e.getMessage().contains("empty-title.trec") && e.getMessage().contains("topic '2' has no text"),
        e.getMessage());
    assertEquals("about world", Topics.read(trec.toString(), "trec", "desc").get(1).text());
    Path tsv = write("empty.tsv", "1\thello\n2\t  \n");
    InputException t = assertThrows(InputException.class, () -> Topics.read(tsv.toString()));
    assertEquals(2, t.line());
    assertTrue(t.getMessage().contains("query '2' has no text"), t.getMessage());
    Path beir = write("empty.jsonl", "{\"_id\": \"q1\", \"text\": \"\"}\n");
    assertEquals(1, assertThrows(InputException.class, () -> Topics.read(beir.toString())).line());
    Path num = write("no-num.trec", "<top>\n<num></num><title>x</title>\n</top>\n");
    assertTrue(assertThrows(InputException.class, () -> Topics.read(num.toString())).getMessage()
        .contains("empty <num>"));
  }

  @Test
  void beirQueriesJsonl() throws IOException {
    Path p = write("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"what is x\", \"metadata\": {}}\n"
        + "{\"_id\": 2, \"text\": \" y \"}\n");
    assertEquals(List.of(new Query("q1", "what is x"), new Query("2", "y")), Topics.read(p.toString()));
  }

  @Test
  void emptyFileIsAnErrorNamingTheFile() throws IOException {
    Path p = write("empty.tsv", "\n\n");
    InputException e = assertThrows(InputException.class, () -> Topics.read(p.toString()));
    assertTrue(e.getMessage().contains("empty.tsv"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void duplicateIdNamesBothLines() throws IOException {
    Path p = write("dup.tsv", "1\ta\n2\tb\n1\tc\n");
    InputException e = assertThrows(InputException.class, () -> Topics.read(p.toString()));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("first at line 1"), e.getMessage());
  }

  @Test
  void missingTabAndBadJsonGiveLineNumbers() throws IOException {
    Path p = write("bad.tsv", "1\ta\nno tab here\n");
    assertEquals(2, assertThrows(InputException.class, () -> Topics.read(p.toString(), "tsv", null)).line());
    Path j = write("bad.jsonl", "{\"_id\":\"1\",\"text\":\"a\"}\n{\"_id\":\n");
    assertEquals(2, assertThrows(InputException.class, () -> Topics.read(j.toString())).line());
    Path t = write("bad.trec", "<top>\n<num> Number: 1\n<title> x\n");
    assertTrue(assertThrows(InputException.class, () -> Topics.read(t.toString())).getMessage()
        .contains("without </top>"));
  }

  @Test
  void symbolicNamesResolveToShippedFiles() {
    List<Query> dl19 = Topics.read("dl19-passage");
    assertEquals(43, dl19.size());
    assertEquals(200, Topics.read("dl20").size());
    assertEquals(300, Topics.read("beir-scifact-test").size());
    assertEquals(225, Topics.read("cranfield").size());
    assertEquals(dl19, Topics.read("topics.dl19-passage.txt"));
    assertEquals(6980, Topics.read("msmarco-passage-dev-subset").size());
    List<Query> robust = Topics.read("robust04");
    assertEquals(250, robust.size());
    assertEquals(new Query("301", "International Organized Crime"), robust.get(0));
    assertTrue(Files.isRegularFile(Path.of(TopicsAndQrels.qrels("dl19-passage"))));
    assertTrue(Files.isRegularFile(Path.of(TopicsAndQrels.qrels("beir-nfcorpus-test"))));
  }

  @Test
  void documentRankingSetsAndPyseriniNames() {
    assertEquals(43, Topics.read("dl19-doc").size());
    assertEquals(new Query("156493", "do goldfish grow"), Topics.read("dl19-doc").get(0));
    assertEquals(200, Topics.read("dl20-doc").size());
    assertTrue(TopicsAndQrels.qrels("dl20-doc").endsWith("qrels.dl20-doc.txt"));
    assertTrue(TopicsAndQrels.qrels("dl19-doc").endsWith("qrels.dl19-doc.txt"));
    assertEquals(Topics.read("beir-scifact-test"), Topics.read("beir-v1.0.0-scifact-test"));
    assertEquals(Topics.read("beir-scifact-test"), Topics.read("beir-v1.0.0-scifact.test"));
    assertEquals(TopicsAndQrels.qrels("beir-scifact-test"), TopicsAndQrels.qrels("beir-v1.0.0-scifact-test"));
    assertTrue(!TopicsAndQrels.names().contains("beir-v1.0.0-scifact-test"), "aliases are not listed");
  }

  @Test
  void unknownNameSuggestsTheClosest() {
    TrawlException e = assertThrows(TrawlException.class, () -> Topics.read("dl19-pasage"));
    assertTrue(e.getMessage().contains("did you mean 'dl19-passage'"), e.getMessage());
    assertEquals(2, e.exitCode());
    InputException f = assertThrows(InputException.class, () -> Topics.read("no/such/file.tsv"));
    assertTrue(f.getMessage().contains("no/such/file.tsv"));
  }

  @Test
  void cranfieldQrelsUseGradedGains() throws IOException {
    List<String> lines = Files.readAllLines(Path.of(TopicsAndQrels.qrels("cranfield")));
    assertEquals(1837, lines.size());
    // cranqrel: query 1 doc 184 code 2 -> gain 3
    assertEquals("1 0 184 3", lines.get(0));
    assertTrue(lines.stream().allMatch(l -> l.matches("\\d+ 0 \\d+ [0-4]")));
  }

  /** Pre-encoded queries as JSON Lines read into the text of the pre-encoded TSV form. */
  @Test
  void jsonVectorTopicsAreTheirPseudoDocuments() throws IOException {
    Path j = write("q.jsonl", "{\"qid\": 3, \"vector\": {\"a\": 2, \"##b\": 1.9, \"z\": 0}}\n\n"
        + "{\"id\": \"x1\", \"vector\": {\"c\": 1}}\n");
    List<Query> expected = List.of(new Query("3", "a a ##b"), new Query("x1", "c"));
    assertEquals(expected, Topics.read(j.toString()), "detected by the vector");
    Path plain = write("q.txt", Files.readString(j));
    assertEquals(expected, Topics.read(plain.toString(), "json-vector", null));
    assertEquals(expected, Topics.read(plain.toString()), "detected without the .jsonl name");
    Path tsv = write("q.tsv", "3\ta a ##b\nx1\tc\n");
    assertEquals(expected, Topics.read(tsv.toString()), "the TSV form reads the same");
    Path empty = write("e.jsonl", "{\"qid\": 1, \"vector\": {\"a\": 0.5}}\n");
    InputException e = assertThrows(InputException.class, () -> Topics.read(empty.toString()));
    assertEquals(1, e.line());
    Path noVector = write("n.jsonl", "{\"qid\": 1, \"vector\": {\"a\": 1}}\n{\"qid\": 2}\n");
    e = assertThrows(InputException.class, () -> Topics.read(noVector.toString()));
    assertEquals(2, e.line());
  }
}
