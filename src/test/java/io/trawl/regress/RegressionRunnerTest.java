package io.trawl.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.cli.Trawl;
import io.trawl.core.InputException;
import io.trawl.index.IndexMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * End-to-end runner tests on the embedded Cranfield collection (no data outside the repository):
 * pass, mismatch (exit 3 with a readable diff), index reuse and rebuild, skips, and bad specs
 * (exit 2 naming file and line).
 */
class RegressionRunnerTest {
  @TempDir static Path tmp;
  static Path specs;
  static Path indexes;
  static Path runs;
  static Path collections;

  static final String CRANFIELD = """
      name: %s
      description: Cranfield BM25, for tests.
      corpus:
        path: builtin:cranfield
        stats: {documents: 1398, unique_terms: 5171, total_terms: 143191}
      index:
        name: cranfield-test
      topics:
        - name: cran
          topics: cranfield
          qrels: cranfield
      measures:
        - measure: AP
          options: -c
        - measure: nDCG@10
          options: -c
      runs:
        - name: bm25
          pipeline: bm25(k1=0.9,b=0.4)@1000
          expected:
            cran: {AP: %s, nDCG@10: 0.3417}
        - name: mono
          pipeline: bm25@100 >> monot5(model=${models}/monot5-3b-msmarco-10k)@100
          requires: {gpu: true, models: [monot5-3b-msmarco-10k]}
          tolerance: 0.01
          expected:
            cran: {nDCG@10: 0.5}
      """;

  @BeforeAll
  static void setUp() throws IOException {
    specs = Files.createDirectories(tmp.resolve("regressions"));
    indexes = tmp.resolve("indexes");
    runs = tmp.resolve("runs");
    collections = Files.createDirectories(tmp.resolve("collections"));
    write("cran-good", CRANFIELD.formatted("cran-good", "0.2791"));
    write("cran-wrong", CRANFIELD.formatted("cran-wrong", "0.2891"));
  }

  static Path write(String name, String text) throws IOException {
    return Files.writeString(specs.resolve(name + ".yaml"), text);
  }

  RegressEnv env() {
    return new RegressEnv(collections, tmp.resolve("models"), indexes, runs, false, Map.of());
  }

  static final class Result {
    int code;
    String out;
    String err;
  }

  static Result cli(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    Result r = new Result();
    r.code = cl.execute(args);
    r.out = out.toString();
    r.err = err.toString();
    return r;
  }

  String[] common(String... more) {
    String[] base = {"--dir", specs.toString(), "--collections", collections.toString(), "--models",
        tmp.resolve("models").toString(), "--index-root", indexes.toString(), "--runs", runs.toString(),
        "--no-gpu", "-q"};
    String[] all = new String[more.length + base.length];
    System.arraycopy(more, 0, all, 0, more.length);
    System.arraycopy(base, 0, all, more.length, base.length);
    return all;
  }

  @Test
  void passesThenReusesTheIndexAndFailsOnAWrongValue() throws IOException {
    RegressionRunner runner = new RegressionRunner(env(), null, 2, false);
    RegressionResult first = runner.run(specs.resolve("cran-good.yaml"));
    assertEquals(RegressionResult.Status.PASS, first.status(), RegressionReport.render(first));
    assertEquals(3, first.stats().size());
    assertTrue(first.stats().stream().allMatch(RegressionResult.StatCheck::passed));
    Path index = indexes.resolve("cranfield-test");
    assertEquals(1398, IndexMetadata.read(index).documents());
    assertTrue(Files.isRegularFile(runs.resolve("cran-good.bm25.cran.txt")));
    assertTrue(Files.readString(runs.resolve("cran-good.bm25.cran.txt")).contains(" bm25(k1=0.9,b=0.4)@1000\n"));
    RegressionResult.RunResult mono = first.runs().get(1);
    assertEquals("needs gpu and model folder monot5-3b-msmarco-10k (trawl fetch castorini/monot5-3b-msmarco-10k)", mono.skipped());

    RegressionResult second = runner.run(specs.resolve("cran-good.yaml"));
    assertTrue(second.indexReused(), "second run must reuse the index");
    assertFalse(first.indexReused());
    assertEquals(RegressionResult.Status.PASS, second.status());

    // a deliberately wrong expected AP: mismatch, exit 3, readable diff
    Result r = cli(common("regress", "run", "cran-wrong"));
    assertEquals(3, r.code, r.out + r.err);
    assertTrue(r.out.contains("MISMATCH"), r.out);
    assertTrue(r.out.contains("bm25 / cran / AP: expected 0.2891, got 0.2791 (-0.0100, allowed exact (4 dp))"), r.out);
    assertTrue(r.out.contains("result: FAIL (1 check differs)"), r.out);
    assertTrue(r.out.contains("reused"), "index shared by name must be reused: " + r.out);
  }

