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

  /**
   * The contents are Anserini's: its TrecCollection (1.5.0, same code in 2.2.0) gives exactly
   * these strings for the sample documents ({@code Document.contents()}, jsoup's text of the
   * chosen elements).
   */
  @Test
  void collection1KeepsTextElementsOnly() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("trec/collection1"), OnError.FAIL);
    assertEquals(List.of("AP-0001", "doc2"), ids(docs));
    assertEquals("This is head and should be included This is headline and should be included"
        + " Hopefully we get this right", docs.get(0).contents());
    assertTrue(docs.get(0).raw().startsWith("<DOC>\n<DOCNO> AP-0001 </DOCNO>"));
    assertTrue(docs.get(0).raw().endsWith("</DOC>"));
    assertEquals("here is some text.", docs.get(1).contents());
    assertEquals(16, docs.get(1).line());
  }

  @Test
  void collection2And3() {
    List<SourceDocument> two = readAll(corpus(), SampleData.sampleDocs("trec/collection2"), OnError.FAIL);
    assertEquals(List.of("TREC_DOC_1", "DOC222", "WSJ_1"), ids(two));
    assertEquals(List.of("This is head very simple text", "HEAD simple enough text text text",
        "head text 01/30/03 content"), two.stream().map(SourceDocument::contents).toList());
    List<SourceDocument> three = readAll(corpus(), SampleData.sampleDocs("trec/collection3"), OnError.FAIL);
    assertEquals(List.of("TREC_DOC_1.00001", "TREC_DOC_1.00002", "WSJ_1"), ids(three));
  }

  /** Anserini's TrecCollection removes inner tags too (its CleanTrecCollection would keep them). */
  @Test
  void innerTagsAndEntitiesAreReducedToText() throws IOException {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("clean_trec/collection1"), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2"), ids(docs));
    assertEquals("here is a bit of text, and the tags should not be removed.", docs.get(0).contents());
    Path p = write("inner.sgml", """
        <DOC>
        <DOCNO> FT-1 </DOCNO>
        <TEXT>
        <P>AT&amp;T said &lt;25% of it</P><P>grew</P>
        </TEXT>
        </DOC>
        """.getBytes(StandardCharsets.UTF_8));
    assertEquals("AT&T said <25% of it grew", readAll(corpus(), p.toString(), OnError.FAIL).get(0).contents());
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
