package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BeirCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new BeirCorpus();
  }

  @Override
  protected String validFile() {
    return """
        {"_id": "1", "title": "First", "text": "one"}
        {"_id": "2", "title": "", "text": "two MARK"}
        {"_id": "3", "text": "no title at all"}
        """;
  }

  @Override
  protected List<String> validIds() {
    return List.of("1", "2", "3");
  }

  @Override
  protected String fileWithBadDocument() {
    return """
        {"_id": "1", "title": "First", "text": "one"}
        {"_id": "2", "title": "has no text"}
        {"_id": "3", "title": "Third", "text": "three"}
        """;
  }

  @Override
  protected long badDocumentLine() {
    return 2;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("1", "3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"beir/collection1", "beir/collection2"})
  void sampleSegments(String dir) {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs(dir), OnError.FAIL);
    assertEquals(List.of("doc1", "doc2", "doc3"), ids(docs));
    assertEquals("doc2 title", docs.get(1).title());
    assertEquals("doc2 text", docs.get(1).contents());
    assertEquals("{\"_id\": \"doc3\", \"title\": \"doc3 title\", \"text\": \"doc3 text\"}", docs.get(2).raw());
    assertTrue(docs.get(2).file().endsWith(dir.endsWith("2") ? "segment2.jsonl.gz" : "segment2.jsonl"));
  }

  @Test
  void nfcorpusSample() {
    List<SourceDocument> docs = readAll(corpus(), SampleData.sampleDocs("beir-nfcorpus/corpus.jsonl"), OnError.FAIL);
    assertEquals(List.of("MED-10", "MED-14"), ids(docs));
    assertEquals("Statin Use and Breast Cancer Survival: A Nationwide Cohort Study from Finland", docs.get(0).title());
    assertTrue(docs.get(0).contents().contains("1995\u20132003"), "escapes decoded");
  }

  @Test
  void titles() {
    assertTrue(corpus().hasTitles());
    assertFalse(corpus().titleInContents());
  }

  @Test
  void builtinCranfield() {
    Corpus c = Corpora.forInput(null, "builtin:cranfield");
    assertTrue(c.titleInContents());
    List<SourceDocument> docs = readAll(c, "builtin:cranfield", OnError.FAIL);
    assertEquals(1400, docs.size());
    assertEquals("1", docs.get(0).id());
    assertEquals("1400", docs.get(1399).id());
    // .W repeats .T (two documents differ by a typo), which is why flat does not add the title
    long repeated = docs.stream().filter(d -> d.contents().startsWith(d.title())).count();
    assertEquals(1398, repeated);
  }
}