  @Test
  void rebuildsAnIndexThatDoesNotMatchTheSpec() throws IOException {
    RegressionRunner runner = new RegressionRunner(env(), null, 2, false);
    String text = CRANFIELD.formatted("cran-mf", "0.2791").replace("name: cranfield-test", "name: cranfield-mf")
        .replace("  name: cranfield-mf\n", "  name: cranfield-mf\n  options: {layout: multifield}\n");
    Path f = write("cran-mf", text);
    RegressionSpec spec = RegressionSpecs.load(f);
    RegressionPlan plan = RegressionPlan.resolve(f, spec, env());
    assertEquals("no index yet", RegressionRunner.reusable(plan));
    runner.run(plan);
    assertEquals(null, RegressionRunner.reusable(plan));
    // the same folder asked for with other options is rebuilt
    Path g = write("cran-flat-same-folder", CRANFIELD.formatted("cran-flat-same-folder", "0.2791")
        .replace("name: cranfield-test", "name: cranfield-mf"));
    RegressionPlan flat = RegressionPlan.resolve(g, RegressionSpecs.load(g), env());
    assertEquals("layout multifield, spec wants flat", RegressionRunner.reusable(flat));
    RegressionResult r = runner.run(flat);
    assertFalse(r.indexReused());
    assertEquals("flat", IndexMetadata.read(indexes.resolve("cranfield-mf")).layout());
    // expected statistics that differ: not reusable, and reported as a mismatch
    Path h = write("cran-stats", CRANFIELD.formatted("cran-stats", "0.2791")
        .replace("name: cranfield-test", "name: cranfield-mf").replace("documents: 1398", "documents: 1401"));
    RegressionPlan stats = RegressionPlan.resolve(h, RegressionSpecs.load(h), env());
    assertEquals("it has 1398 documents, spec expects 1401", RegressionRunner.reusable(stats));
    Files.delete(h);
    Files.delete(g);
    Files.delete(f);
  }

  @Test
  void gpuSpecNamedExplicitlyExitsOneAndSaysWhatToFetch() throws IOException {
    Path gpu = write("gpu-only", """
        name: gpu-only
        topics:
          - {name: cran, topics: cranfield, qrels: cranfield}
        measures:
          - {measure: nDCG@10, options: -c}
        requires: {gpu: true, models: [monot5-3b-msmarco-10k]}
        runs:
          - name: mono
            pipeline: run(file=x)@100 >> monot5(model=${models}/monot5-3b-msmarco-10k)@100
            expected:
              cran: {nDCG@10: 0.7}
        """);
    try {
      Result r = cli(common("regress", "run", "gpu-only"));
      assertEquals(1, r.code, r.out + r.err);
      assertTrue(r.out.contains("skipped: needs gpu and model folder monot5-3b-msmarco-10k (trawl fetch castorini/monot5-3b-msmarco-10k)"), r.out);
      assertTrue(r.out.contains("to fetch what the skipped specs need: trawl fetch castorini/monot5-3b-msmarco-10k"), r.out);
      assertTrue(r.err.contains("cannot run here: gpu-only (needs gpu and model folder"), r.err);
      RegressionResult res = new RegressionRunner(env(), null, 1, false).run(gpu);
      assertEquals(RegressionResult.Status.SKIP, res.status());
    } finally {
      Files.delete(gpu);
    }
  }

  static String bad(String name, String text) throws IOException {
    Path f = write(name, text.replace("name: cran-good", "name: " + name));
    try {
      return f.toString();
    } finally {
      f.toFile().deleteOnExit();
    }
  }

  Result runBad(String name, String text) throws IOException {
    String f = bad(name, text);
    Result r = cli(common("regress", "run", f));
    Files.delete(Path.of(f));
    assertEquals(2, r.code, r.out + r.err);
    return r;
  }

