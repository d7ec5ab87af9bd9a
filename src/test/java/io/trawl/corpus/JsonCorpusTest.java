package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new JsonCorpus();
  }

  @Override
  protected String validFile() {
    return """
        {"id": "d1", "contents": "first document", "extra": [1, 2]}
        {"id": "d2", "contents": "second MARK document"}

        {"id": "d3", "contents": "third \\u00e9t\\u00e9"}
        """;
  }

  @Override
  protected List<String> validIds() {
    return List.of("d1", "d2", "d3");
  }

  @Override
  protected String fileWithBadDocument() {
    return """
        {"id": "d1", "contents": "first"}
        {"id": "d2", "contents": "unterminated}
        {"id": "d3", "contents": "third"}
        """;
  }

  @Override
  protected long badDocumentLine() {
    return 2;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("d1", "d3");
  }

  @Test
  void jsonLinesRawIsTheLineAsWritten() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("msmarco-v1-passage"), OnError.FAIL);
    assertEquals(List.of("0", "1", "1000000", "1000001"), ids(docs));
    assertTrue(docs.get(0).raw().startsWith("{\"id\": \"0\", \"contents\": \"The presence of communication"));
    assertTrue(docs.get(3).contents().startsWith("capitate; capitate bone;"));
    assertEquals(2, docs.get(3).line());
    assertTrue(docs.get(3).file().endsWith("docs01.json"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"json/collection1", "json/collection1_gz"})
  void oneObjectPerFile(String dir) {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs(dir), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2"), ids(docs));
    assertEquals("contents of document 1.", docs.get(0).contents());
    assertEquals("Some more \"blah\" text in document2!", docs.get(1).contents());
    assertEquals(1, docs.get(1).line());
  }

  @ParameterizedTest
  @ValueSource(strings = {"json/collection2", "json/collection2_gz"})
  void jsonArray(String dir) {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs(dir), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2"), ids(docs));
    assertEquals("this is the contents 2.", docs.get(1).contents());
    assertEquals(6, docs.get(1).line());
    assertEquals("{\"id\":\"doc2\",\"contents\":\"this is the contents 2.\"}", docs.get(1).raw());
  }

  @ParameterizedTest
  @ValueSource(strings = {"json/collection3", "json/collection3_gz"})
  void concatenatedObjectsWithExtraFields(String dir) {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs(dir), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2"), ids(docs));
    assertEquals("this is the contents 1.", docs.get(0).contents());
    assertTrue(docs.get(1).raw().contains("\"field1\":\"doc2 field1 content\""));
    assertEquals(7, docs.get(1).line());
  }

  @Test
  void collection4() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("json/collection4"), OnError.FAIL);
    assertEquals(List.of("doc3", "doc4"), ids(docs));
    assertEquals("fourth doc goes D", docs.get(1).contents());
  }

  @Test
  void chineseText() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("json/collection_zh"), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2", "doc3"), ids(docs));
    assertTrue(docs.get(0).contents().startsWith("滑铁卢大学"), docs.get(0).contents());
    assertTrue(docs.get(2).contents().contains("Université de la Colombie-Britannique"));
  }

  @Test
  void missingContentsIsAnErrorNamingFileAndLine() {
    String f = SampleData.sampleDocs("json/collection_errors/contents_missing.json");
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), f, OnError.FAIL));
    assertEquals(f + ":2: document 'doc2' has no \"contents\" field", e.getMessage());
  }

  @Test
  void missingIdIsAnErrorNamingFileAndLine() {
    String f = SampleData.sampleDocs("json/collection_errors/id_missing.json");
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), f, OnError.FAIL));
    assertEquals(f + ":2: document has no \"id\" field", e.getMessage());
  }

  @Test
  void errorFolderSkipsBothDocuments() {
    try (CorpusReader r = corpus().read(SampleData.sampleDocs("json/collection_errors"), OnError.SKIP)) {
      assertEquals(null, r.next());
      assertEquals(2, r.errors());
      assertEquals(0, r.documents());
    }
  }

  @Test
  void syntaxErrorInArrayBreaksTheRestOfTheFile() throws IOException {
    Path p = write("array.json", """
        [
          {"id": "a", "contents": "x"},
          {"id": "b", "contents": "y",,},
          {"id": "c", "contents": "z"}
        ]
        """.getBytes(StandardCharsets.UTF_8));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    try (CorpusReader r = corpus().read(p.toString(), OnError.SKIP)) {
      assertEquals("a", r.next().id());
      assertEquals(null, r.next());
      assertTrue(r.errorMessages().get(0).endsWith("(rest of file skipped)"), r.errorMessages().get(0));
    }
  }

  @Test
  void wrongTypesAndEscapedNulAreErrors() throws IOException {
    Path p = write("types.jsonl", """
        {"id": "a", "contents": 3}
        {"id": true, "contents": "x"}
        {"id": "c", "contents": "nul \\u0000 here"}
        [1, 2]
        {"id": 17, "contents": "numeric ids are fine"}
        """.getBytes(StandardCharsets.UTF_8));
    try (CorpusReader r = corpus().read(p.toString(), OnError.SKIP)) {
      SourceDocument d = r.next();
      assertEquals("17", d.id());
      assertEquals(5, d.line());
      assertEquals(null, r.next());
      assertEquals(4, r.errors());
      assertTrue(r.errorMessages().get(0).contains(":1: document 'a': \"contents\" must be a string"), r.errorMessages().get(0));
      assertTrue(r.errorMessages().get(2).contains(":3: document 'c' holds a NUL character"), r.errorMessages().get(2));
      assertTrue(r.errorMessages().get(3).contains(":4: expected a JSON object"), r.errorMessages().get(3));
    }
  }

  @Test
  void readsStandardInput() {
    java.io.InputStream saved = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(validFile().getBytes(StandardCharsets.UTF_8)));
      List<SourceDocument> docs = readAll(corpus(), "-", OnError.FAIL);
      assertEquals(validIds(), ids(docs));
      assertEquals("-", docs.get(0).file());
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void byteOrderMarkAndCrlfAreAccepted() throws IOException {
    byte[] body = "{\"id\": \"a\", \"contents\": \"x\"}\r\n{\"id\": \"b\", \"contents\": \"y\"}\r\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Path p = write("bom.jsonl", withBom);
    List<SourceDocument> docs = readAll(corpus(), p.toString(), OnError.FAIL);
    assertEquals(List.of("a", "b"), ids(docs));
    assertEquals("{\"id\": \"b\", \"contents\": \"y\"}", docs.get(1).raw());
  }

  @Test
  void emptyDocumentsAreRead() throws IOException {
    Path p = write("empty.jsonl", """
        {"id": "a", "contents": ""}
        {"id": "b", "contents": "text"}
        {"id": "c", "contents": "   "}
        """.getBytes(StandardCharsets.UTF_8));
    try (CorpusReader r = corpus().read(p.toString(), OnError.FAIL)) {
      int n = 0;
      while (r.next() != null) {
        n++;
      }
      assertEquals(3, n, "the reader returns them; the indexer skips the empty ones");
    }
  }
}
