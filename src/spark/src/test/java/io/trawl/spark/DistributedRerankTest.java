package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.rerank.RerankJob;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * monoT5 (the tiny golden T5 v1.0 with the Llama-2 SentencePiece vocabulary as its spiece.model)
 * over 6 DL19 queries, top 8 of BM25's 100 reranked: Spark's partitioned run equals the
 * single-process {@link RerankJob} run byte for byte, also when a task dies midway and is retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedRerankTest {
  @TempDir static Path tmp;
  Path input;
  String spec;
  String single;

  @BeforeAll
  void prepare() throws IOException {
    Path model = SparkTests.tinyMonoT5(tmp);
    input = SparkTests.dl19Candidates(tmp.resolve("dl19-6.jsonl"));
    spec = "monot5(model=\"" + model + "\",threads=1)";
    Path out = tmp.resolve("single.run");
    new RerankJob(new RerankJob.Options(spec, input.toString(), null, null, 8, out.toString(), "trec",
        null, false, null), io.trawl.rerank.registry.Rerankers.registry()::create).run(new PrintStream(OutputStream.nullOutputStream()));
    single = Files.readString(out);
    assertEquals(6 * 12, single.lines().count());
  }

  String distributed(String name, int partitions, int failPartition) throws IOException {
    Path out = tmp.resolve(name);
    DistributedRerank.run(SparkTests.context(), new DistributedRerank.Options(spec, input.toString(),
        null, null, 8, out.toString(), "trec", null, partitions, false, null, failPartition));
    assertFalse(Files.exists(Path.of(out + ".parts")), "work folder removed");
    return Files.readString(out);
  }

  @Test
  void partitionedRunEqualsTheSingleProcessRun() throws IOException {
    assertEquals(single, distributed("three.run", 3, -1));
    // the metadata names the run as its lines do: the whole input, then the reranker
    String tag = single.lines().findFirst().orElseThrow().split(" ")[5];
    assertTrue(tag.startsWith("candidates(file=" + input + ")@8>>monot5("), tag);
    assertEquals(tag, new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(tmp.resolve("three.run.meta.json").toFile()).path("tag").asText());
  }

  @Test
  void aTaskDyingMidwayIsRetriedAndResumesWithoutDuplicatesOrGaps() throws IOException {
    String run = distributed("retried.run", 2, 0);
    assertEquals(single, run);
    Set<String> keys = new HashSet<>();
    for (String line : run.split("\n")) {
      String[] f = line.split(" ");
      assertTrue(keys.add(f[0] + " " + f[2]), "duplicate line " + line);
    }
    assertEquals(6 * 12, keys.size());
  }
}
