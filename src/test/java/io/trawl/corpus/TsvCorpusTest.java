package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TsvCorpusTest extends CorpusContractTest {
  @Override
  protected Corpus corpus() {
    return new TsvCorpus();
  }

  @Override
  protected String validFile() {
    return "0\tThe presence of communication\n1\tsecond MARK passage\n\n2\tthird\twith a tab\n";
  }

  @Override
  protected List<String> validIds() {
    return List.of("0", "1", "2");
  }

  @Override
  protected String fileWithBadDocument() {
    return "0\tfirst\nno tab on this line\n2\tthird\n";
  }

  @Override
  protected long badDocumentLine() {
    return 2;
  }

  @Override
  protected List<String> idsAfterSkipping() {
    return List.of("0", "2");
  }

  @Test
  void overlongDocidIsAnError() throws IOException {
    Path p = write("long.tsv", ("x".repeat(40000) + "\ttext\n1\tok\n").getBytes(StandardCharsets.UTF_8));
    io.trawl.core.InputException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.trawl.core.InputException.class, () -> readAll(corpus(), p.toString(), OnError.FAIL));
    assertEquals(1, e.line());
    assertEquals(List.of("1"), ids(readAll(corpus(), p.toString(), OnError.SKIP)));
  }

  @Test
  void textIsEverythingAfterTheFirstTab() throws IOException {
    Path p = write("c.tsv", validFile().getBytes(StandardCharsets.UTF_8));
    List<SourceDocument> docs = readAll(corpus(), p.toString(), OnError.FAIL);
    assertEquals("third\twith a tab", docs.get(2).contents());
    assertEquals("third\twith a tab", docs.get(2).raw());
    assertEquals(4, docs.get(2).line());
  }
}
