package io.trawl.cli;

import static io.trawl.cli.DenseCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.corpus.Corpora;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.CorpusTexts;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SourceDocument;
import io.trawl.rerank.IndexDocTexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dense indexing reads every corpus format {@code trawl index} reads, and every consumer sees one
 * text per document ({@link Corpus#text}): the same 25 Cranfield documents as BEIR JSONL (title
 * and text apart), Anserini JSON, TSV and TREC SGML (title and text joined by a space) give the
 * same texts, and the same reranker texts from a BM25 index; TSV and TREC give the same dense run
 * byte for byte.
 */
class DenseIndexFormatsTest {
  @TempDir static Path dir;
  static final Map<String, String> FILES = new java.util.LinkedHashMap<>();

  static String clean(String s) {
    return s.replaceAll("[^a-z0-9.,-]+", " ").strip();
  }

  @BeforeAll
  static void corpora() throws Exception {
    StringBuilder beir = new StringBuilder();
    StringBuilder json = new StringBuilder();
    StringBuilder tsv = new StringBuilder();
    StringBuilder trec = new StringBuilder();
    Corpus cranfield = Corpora.forInput(null, "builtin:cranfield");
    int n = 0;
    try (CorpusReader r = cranfield.read("builtin:cranfield", OnError.FAIL)) {
      SourceDocument d;
      while (n < 25 && (d = r.next()) != null) {
        String title = clean(d.title());
        String text = clean(d.contents());
        if (title.isEmpty() || !text.startsWith(title + " ")) {
          continue;
        }
        String rest = text.substring(title.length() + 1);
        String id = "c" + d.id();
        beir.append("{\"_id\":\"").append(id).append("\",\"title\":\"").append(title)
            .append("\",\"text\":\"").append(rest).append("\"}\n");
        json.append("{\"id\":\"").append(id).append("\",\"contents\":\"").append(text).append("\"}\n");
        tsv.append(id).append('\t').append(text).append('\n');
        trec.append("<DOC>\n<DOCNO> ").append(id).append(" </DOCNO>\n<TEXT>\n").append(text)
            .append("\n</TEXT>\n</DOC>\n");
        n++;
      }
    }
    assertEquals(25, n);
    FILES.put("beir", write("corpus.beir.jsonl", beir));
    FILES.put("json", write("corpus.json.jsonl", json));
    FILES.put("tsv", write("corpus.tsv", tsv));
    FILES.put("trec", write("corpus.trec", trec));
  }

  static String write(String name, CharSequence text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void everyFormatGivesTheSameTexts() {
    CorpusTexts first = null;
    for (Map.Entry<String, String> e : FILES.entrySet()) {
      CorpusTexts t = CorpusTexts.read(Corpora.get(e.getKey()), e.getValue());
      assertEquals(25, t.ids().size(), e.getKey());
      if (first == null) {
        first = t;
      }
      assertEquals(first, t, e.getKey());
    }
  }

  @Test
  void denseIndexReadsTsvAndTrecCorporaAndSearchesAlike() throws Exception {
    Path topics = dir.resolve("topics.tsv");
    Files.writeString(topics, "1\tboundary layer flow past a flat plate\n2\twing in a propeller slipstream\n");
    String first = null;
    for (String format : List.of("tsv", "trec")) { // BEIR and JSON: the same texts, shown above
      Path index = dir.resolve("dense." + format);
      DenseCommandsTest.Result r = run("dense-index", "--collection", format, "--corpus", FILES.get(format),
          "--encoder", "all-minilm-l6-v2", "--index", index.toString(), "--flat", "-q");
      assertEquals(0, r.code(), format + ": " + r.err());
      Path out = dir.resolve("run." + format + ".txt");
      DenseCommandsTest.Result s = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
          "--output", out.toString(), "--k", "10", "--exact", "-q");
      assertEquals(0, s.code(), format + ": " + s.err());
      // the run tag names the index folder; the rest must be the same
      String text = Files.readString(out).replace(index.toString(), "INDEX");
      assertEquals(20, text.lines().count(), format);
      if (first == null) {
        first = text;
      }
      assertEquals(first, text, format + " gives another run than tsv");
    }
    assertTrue(first.startsWith("1 Q0 c"), first);

  }

  @Test
  void rerankersReadTheSameTextFromAnIndexOfAnyFormat() {
    CorpusTexts expected = CorpusTexts.read(Corpora.get("beir"), FILES.get("beir"));
    for (Map.Entry<String, String> e : FILES.entrySet()) {
      Path index = dir.resolve("bm25." + e.getKey());
      DenseCommandsTest.Result r = run("index", "--collection", e.getKey(), "--input", e.getValue(), "--index",
          index.toString(), "-q");
      assertEquals(0, r.code(), e.getKey() + ": " + r.err());
      try (IndexDocTexts texts = new IndexDocTexts(index)) {
        for (int i = 0; i < expected.ids().size(); i++) {
          assertEquals(expected.texts().get(i), texts.text(expected.ids().get(i)), e.getKey());
        }
      }
    }
  }
}
