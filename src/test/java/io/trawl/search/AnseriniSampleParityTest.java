package io.trawl.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.core.Query;
import io.trawl.corpus.JsonCorpus;
import io.trawl.corpus.TrecCorpus;
import io.trawl.index.Indexer;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anserini 2.2.0's run lines on its own sample collections (TREC SGML and a JSON array, indexed by
 * the project's Indexer), reproduced line for line: BM25, QL, RM3, Rocchio and a score tie.
 */
class AnseriniSampleParityTest {
  @TempDir static Path tmp;
  static Path samples;
  static Path trecIndex;
  static Path jsonIndex;

  @BeforeAll
  static void build() throws IOException {
    samples = TestIndexes.shared("anserini-test-samples");
    // built with the project's Indexer, as Anserini built them: term vectors, raw documents
    trecIndex = tmp.resolve("trec");
    new Indexer(new Indexer.Options().corpus(new TrecCorpus(),
        samples.resolve("sample_docs/trec/collection2").toString()).index(trecIndex).threads(1)
        .storeDocvectors(true)).run();
    jsonIndex = tmp.resolve("json");
    new Indexer(new Indexer.Options().corpus(new JsonCorpus(),
        samples.resolve("sample_docs/json/collection2/segment1.json").toString()).index(jsonIndex)
        .threads(1).storeDocvectors(true)).run();
  }

  /** Our lines (first five columns) for the topics. */
  static List<String> run(Path index, String spec, String topics) {
    List<String> out = new ArrayList<>();
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        Retriever r = Retrievers.open(spec, idx, SearchOptions.defaults())) {
      for (Query q : Topics.read(topics)) {
        StringBuilder sb = new StringBuilder();
        RunWriter.appendLines(sb, r.retrieve(q, 1000), RunWriter.Format.TREC, "x");
        for (String line : sb.toString().split("\n")) {
          if (!line.isEmpty()) {
            out.add(line.substring(0, line.lastIndexOf(' ')));
          }
        }
      }
    }
    return out;
  }

  static List<String> expected(String name) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(samples.resolve("expected-runs").resolve(name))) {
      if (!line.isBlank()) {
        out.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }

  private void check(Path index, String spec, String topics, String expected) throws IOException {
    assertEquals(expected(expected), run(index, spec, samples.resolve("sample_topics").resolve(topics).toString()),
        spec + " on " + topics);
  }

  @Test
  void trecBm25() throws IOException {
    check(trecIndex, "bm25", "Trec", "run.trec.bm25.txt");
  }

  @Test
  void trecQld() throws IOException {
    check(trecIndex, "qld", "Trec", "run.trec.qld.txt");
  }

  @Test
  void trecRm3() throws IOException {
    check(trecIndex, "rm3", "Trec", "run.trec.bm25rm3.txt");
  }

  @Test
  void trecRocchio() throws IOException {
    check(trecIndex, "rocchio", "Trec", "run.trec.bm25rocchio.txt");
  }

  @Test
  void jsonBm25WithTies() throws IOException {
    check(jsonIndex, "bm25(k1=0.9,b=0.4)", "json_topics2.tsv", "run.json2.bm25.txt");
  }
}
