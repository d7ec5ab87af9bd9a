package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.rerank.TinyT5;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One experiment, one tag: {@code trawl search}, {@code trawl run --pipeline} and a YAML regression
 * write the same run file, tag included, however the experiment is spelled (parameter order,
 * {@code 0.40} or {@code 0.4}, defaults written or left out, a reranker's {@code @k} given or
 * inherited, settings that only decide speed). The tag is what the components state: the
 * retriever's and the reranker's canonical specs with the effective depths.
 */
class RunTagsAgreeTest {
  @TempDir static Path tmp;
  static Path index;
  static Path model;

  static final String BM25 = "bm25(k1=0.9,b=0.4)@10";

  static final String SPEC = """
      name: tags
      description: One experiment spelled three ways.
      corpus:
        path: builtin:cranfield
      index:
        name: cranfield
      topics:
        - name: cran
          topics: cranfield
          qrels: cranfield
      measures:
        - measure: nDCG@10
          options: -c
      runs:
        - name: bm25
          pipeline: bm25@10
          expected:
            cran: {nDCG@10: 0.3417}
        - name: mono
          pipeline: bm25(b=0.4)@5 >> monot5(model="%s",batch=2,threads=1)
          expected:
            cran: {nDCG@10: 0.2590}
      """;

  static SearchCommandTest.Result trawl(String... args) {
    return SearchCommandTest.run(args);
  }

  /** The regression first: it builds the index that search and run then use. */
  @BeforeAll
  static void regression() throws Exception {
    model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Path specs = Files.createDirectories(tmp.resolve("regressions"));
    Files.writeString(specs.resolve("tags.yaml"), SPEC.formatted(model));
    SearchCommandTest.Result r = trawl("regress", "run", "tags", "--dir", specs.toString(), "--collections",
        Files.createDirectories(tmp.resolve("collections")).toString(), "--models", tmp.toString(),
        "--index-root", tmp.resolve("indexes").toString(), "--runs", tmp.resolve("runs").toString());
    assertEquals(0, r.code(), r.out() + r.err());
    index = tmp.resolve("indexes").resolve("cranfield");
  }

  static List<String> tags(Path run) throws Exception {
    return Files.readAllLines(run).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct().toList();
  }

  @Test
  void searchRunAndRegressionTagAndWriteTheSameRun() throws Exception {
    Path search = tmp.resolve("search.txt");
    assertEquals(0, trawl("search", "--index", index.toString(), "--topics", "cranfield", "--retriever",
        "bm25(b=0.40,k1=0.90)", "--hits", "10", "--output", search.toString(), "--quiet").code());
    Path run = tmp.resolve("run.txt");
    SearchCommandTest.Result r = trawl("run", "--pipeline", "bm25(b=0.40,k1=0.90)@10", "--index", index.toString(),
        "--topics", "cranfield", "--output", run.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(BM25 + ":"), r.err());
    Path regression = tmp.resolve("runs").resolve("tags.bm25.cran.txt");
    assertEquals(List.of(BM25), tags(search));
    assertArrayEquals(Files.readAllBytes(search), Files.readAllBytes(run));
    assertArrayEquals(Files.readAllBytes(search), Files.readAllBytes(regression));
  }

  @Test
  void aRerankingPipelineIsTaggedByWhatItsStagesAre() throws Exception {
    String expected = "bm25(k1=0.9,b=0.4)@5>>monot5(model=" + model + ",batch=2,max-length=512,device=cpu,"
        + "dtype=float32,true-id=1176,false-id=6136,passage-words=0,passage-stride=0)@5";
    Path run = tmp.resolve("mono.txt");
    SearchCommandTest.Result r = trawl("run", "--pipeline", "bm25(k1=0.90)@5 >> monot5(model=\"" + model
        + "\",max-length=512,batch=2,device=auto,threads=1)@100", "--index", index.toString(), "--topics", "cranfield",
        "--output", run.toString());
    assertEquals(0, r.code(), r.err());
    Path regression = tmp.resolve("runs").resolve("tags.mono.cran.txt");
    assertEquals(List.of(expected), tags(run));
    assertArrayEquals(Files.readAllBytes(regression), Files.readAllBytes(run));
    // the tag is itself a pipeline that repeats the run
    Path again = tmp.resolve("again.txt");
    assertEquals(0, trawl("run", "--pipeline", expected, "--index", index.toString(), "--topics", "cranfield",
        "--output", again.toString(), "--quiet").code());
    assertArrayEquals(Files.readAllBytes(run), Files.readAllBytes(again));
  }
}
