package io.trawl.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.corpus.BeirCorpus;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Indexer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Empty documents do not change feedback runs. RM3 and Rocchio drop feedback terms whose
 * document frequency exceeds 10% of the index's documents; Anserini never indexes empty
 * documents, so they must not count. Cranfield (two empty documents of its own) with 200 more
 * empty ones mixed in gives the same runs as Cranfield alone, and those are Anserini's: the SHA-256
 * of each run's lines (qid, Q0, docid, rank, score; topic-file order) as made by Anserini 1.5.0
 * ({@code IndexCollection -collection BeirFlatCollection -storeDocvectors}, which logs "empty: 2";
 * {@code SearchCollection -bm25 -rm3}, {@code -bm25 -rocchio}, {@code -qld -rm3}, {@code -hits
 * 1000}). Anserini 1.5.0 runs the same indexing, RM3, Rocchio and topic code as 2.2.0 and
 * reproduces the 2.2.0 SciFact reference runs of ../shared line for line.
 */
class EmptyDocumentsFeedbackTest {
  @TempDir static Path tmp;
  static Path plain;
  static Path padded;
  static String topics;

  @BeforeAll
  static void build() throws IOException {
    Path corpus = TestIndexes.shared("cranfield/corpus.jsonl");
    topics = TestIndexes.shared("cranfield/topics.tsv").toString();
    List<String> lines = Files.readAllLines(corpus);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      sb.append(lines.get(i)).append('\n');
      if (i % 7 == 0 && i / 7 < 200) {
        sb.append("{\"_id\": \"empty-").append(i).append("\", \"title\": \"\", \"text\": \" \"}\n");
      }
    }
    Path paddedCorpus = Files.writeString(tmp.resolve("padded.jsonl"), sb);
    plain = index(corpus, "plain");
    padded = index(paddedCorpus, "padded");
    assertEquals(1398, IndexMetadata.read(plain).documents());
    assertEquals(2, IndexMetadata.read(plain).emptyDocuments());
    assertEquals(1398, IndexMetadata.read(padded).documents());
    assertEquals(202, IndexMetadata.read(padded).emptyDocuments());
  }

  private static Path index(Path corpus, String name) {
    return new Indexer(new Indexer.Options().corpus(new BeirCorpus(), corpus.toString())
        .index(tmp.resolve(name)).threads(2).storeDocvectors(true)).run().index();
  }

  @ParameterizedTest
  @CsvSource({
      "rm3, 212431, d5867bc145b8e63969996dfe0fe3a4e5008c9ac7dcc1926ca136c48644ff72a0",
      "rocchio, 212694, 2e77a3d3b6e8e987525d286271cc52be0473c491729890574e1d6d9c2426d53c",
      "rm3(model=qld), 212433, 34162b7c3f699a2f3f2a8b1834076af29f02bae0e2f403390f01d1e9ddd3d10c",
      "rocchio(model=qld), 212935, c3d07ae7bef8f7a005b872f84e662b7c35825cc9df3609ddbd24b531ded079af"})
  void feedbackRunsIgnoreEmptyDocumentsAsAnserini(String spec, int lines, String sha256) {
    List<String> a = AnseriniSampleParityTest.run(plain, spec, topics);
    List<String> b = AnseriniSampleParityTest.run(padded, spec, topics);
    assertEquals(a, b, spec + ": the 200 empty documents changed the run");
    assertEquals(lines, a.size(), spec);
    assertEquals(sha256, sha256(a), spec + ": not Anserini's run");
  }

  /** SHA-256 (hex) of the lines, each followed by a newline. */
  static String sha256(List<String> lines) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (String l : lines) {
        md.update((l + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
