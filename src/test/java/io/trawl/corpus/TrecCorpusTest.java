package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrecCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new TrecCorpus();
  }

  @Override
  protected String validFile() {
    return """
        <DOC>
        <DOCNO> A-1 </DOCNO>
        <TEXT>
        first
        </TEXT>
        </DOC>
        <DOC>
        <DOCNO>A-2</DOCNO>
        <HEAD>second</HEAD>
        <TEXT>
        MARK
        </TEXT>
        </DOC>
        <DOC id="A-3">
        <TEXT>third</TEXT>
        </DOC>
        """;
  }

  @Override
  protected List<String> validIds() {
    return List.of("A-1", "A-2", "A-3");
  }

  @Override
  protected String fileWithBadDocument() {
    return """
        <DOC>
        <DOCNO>A-1</DOCNO>
        <TEXT>first</TEXT>
        </DOC>
        <DOC>
        <TEXT>no docno</TEXT>
        </DOC>
        <DOC>
        <DOCNO>A-3</DOCNO>
        <TEXT>third</TEXT>
        </DOC>
        """;
  }

  @Override
  protected long badDocumentLine() {
    return 5;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("A-1", "A-3");
  }

  @Test
  void collection1KeepsTextElementsOnly() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("trec/collection1"), OnError.FAIL);
    assertEquals(List.of("AP-0001", "doc2"), ids(docs));
    String c = docs.get(0).contents();
    assertTrue(c.contains("This is head and should be included"), c);
    assertTrue(c.contains("This is headline and should be included"), c);
    assertTrue(c.contains("Hopefully we \nget this\n right"), c);
    assertFalse(c.contains("should NOT be included"), c);
    assertFalse(c.contains("AP-0001"), c);
    assertFalse(c.contains("<"), c);
    assertTrue(docs.get(0).raw().startsWith("<DOC>\n<DOCNO> AP-0001 </DOCNO>"));
    assertTrue(docs.get(0).raw().endsWith("</DOC>"));
    assertEquals("here is some text.", docs.get(1).contents());
    assertEquals(16, docs.get(1).line());
  }

  @Test
  void collection2And3() {
    List<SourceDocument> two = readAll(corpus(), SampleData.sampleDocs("trec/collection2"), OnError.FAIL);
    assertEquals(List.of("TREC_DOC_1", "DOC222", "WSJ_1"), ids(two));
    assertEquals("This is head\nvery simple\n   text", two.get(0).contents());
    // WSJ: multi-line DOCNO, HL/DATE/LP kept, DOCID/SO/CO/... left out, empty TEXT
    assertEquals("head text\n01/30/03\ncontent", two.get(2).contents());
    List<SourceDocument> three = readAll(corpus(), SampleData.sampleDocs("trec/collection3"), OnError.FAIL);
    assertEquals(List.of("TREC_DOC_1.00001", "TREC_DOC_1.00002", "WSJ_1"), ids(three));
  }

  @Test
  void cleanTrecSampleKeepsInnerTags() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("clean_trec/collection1"), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2"), ids(docs));
    assertEquals("here is a bit of text, and the <p>tags should not be removed.</p>", docs.get(0).contents());
  }

  @Test
  void unclosedDocumentIsAnError() throws IOException {
    Path p = write("open.sgml", "<DOC>\n<DOCNO>x</DOCNO>\n<TEXT>never closed\n".getBytes(StandardCharsets.UTF_8));
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("not closed"), e.getMessage());
  }

  @Test
  void docStartedInsideDocumentRecovers() throws IOException {
    Path p = write("nested.sgml", """
        <DOC>
        <DOCNO>x</DOCNO>
        <DOC>
        <DOCNO>y</DOCNO>
        <TEXT>why</TEXT>
        </DOC>
        """.getBytes(StandardCharsets.UTF_8));
    try (CorpusReader r = corpus().read(p.toString(), OnError.SKIP)) {
      assertEquals("y", r.next().id());
      assertEquals(null, r.next());
      assertTrue(r.errorMessages().get(0).contains(":1: <DOC> is not closed by </DOC> before the next <DOC> at line 3"),
          r.errorMessages().get(0));
    }
  }
}
