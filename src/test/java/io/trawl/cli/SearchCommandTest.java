package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.index.Analyzers;
import io.trawl.index.IndexFields;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SearchCommandTest {
  @TempDir static Path tmp;
  static Path index;

  @BeforeAll
  static void buildIndex() throws Exception {
    index = tmp.resolve("idx");
    IndexWriterConfig c = new IndexWriterConfig(Analyzers.english("porter", false));
    try (IndexWriter w = new IndexWriter(FSDirectory.open(index), c)) {
      String[][] docs = {
        {"d1", "simple text about retrieval"},
        {"d2", "another simple text, text and more text"},
        {"q9", "a document whose id equals a query id: simple"},
        {"d3", "nothing to see here"},
      };
      for (String[] d : docs) {
        Document doc = new Document();
        doc.add(new StringField(IndexFields.ID, d[0], Field.Store.YES));
        doc.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(d[0])));
        org.apache.lucene.document.FieldType vectors = new org.apache.lucene.document.FieldType(TextField.TYPE_NOT_STORED);
        vectors.setStoreTermVectors(true);
        doc.add(new Field(IndexFields.CONTENTS, d[1], vectors));
        doc.add(new StoredField(IndexFields.RAW, d[1]));
        w.addDocument(doc);
      }
    }
    Files.writeString(index.resolve(IndexFields.METADATA_FILE),
        "{\"analyzer\": \"" + Analyzers.describe("porter", false) + "\"}");
  }

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path topics(String name, String content) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private List<String> search(Path topics, String... extra) throws Exception {
    Path out = tmp.resolve("run-" + System.nanoTime() + ".txt");
    String[] base = {"search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", out.toString(), "--quiet"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Result r = run(args);
    assertEquals(0, r.code(), r.err());
    return Files.readAllLines(out);
  }

  private static List<String> docs(List<String> lines) {
    return lines.stream().map(l -> l.split(" ")[0] + " " + l.split(" ")[2] + " " + l.split(" ")[4]).toList();
  }

  @Test
  void luceneSyntaxIsJustText() throws Exception {
    List<String> plain = docs(search(topics("plain.tsv", "1\tsimple text\n")));
    assertEquals(3, plain.size());
    String[] tricky = {"simple AND text", "\"simple\" (text)", "simple* text?", "simple \\ text",
        "+simple -text", "simple OR text~2", "(simple) [text TO z] {", "simple^3 text!", ":simple: text:"};
    for (String q : tricky) {
      assertEquals(plain, docs(search(topics("tricky.tsv", "1\t" + q + "\n"))), q);
    }
  }

  /** Every run file gets RUN.meta.json: tag, command, settings and the machine it ran on. */
  @Test
  void runMetadataRecordsTheMachine() throws Exception {
    Path out = tmp.resolve("meta-run.txt");
    Result r = run("search", "--index", index.toString(), "--topics",
        topics("meta.tsv", "1\tsimple text\n").toString(), "--output", out.toString(), "--quiet",
        "--threads", "1");
    assertEquals(0, r.code(), r.err());
    com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(tmp.resolve("meta-run.txt" + io.trawl.io.RunMetadata.SUFFIX).toFile());
    assertEquals("meta-run.txt", m.get("run").asText());
    assertEquals("bm25(k1=0.9,b=0.4)@1000", m.get("tag").asText());
    assertEquals("search", m.get("command").get(1).asText());
    assertEquals(1, m.get("settings").get("threads").asInt());
    com.fasterxml.jackson.databind.JsonNode machine = m.get("machine");
    for (String field : List.of("cpu", "cpu_flags", "cores", "os", "jvm", "vector_bits")) {
      assertTrue(machine.hasNonNull(field), field + " in " + machine);
    }
    assertTrue(machine.get("jvm").asText().contains(System.getProperty("java.runtime.version")));
    assertTrue(machine.get("software").get("lucene").asText().matches("\\d+\\.\\d+\\.\\d+"),
        machine.toString());
    assertTrue(machine.get("software").has("onnxruntime"), machine.toString());
    // to stdout: no metadata file anywhere
    assertEquals(0, run("search", "--index", index.toString(), "--topics",
        topics("meta2.tsv", "1\tsimple\n").toString(), "--output", "-", "--quiet").code());
  }

  @Test
  void allStopwordQueryHasNoHits() throws Exception {
    List<String> lines = search(topics("stop.tsv", "1\tthe and of\n2\tsimple\n"));
    assertTrue(lines.stream().allMatch(l -> l.startsWith("2 ")), lines.toString());
  }

  @Test
  void runTagIsTheSpecAndRemoveQueryDropsTheSelfHit() throws Exception {
    Path t = topics("q9.tsv", "q9\tsimple\n");
    List<String> all = search(t);
    assertTrue(all.stream().anyMatch(l -> l.contains(" q9 ")));
    assertTrue(all.get(0).endsWith(" bm25(k1=0.9,b=0.4)@1000"), all.get(0));
    List<String> removed = search(t, "--remove-query", "--k1", "1.2", "--b", "0.75");
    assertEquals(all.size() - 1, removed.size());
    assertTrue(removed.stream().noneMatch(l -> l.contains(" q9 ")));
    assertTrue(removed.get(0).endsWith(" bm25(k1=1.2,b=0.75)@1000"), removed.get(0));
    assertEquals("1", removed.get(0).split(" ")[3]);
  }

  @Test
  void msmarcoFormatAndModels() throws Exception {
    Path t = topics("m.tsv", "1\tsimple text\n");
    List<String> ms = search(t, "--format", "msmarco", "--qld", "--mu", "500");
    assertEquals("1\td2\t1", ms.get(0));
    List<String> rm3 = search(t, "--retriever", "rm3(fbTerms=5,fbDocs=2)");
    assertTrue(rm3.get(0).endsWith(" rm3(fbTerms=5,fbDocs=2,originalQueryWeight=0.5,model=bm25,k1=0.9,b=0.4)@1000"),
        rm3.get(0));
  }

  /** Anserini's {@code -qld -rm3} / {@code -qld -rocchio}: QL in both stages. */
  @Test
  void qldWithFeedbackFlags() throws Exception {
    Path t = topics("f.tsv", "1\tsimple text\n");
    List<String> rm3 = search(t, "--qld", "--rm3", "--mu", "500", "--fb-docs", "2");
    assertTrue(rm3.get(0).endsWith(" rm3(fbTerms=10,fbDocs=2,originalQueryWeight=0.5,model=qld,mu=500)@1000"),
        rm3.get(0));
    assertEquals(docs(rm3), docs(search(t, "--retriever", "rm3(fbDocs=2,model=qld,mu=500)")));
    List<String> rocchio = search(t, "--rocchio", "--qld");
    assertTrue(rocchio.get(0).endsWith(",useNegative=false,model=qld,mu=1000)@1000"), rocchio.get(0));
    assertEquals(2, run("search", "--index", index.toString(), "--topics", t.toString(), "--qld",
        "--rm3", "--k1", "1.2").code(), "k1 does not apply to QL");
    assertEquals(2, run("search", "--index", index.toString(), "--topics", t.toString(), "--rm3",
        "--rocchio").code());
    Result model = run("search", "--index", index.toString(), "--topics", t.toString(),
        "--retriever", "rm3(model=bm52)");
    assertEquals(2, model.code());
    assertTrue(model.err().contains("unknown model 'bm52'; valid: bm25, qld"), model.err());
  }

  /** Topics none of which matches a document: an error, not an empty run. */
  @Test
  void aRunWithoutAnyLineIsAnError() throws Exception {
    Path t = topics("nothing.tsv", "1\tzebra\n2\tthe of\n");
    Path out = tmp.resolve("nothing-run.txt");
    Result r = run("search", "--index", index.toString(), "--topics", t.toString(), "--output",
        out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("nothing.tsv") && r.err().contains("none of the 2 queries matched"), r.err());
    assertTrue(!Files.exists(out));
    Result stdout = run("search", "--index", index.toString(), "--topics", t.toString());
    assertEquals(2, stdout.code());
    assertEquals("", stdout.out());
  }

  @Test
  void emptyTopicsFileExitsTwoNamingTheFile() throws Exception {
    Path t = topics("empty-topics.tsv", "");
    Result r = run("search", "--index", index.toString(), "--topics", t.toString(), "--output",
        tmp.resolve("never.txt").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("empty-topics.tsv"), r.err());
    assertTrue(!Files.exists(tmp.resolve("never.txt")));
  }

  @Test
  void badUsageExitsTwo() throws Exception {
    Path t = topics("ok.tsv", "1\tsimple\n");
    Result unknown = run("search", "--index", index.toString(), "--topics", t.toString(), "--retriever", "bm52");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("did you mean 'bm25'"), unknown.err());
    Result param = run("search", "--index", index.toString(), "--topics", t.toString(), "--retriever", "bm25(k=1)");
    assertEquals(2, param.code());
    assertTrue(param.err().contains("unknown parameter 'k'"), param.err());
    Result both = run("search", "--index", index.toString(), "--topics", t.toString(), "--retriever", "bm25", "--qld");
    assertEquals(2, both.code());
    Result analyzer = run("search", "--index", index.toString(), "--topics", t.toString(), "--analyzer",
        "english(stemmer=none,stopwords=lucene)");
    assertEquals(2, analyzer.code());
    assertTrue(analyzer.err().contains("analyzer"), analyzer.err());
    Result stem = run("search", "--index", index.toString(), "--topics", t.toString(), "--stemmer", "none");
    assertEquals(2, stem.code(), stem.err());
    assertEquals(0, run("search", "--index", index.toString(), "--topics", t.toString(), "--stemmer", "porter",
        "--quiet", "--output", tmp.resolve("porter.txt").toString()).code());
    Result noIndex = run("search", "--index", tmp.resolve("nope").toString(), "--topics", t.toString());
    assertEquals(2, noIndex.code());
    assertEquals(2, run("search", "--index", index.toString(), "--topics", t.toString(), "--hits", "0").code());
  }

  @Test
  void multifieldNeedsTheFieldsToExistButDoesNotFail() throws Exception {
    Path t = topics("mf.tsv", "1\tsimple text\n");
    List<String> lines = search(t, "--fields", "title,contents");
    assertEquals(docs(search(t)).stream().map(s -> s.substring(0, s.lastIndexOf(' '))).toList(),
        docs(lines).stream().map(s -> s.substring(0, s.lastIndexOf(' '))).toList());
    assertEquals(Map.of("title", 1.0f, "contents", 2.0f),
        io.trawl.search.SearchOptions.parseFields("title, contents=2"));
  }
}
