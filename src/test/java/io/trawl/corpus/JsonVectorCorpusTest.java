package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonVectorCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new JsonVectorCorpus();
  }

  @Override
  protected String validFile() {
    return "{\"id\": \"a\", \"contents\": \"ignored\", \"vector\": {\"the\": 2, \"##ing\": 1}}\n"
        + "{\"id\": \"b\", \"vector\": {\"x\": 3.9, \"MARK\": 1}}\n\n"
        + "{\"id\": 7, \"vector\": {\"y\": 1}}\n";
  }

  @Override
  protected List<String> validIds() {
    return List.of("a", "b", "7");
  }

  @Override
  protected String fileWithBadDocument() {
    return "{\"id\": \"a\", \"vector\": {\"t\": 1}}\n{\"id\": \"b\", \"contents\": \"no vector\"}\n"
        + "{\"id\": \"c\", \"vector\": {\"t\": 2}}\n";
  }

  @Override
  protected long badDocumentLine() {
    return 2;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("a", "c");
  }

  private static String pseudo(String vector) throws IOException {
    return JsonVectorCorpus.pseudoDocument(new ObjectMapper().readTree(vector));
  }

  /** Anserini's JsonVectorCollection: each term weight.asInt() times, then a space, in JSON order. */
  @Test
  void pseudoDocumentRepeatsEachTermItsTruncatedWeight() throws IOException {
    assertEquals("b b b a ", pseudo("{\"b\": 3, \"a\": 1}"));
    assertEquals("x x ", pseudo("{\"x\": 2.99}"), "truncated toward zero, not rounded");
    assertEquals("", pseudo("{\"zero\": 0, \"small\": 0.7, \"neg\": -3}"), "below 1: no token");
    assertEquals("new york new york ", pseudo("{\"new york\": 2}"), "a key with a space is kept as given");
    assertEquals("s s ", pseudo("{\"s\": \"2\"}"), "a numeric string counts as its number");
    assertEquals("##ing ", pseudo("{\"##ing\": 1e0}"));
    assertThrows(IllegalArgumentException.class, () -> pseudo("{\"big\": 1e9}"));
  }

  @Test
  void contentsAreThePseudoDocumentAndRawTheLine() throws IOException {
    Path p = write("v.jsonl", validFile().getBytes(StandardCharsets.UTF_8));
    List<SourceDocument> docs = readAll(corpus(), p.toString(), OnError.FAIL);
    assertEquals("the the ##ing ", docs.get(0).contents());
    assertEquals("x x x MARK ", docs.get(1).contents());
    assertTrue(docs.get(0).raw().startsWith("{\"id\": \"a\""));
    assertTrue(corpus().impact());
  }

  @Test
  void aDenseVectorIsAnErrorNamingTheLine() throws IOException {
    Path p = write("d.jsonl", "{\"id\": \"a\", \"vector\": [0.1, 0.2]}\n".getBytes(StandardCharsets.UTF_8));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("must be an object"), e.getMessage());
  }
}