  @Test
  void badSpecsFailWithFileAndLine() throws IOException {
    String good = CRANFIELD.formatted("cran-good", "0.2791");
    Result r = runBad("bad-field", good.replace("  - name: bm25\n", "  - name: bm25\n    tolerence: 0.1\n"));
    assertTrue(r.err.contains("bad-field.yaml:19:5: unknown field 'tolerence' in 'runs[0]'; known: description, expected, name, pipeline, requires, tolerance"), r.err);

    r = runBad("bad-type", good.replace("documents: 1398", "documents: lots"));
    assertTrue(r.err.contains("bad-type.yaml:5:22: wrong type for 'corpus.stats.documents': expected an integer, got 'lots'"), r.err);

    r = runBad("bad-file", good.replace("topics: cranfield", "topics: nosuch/topics.tsv"));
    assertTrue(r.err.contains("bad-file.yaml:10:13: topics file " + collections.resolve("nosuch/topics.tsv") + ": no such file"), r.err);

    r = runBad("bad-reranker", good.replace("bm25(k1=0.9,b=0.4)@1000", "bm25@100 >> monot6(model=x)@10"));
    assertTrue(r.err.contains("bad-reranker.yaml:19:15: run 'bm25': unknown reranker (stage 2) 'monot6' (did you mean 'monot5'?); valid: "), r.err);

    r = runBad("bad-pipeline", good.replace("bm25(k1=0.9,b=0.4)@1000", "bm25(k1=0.9,b=0.4@1000"));
    assertTrue(r.err.contains("bad-pipeline.yaml:19:15: invalid pipeline 'bm25(k1=0.9,b=0.4@1000' at column 23: expected ')' at end"), r.err);

    r = runBad("bad-measure", good.replace("measure: AP", "measure: APP").replace("{AP:", "{APP:"));
    assertTrue(r.err.contains("bad-measure.yaml:13:14: "), r.err);

    r = runBad("bad-retriever", good.replace("bm25(k1=0.9,b=0.4)@1000", "bm52@1000"));
    assertTrue(r.err.contains("unknown first stage (retriever or file source) 'bm52' (did you mean 'bm25'?)"), r.err);

    r = runBad("bad-param", good.replace("bm25(k1=0.9,b=0.4)@1000", "bm25(k=0.9)@1000"));
    assertTrue(r.err.contains("bad-param.yaml:19:15: run 'bm25': unknown parameter 'k' for bm25; known: k1, b"), r.err);

    InputException e = assertThrows(InputException.class, () -> RegressionSpecs.load(Path.of("regressions/nope.yaml")));
    assertTrue(e.getMessage().contains("no such regression spec file"));
    r = cli(common("regress", "run", "cran-godo"));
    assertEquals(2, r.code);
    assertTrue(r.err.contains("unknown regression 'cran-godo' (did you mean 'cran-good'?)"), r.err);
  }

