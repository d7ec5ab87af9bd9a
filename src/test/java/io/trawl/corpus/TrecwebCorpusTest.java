package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrecwebCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new TrecwebCorpus();
  }

  @Override
  protected String validFile() {
    return """
        <DOC>
        <DOCNO>W-1</DOCNO>
        <DOCHDR>
        http://example.com/ 200
        </DOCHDR>
        <html><head><title>One</title><script>var x = "<b>";</script></head>
        <body>first &amp; only</body></html>
        </DOC>
        <DOC>
        <DOCNO>W-2</DOCNO>
        <DOCHDR>h</DOCHDR>
        <p>MARK</p>
        </DOC>
        <DOC>
        <DOCNO>W-3</DOCNO>
        no header &#233;t&#xE9;
        </DOC>
        """;
  }

  @Override
  protected List<String> validIds() {
    return List.of("W-1", "W-2", "W-3");
  }

  @Override
  protected String fileWithBadDocument() {
    return """
        <DOC>
        <DOCNO>W-1</DOCNO>
        one
        </DOC>
        <DOC>
        W-2 </DOCNO>
        two
        </DOC>
        <DOC>
        <DOCNO>W-3</DOCNO>
        three
        </DOC>
        """;
  }

  @Override
  protected long badDocumentLine() {
    return 5;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("W-1", "W-3");
  }

  @Test
  void htmlIsReducedToText() {
    assertEquals("One first & only", HtmlText.text(
        "<html><head><title>One</title><script>var x = \"<b>\";</script></head>\n<body>first &amp; only</body></html>"));
    assertEquals("été", HtmlText.text("&#233;t&#xE9;"));
  }

  @Test
  void sampleFailsOnTheIncompleteDocument() {
    String dir = SampleData.sampleDocs("trecweb/collection1");
    InputException e = assertThrows(InputException.class, () -> readAll(corpus(), dir, OnError.FAIL));
    assertTrue(e.getMessage().endsWith("segment1.txt:10: document has no <DOCNO>"), e.getMessage());
  }

  @Test
  void sampleSkipsTheIncompleteDocumentAndContinues() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("trecweb/collection1"), OnError.SKIP);
    assertEquals(List.of("WEB-0001", "WEB-0003"), ids(docs));
    assertEquals("Wh at ever here will be parsed asdf", docs.get(0).contents());
    assertTrue(docs.get(1).raw().contains("DOCHDR will NOT be"));
  }
}
