package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ids end up as fields of whitespace-separated run lines, so an id holding a space, tab or newline
 * would give runs that {@code eval} and {@code fuse} reject or misread. Every reader of ids refuses
 * them where it reads them (corpora, topics, candidate files, the topics of a rerank), as it
 * refuses a docid given twice for one query in a candidates file: exit 2, one line naming the file
 * and line, nothing written.
 */
class InputIdsTest {
  @TempDir static Path shared;
  static Path index;

  @TempDir Path tmp;

  @BeforeAll
  static void cranfield() {
    index = shared.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q").code());
  }

  /** One input: its file name and text, the command ({in}, {out}, {idx}, {run}), the message and line. */
  record Case(String name, String file, String text, String[] args, String fragment, int line) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String[] INDEX_JSON = {"index", "--collection", "json", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_BEIR = {"index", "--collection", "beir", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_TSV = {"index", "--collection", "tsv", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] INDEX_TREC = {"index", "--collection", "trec", "--input", "{in}", "--index", "{out}", "-q"};
  static final String[] SEARCH = {"search", "--index", "{idx}", "--topics", "{in}", "-o", "{out}", "--quiet"};
  static final String[] RERANK = {"rerank", "--reranker", "monot5(model=/nonexistent/model)", "-i", "{in}", "-o", "{out}"};
  static final String[] RERANK_TOPICS = {"rerank", "--reranker", "monot5(model=/nonexistent/model)", "-i", "{run}",
      "--index", "{idx}", "--topics", "{in}", "-o", "{out}"};

  static String cand(String qid, String... docids) {
    StringBuilder sb = new StringBuilder("{\"query\":{\"text\":\"q\",\"qid\":\"" + qid + "\"},\"candidates\":[");
    for (int i = 0; i < docids.length; i++) {
      sb.append(i > 0 ? "," : "").append("{\"docid\":\"").append(docids[i]).append("\",\"score\":")
          .append(docids.length - i).append(",\"doc\":{\"contents\":\"x\"}}");
    }
    return sb.append("]}\n").toString();
  }

  static Stream<Case> cases() {
    String ok = "{\"id\": \"a\", \"contents\": \"x\"}\n";
    return Stream.of(
        new Case("corpus json: docid with a space", "c.jsonl", ok + "{\"id\": \"b c\", \"contents\": \"y\"}\n",
            INDEX_JSON, "docid 'b c' contains a space", 2),
        new Case("corpus json: docid with a newline", "c.jsonl", ok + "{\"id\": \"b\\nc\", \"contents\": \"y\"}\n",
            INDEX_JSON, "docid 'b\\nc' contains a newline", 2),
        new Case("corpus beir: _id with a tab", "corpus.jsonl",
            "{\"_id\": \"a\", \"title\": \"\", \"text\": \"x\"}\n{\"_id\": \"b\\tc\", \"title\": \"\", \"text\": \"y\"}\n",
            INDEX_BEIR, "docid 'b\\tc' contains a tab", 2),
        new Case("corpus tsv: docid with a space", "c.tsv", "d1\tx\nd 2\ty\n", INDEX_TSV, "docid 'd 2' contains a space", 2),
        new Case("corpus trec: DOCNO with a space", "docs.trec",
            "<DOC>\n<DOCNO> d1 </DOCNO>\n<TEXT>\nx\n</TEXT>\n</DOC>\n<DOC>\n<DOCNO> d 2 </DOCNO>\n<TEXT>\ny\n</TEXT>\n</DOC>\n",
            INDEX_TREC, "docid 'd 2' contains a space", 7),
        new Case("topics tsv: qid with a space", "t.tsv", "1\tflow\n2 b\tboundary layer\n", SEARCH,
            "query id '2 b' contains a space", 2),
        new Case("topics beir: _id with a tab", "queries.jsonl",
            "{\"_id\": \"1\", \"text\": \"flow\"}\n{\"_id\": \"2\\t3\", \"text\": \"wing\"}\n", SEARCH,
            "query id '2\\t3' contains a tab", 2),
        new Case("candidates: qid with a space", "c.jsonl", cand("1", "a") + cand("2 3", "b"), RERANK,
            "query id '2 3' contains a space", 2),
        new Case("candidates: docid with a tab", "c.jsonl", cand("1", "a", "b\\tc"), RERANK,
            "docid 'b\\tc' contains a tab", 1),
        new Case("candidates: docid twice for a query", "c.jsonl", cand("1", "a") + cand("2", "b", "c", "b"), RERANK,
            "docid 'b' appears twice", 2),
        new Case("candidates (JSON list): docid twice for a query", "c.json",
            "[\n" + cand("1", "a").strip() + ",\n" + cand("2", "b", "b").strip() + "\n]\n", RERANK,
            "docid 'b' appears twice", 3),
        new Case("candidates: qid twice", "c.jsonl", cand("1", "a") + cand("1", "b"), RERANK,
            "query '1' appears twice (first at line 1)", 2),
        new Case("rerank topics: qid with a space", "t.tsv", "1\tflow\n2 b\twing\n", RERANK_TOPICS,
            "query id '2 b' contains a space", 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void idsThatRunFilesCannotCarryAreRefused(Case c) throws IOException {
    Path in = tmp.resolve(c.file());
    Files.writeString(in, c.text());
    Path runFile = Files.writeString(tmp.resolve("r.txt"), "1 Q0 1 1 2.0 t\n");
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path out = outDir.resolve(c.args()[0].equals("index") ? "idx" : "result.txt");
    String[] args = c.args().clone();
    for (int i = 0; i < args.length; i++) {
      args[i] = args[i].replace("{in}", in.toString()).replace("{out}", out.toString())
          .replace("{idx}", index.toString()).replace("{run}", runFile.toString());
    }
    Cli.Outcome o = Cli.run(args);
    String context = c + "\nexit " + o.code() + "\n" + o.err();
    assertEquals(2, o.code(), context);
    String err = o.err().strip();
    assertEquals(1, err.lines().count(), context);
    assertTrue(err.startsWith("trawl: error: " + in + ":" + c.line() + ": "), context);
    assertTrue(err.contains(c.fragment()), context);
    assertFalse(err.contains("Exception"), context);
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(List.of(), left.toList(), "nothing written: " + context);
    }
  }
}