  @Test
  void dryRunPrintsTheCommands() {
    Result r = cli(common("regress", "run", "cran-good", "--dry-run"));
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("trawl index --input builtin:cranfield --index " + indexes.resolve("cranfield-test")), r.out);
    assertTrue(r.out.contains("trawl search --index " + indexes.resolve("cranfield-test")
        + " --topics cranfield --retriever 'bm25(k1=0.9,b=0.4)' --hits 1000 --output "
        + runs.resolve("cran-good.bm25.cran.txt")), r.out);
    assertTrue(r.out.contains("trawl run --pipeline 'bm25@100 >> monot5(model="), r.out);
    assertTrue(r.out.contains("trawl eval -c -m AP -m nDCG@10 cranfield " + runs.resolve("cran-good.bm25.cran.txt")), r.out);
    assertTrue(r.out.contains("# run mono (needs gpu and model folder monot5-3b-msmarco-10k)"), r.out);
  }

  @Test
  void missingFetchableDataIsNamedAndFoundInTheFetchCache() throws IOException {
    Path dir = tmp.resolve("fetch-specs");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("needs-msmarco.yaml"), """
        name: needs-msmarco
        corpus: {format: tsv, path: msmarco-passage/collection.tsv}
        index: {name: needs-msmarco}
        requires: {paths: [msmarco-passage/collection.tsv]}
        topics:
          - {name: cran, topics: cranfield, qrels: cranfield}
        measures:
          - {measure: AP}
        runs:
          - name: bm25
            pipeline: bm25@10
            expected:
              cran: {AP: 0.1}
        """);
    String[] where = {"--dir", dir.toString(), "--collections", collections.toString(), "--index-root",
        indexes.toString(), "--runs", runs.toString(), "-q"};
    String[] named = java.util.stream.Stream.concat(java.util.stream.Stream.of("regress", "run", "needs-msmarco"),
        java.util.Arrays.stream(where)).toArray(String[]::new);
    Result r = cli(named);
    assertEquals(1, r.code, r.out + r.err);
    assertTrue(r.out.contains("skipped: needs data msmarco-passage/collection.tsv (trawl fetch msmarco-passage)"), r.out);
    assertEquals("trawl: error: cannot run here: needs-msmarco (needs data msmarco-passage/collection.tsv"
        + " (trawl fetch msmarco-passage))", r.err.strip());
    String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("regress", "run", "--all"),
        java.util.Arrays.stream(where)).toArray(String[]::new);
    r = cli(all);
    assertEquals(0, r.code, r.out + r.err);
    assertTrue(r.out.contains("to fetch what the skipped specs need: trawl fetch msmarco-passage"), r.out);

    // once fetched, the file is found in the fetch cache, whatever the collections root
    Path cache = tmp.resolve("fetch-cache");
    Path tsv = cache.resolve("collections/msmarco-passage/collection.tsv");
    Files.createDirectories(tsv.getParent());
    Files.writeString(tsv, "1\tpassage\n");
    System.setProperty(io.trawl.fetch.FetchCache.PROPERTY, cache.toString());
    try {
      Requirements req = RegressionSpecs.load(dir.resolve("needs-msmarco.yaml")).requires();
      assertEquals(List.of(), env().unmet(req));
      assertEquals(List.of(), env().toFetch(req));
      assertEquals(tsv, env().data("msmarco-passage/collection.tsv"));
    } finally {
      System.clearProperty(io.trawl.fetch.FetchCache.PROPERTY);
    }
  }

  @Test
  void aPrebuiltIndexIsSearchedOnceFetchedAndNamedUntilThen() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("prebuilt-specs"));
    Path topics = dir.resolve("topics.tsv");
    Files.writeString(topics, "q1\tboundary layer\nq2\twings\n");
    Path qrels = dir.resolve("qrels.txt");
    Files.writeString(qrels, "q1 0 d2 1\nq2 0 d1 1\n");
    Path cat = dir.resolve("catalogue.json");
    Files.writeString(cat, "{\"entries\": [{\"name\": \"tiny-prebuilt\", \"kind\": \"index\", \"url\":"
        + " \"https://example.invalid/tiny.tar.gz\", \"size\": 1, \"md5\": \"00000000000000000000000000000000\"}]}");
    String spec = """
        name: %s
        index: {prebuilt: %s}
        topics:
          - {name: t, topics: %s, qrels: %s}
        measures:
          - {measure: RR@10, options: -c}
        runs:
          - name: bm25
            pipeline: bm25@10
            expected:
              t: {RR@10: 0.5}
        """;
    Files.writeString(dir.resolve("uses-prebuilt.yaml"), spec.formatted("uses-prebuilt", "tiny-prebuilt", topics, qrels));
    Files.writeString(dir.resolve("bad-prebuilt.yaml"), spec.formatted("bad-prebuilt", "no-such-index", topics, qrels));
    Path cache = tmp.resolve("prebuilt-cache");
    System.setProperty(io.trawl.fetch.Catalogue.PROPERTY, cat.toString());
    System.setProperty(io.trawl.fetch.FetchCache.PROPERTY, cache.toString());
    try {
      String[] where = {"--dir", dir.toString(), "--collections", collections.toString(), "--index-root",
          indexes.toString(), "--runs", runs.toString(), "-q"};
      Result r = cli(concat(new String[] {"regress", "run", "uses-prebuilt"}, where));
      assertEquals(1, r.code, r.out + r.err);
      assertTrue(r.out.contains("skipped: needs prebuilt index tiny-prebuilt (trawl fetch tiny-prebuilt)"), r.out);
      assertTrue(r.out.contains("to fetch what the skipped specs need: trawl fetch tiny-prebuilt"), r.out);

      r = cli(concat(new String[] {"regress", "run", "bad-prebuilt"}, where));
      assertEquals(2, r.code, r.out + r.err);
      assertTrue(r.err.contains("bad-prebuilt.yaml:2:") && r.err.contains("unknown prebuilt index 'no-such-index'"), r.err);

      Map<String, String> docs = new java.util.LinkedHashMap<>();
      docs.put("d1", "supersonic boundary layers");
      docs.put("d2", "heat transfer in a boundary layer of a boundary layer");
      docs.put("d3", "wings at low speed");
      io.trawl.fetch.Fixtures.anseriniIndex(cache.resolve("indexes/tiny-prebuilt"), docs);
      r = cli(concat(new String[] {"regress", "run", "uses-prebuilt"}, where));
      assertEquals(0, r.code, r.out + r.err);
      assertTrue(r.out.contains("result: PASS"), r.out);
      assertFalse(Files.exists(indexes.resolve("tiny-prebuilt")), "nothing is built");
      r = cli(concat(new String[] {"regress", "run", "uses-prebuilt", "--dry-run"}, where));
      assertTrue(r.out.contains("trawl fetch tiny-prebuilt\n"), r.out);
      assertTrue(r.out.contains("trawl search --index tiny-prebuilt --topics " + topics), r.out);
    } finally {
      System.clearProperty(io.trawl.fetch.Catalogue.PROPERTY);
      System.clearProperty(io.trawl.fetch.FetchCache.PROPERTY);
    }
  }

  static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
  }

  @Test
  void listShowsWhatCanRunHere() {
    Result r = cli("regress", "list", "--dir", specs.toString(), "--collections", collections.toString(),
        "--models", tmp.resolve("models").toString(), "--index-root", indexes.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("cran-good"), r.out);
    assertTrue(r.out.contains("1 of 2 runs runnable"), r.out);
    assertNotNull(r.out);
  }
}
