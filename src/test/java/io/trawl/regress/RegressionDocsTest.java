package io.trawl.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegressionDocsTest {
  static final Path SPECS = Path.of(RegressionSpecs.DEFAULT_DIR);
  static final Path DOCS = Path.of("docs", "regressions");

  @Test
  void committedDocsAreUpToDate() {
    List<String> stale = RegressionDocs.stale(SPECS, DOCS);
    assertEquals(List.of(), stale, "docs/regressions is out of date with regressions/*.yaml; run "
        + "'trawl regress docs' (bin/trawl regress docs) and commit the result");
  }

  @Test
  void pagesHoldCommandsAndExpectedValues() {
    Map<String, String> docs = RegressionDocs.generate(SPECS);
    String scifact = docs.get("scifact-bm25-flat.md");
    assertTrue(scifact.contains("| bm25 | `bm25(k1=0.9,b=0.4)@1000` | test | 0.6789 | 0.9253 | 0.9767 | exact (4 dp) | CPU |"), scifact);
    assertTrue(scifact.contains("trawl index --collection beir --input \"$TRAWL_COLLECTIONS/beir-scifact/corpus.jsonl\""), scifact);
    assertTrue(scifact.contains("trawl eval -c -m nDCG@10 -m R@100 -m R@1000"), scifact);
    String overview = docs.get(RegressionDocs.OVERVIEW);
    assertTrue(overview.contains("| [dl-passage-monot5](dl-passage-monot5.md) |"), overview);
    assertTrue(overview.contains("needs gpu and model folder monot5-3b-msmarco-10k"), overview);
    assertTrue(overview.contains("| [cranfield-bm25](cranfield-bm25.md) |"), overview);
  }

  @Test
  void everyShippedSpecLoads() {
    for (Path f : RegressionSpecs.files(SPECS)) {
      RegressionSpec s = RegressionSpecs.load(f);
      assertEquals(f.getFileName().toString(), s.name().value() + ".yaml");
    }
  }
}
