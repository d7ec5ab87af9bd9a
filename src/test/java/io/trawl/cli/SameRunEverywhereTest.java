package io.trawl.cli;

import static io.trawl.cli.DenseCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Query;
import io.trawl.io.Topics;
import io.trawl.regress.RegressEnv;
import io.trawl.regress.RegressionResult;
import io.trawl.regress.RegressionRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One experiment, one run file, whichever way it is run: {@code trawl search} then {@code trawl
 * rerank}, {@code trawl run --pipeline}, or a YAML regression; a run file through {@code rerank -i}
 * or through {@code run(file=...)}. Both read the run with the one reader (trec_eval's order) and write it
 * with the one writer. The reranker is order-sensitive on purpose: {@code embed(listwise=10)}
 * builds its query from the top 10 candidates it is given, in order, so a tie broken differently changes
 * every score.
 */
class SameRunEverywhereTest {
  static final String RERANKER = "embed(encoder=all-minilm-l6-v2,listwise=10)";

  @TempDir static Path dir;
  static Path index;
  static Path topics;

  static void ok(String... args) {
    DenseCommandsTest.Result r = run(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err());
  }

  @BeforeAll
  static void indexAndTopics() throws Exception {
    index = dir.resolve("cranfield");
    ok("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q");
    topics = dir.resolve("topics5.tsv");
    StringBuilder sb = new StringBuilder();
    for (Query q : Topics.read("cranfield").subList(0, 5)) {
      sb.append(q.id()).append('\t').append(q.text()).append('\n');
    }
    Files.writeString(topics, sb.toString());
  }

  static List<String> withoutTags(Path run) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(run)) {
      out.add(line.substring(0, line.lastIndexOf(' ')));
    }
    return out;
  }

  @Test
  void searchThenRerankEqualsThePipeline() throws Exception {
    Path bm25 = dir.resolve("bm25.txt");
    ok("search", "--index", index.toString(), "--topics", topics.toString(), "--retriever", "bm25",
        "--hits", "20", "--output", bm25.toString(), "--quiet");
    Path bm25Pipeline = dir.resolve("bm25.pipeline.txt");
    ok("run", "--pipeline", "bm25@20", "--index", index.toString(), "--topics", topics.toString(),
        "-o", bm25Pipeline.toString(), "-q");
    assertEquals(withoutTags(bm25), withoutTags(bm25Pipeline));
    assertEquals(5 * 20, Files.readAllLines(bm25).size());

    Path pipeline = dir.resolve("pipeline.txt");
    ok("run", "--pipeline", "bm25@20 >> " + RERANKER, "--index", index.toString(), "--topics",
        topics.toString(), "-o", pipeline.toString(), "-q");
    Path reranked = dir.resolve("reranked.txt");
    ok("rerank", "--reranker", RERANKER, "-i", bm25.toString(), "--index", index.toString(),
        "--topics", topics.toString(), "-o", reranked.toString(), "-q");
    assertEquals(Files.readString(pipeline), Files.readString(reranked));
    // both say how the reranker computed (engine, threads, batch) in their metadata
    com.fasterxml.jackson.databind.JsonNode runMeta = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("pipeline.txt.meta.json").toFile()).path("settings");
    com.fasterxml.jackson.databind.JsonNode rerankMeta = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("reranked.txt.meta.json").toFile()).path("settings");
    assertEquals("exact", runMeta.path("stage 2: embed").path("engine").asText(), runMeta.toString());
    assertEquals(rerankMeta.path("batch"), runMeta.path("stage 2: embed").path("batch"));
    // and what the reranking cost: the same model work counted by both commands
    com.fasterxml.jackson.databind.JsonNode runCost = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("pipeline.txt.meta.json").toFile()).path("cost").path("stage 2: embed");
    com.fasterxml.jackson.databind.JsonNode rerankCost = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("reranked.txt.meta.json").toFile()).path("cost").path("stage 2: embed");
    assertEquals(5, runCost.path("queries").asInt(), runCost.toString());
    // each query is encoded once; each distinct candidate text once, by the first query needing it
    assertTrue(runCost.path("prefill_passes").asLong() > 5, runCost.toString());
    for (String k : new String[] {"queries", "prefill_passes", "decode_steps", "prompt_tokens", "generated_tokens"}) {
      assertEquals(runCost.path(k), rerankCost.path(k), k + ": " + runCost + " vs " + rerankCost);
    }
    assertTrue(runCost.path("per_query").path("wall_seconds").asDouble() > 0, runCost.toString());
    // trawl compare puts the cost beside the measures
    Path report = dir.resolve("compare.md");
    ok("compare", "--format", "md", "-o", report.toString(), "cranfield", bm25.toString(), reranked.toString());
    String md = Files.readString(report);
    assertTrue(md.contains("Reranking cost") && md.contains("| " + reranked + " | stage 2: embed | 5 | "), md);

    // the same pipeline as a YAML regression: the same run file, tag included
    Path specs = Files.createDirectories(dir.resolve("specs"));
    Path spec = Files.writeString(specs.resolve("same-run.yaml"), """
        name: same-run
        description: the pipeline of SameRunEverywhereTest
        corpus:
          path: builtin:cranfield
        index:
          name: cranfield
        topics:
          - {name: five, topics: %s, qrels: cranfield}
        measures:
          - {measure: nDCG@10, options: -c}
        runs:
          - name: rerank
            pipeline: bm25@20 >> %s
            tolerance: 1
            expected:
              five: {nDCG@10: 0.5}
        """.formatted(topics, RERANKER));
    Path runs = dir.resolve("regression-runs");
    RegressionResult result = new RegressionRunner(new RegressEnv(dir.resolve("collections"),
        dir.resolve("models"), dir, runs, false, Map.of()), null, 1, false).run(spec);
    assertTrue(result.indexReused(), "the regression reuses the index built above");
    assertEquals(Files.readString(pipeline), Files.readString(runs.resolve("same-run.rerank.five.txt")));

    // query texts by registry name, as every other command takes them
    Path byName = dir.resolve("by-name.txt");
    ok("rerank", "--reranker", RERANKER, "-i", bm25.toString(), "--index", index.toString(),
        "--topics", "cranfield", "-o", byName.toString(), "-q");
    assertEquals(Files.readString(pipeline), Files.readString(byName));
  }

  /**
   * Scores rounded to one decimal: most candidates tie. {@code rerank -i} used to break ties by the
   * rank column, the pipeline by docid; now both take trec_eval's order.
   */
  @Test
  void tieHeavyRunGivesTheSameRerankedRunThroughRerankAndThePipeline() throws Exception {
    Path bm25 = dir.resolve("bm25.ties-source.txt");
    ok("search", "--index", index.toString(), "--topics", topics.toString(), "--retriever", "bm25",
        "--hits", "20", "--output", bm25.toString(), "--quiet");
    Path ties = dir.resolve("ties.txt");
    StringBuilder sb = new StringBuilder();
    int tiedAtTheTop = 0;
    String lastQuery = "";
    String lastScore = "";
    for (String line : Files.readAllLines(bm25)) {
      String[] f = line.split(" ");
      String score = String.format(Locale.ROOT, "%.1f", Double.parseDouble(f[4]));
      if (f[0].equals(lastQuery) && score.equals(lastScore) && Integer.parseInt(f[3]) <= 10) {
        tiedAtTheTop++;
      }
      lastQuery = f[0];
      lastScore = score;
      sb.append(f[0]).append(" Q0 ").append(f[2]).append(' ').append(f[3]).append(' ').append(score)
          .append(" rounded\n");
    }
    Files.writeString(ties, sb.toString());
    assertTrue(tiedAtTheTop >= 3, "the rounded run has ties among the candidates the reranker reads");

    Path pipeline = dir.resolve("ties.pipeline.txt");
    ok("run", "--pipeline", "run(file=" + ties + ") >> " + RERANKER, "--index", index.toString(),
        "--topics", topics.toString(), "-o", pipeline.toString(), "-q");
    Path reranked = dir.resolve("ties.reranked.txt");
    ok("rerank", "--reranker", RERANKER, "-i", ties.toString(), "--index", index.toString(),
        "--topics", topics.toString(), "-o", reranked.toString(), "-q");
    assertEquals(Files.readString(pipeline), Files.readString(reranked));
    // the same reranking of the unrounded run differs: the tie order reached the reranker
    Path unrounded = dir.resolve("unrounded.txt");
    ok("run", "--pipeline", "run(file=" + bm25 + ") >> " + RERANKER, "--index", index.toString(),
        "--topics", topics.toString(), "-o", unrounded.toString(), "-q");
    assertNotEquals(withoutTags(unrounded), withoutTags(pipeline));
  }
}
