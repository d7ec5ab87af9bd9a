package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SourceDocument;
import io.trawl.core.Query;
import io.trawl.io.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hybrid pipeline (BM25 and a dense index fused by RRF, then an embedding reranker) run by
 * {@code trawl-spark run} over 3 partitions gives {@code trawl run}'s file byte for byte, with
 * the same tag in its metadata, also when a task dies and Spark runs it again. 200 Cranfield
 * documents, 30 queries, the exact all-MiniLM-L6-v2 encoder.
 */
class DistributedPipelineTest {
  @TempDir static Path tmp;
  static String index;
  static String dense;
  static String topics;
  static String pipeline;
  static String single;

  static void cli(String... args) {
    assertEquals(0, io.trawl.cli.Trawl.commandLine().execute(args), String.join(" ", args));
  }

  @BeforeAll
  static void build() throws IOException {
    StringBuilder corpus = new StringBuilder();
    try (CorpusReader r = Corpora.forInput(null, "builtin:cranfield").read("builtin:cranfield", OnError.FAIL)) {
      SourceDocument d;
      for (int n = 0; n < 200 && (d = r.next()) != null; n++) {
        corpus.append("{\"id\":\"").append(d.id()).append("\",\"contents\":\"")
            .append((d.title() + " " + d.contents()).replaceAll("[^A-Za-z0-9.,' -]+", " ").strip()).append("\"}\n");
      }
    }
    Path c = Files.writeString(tmp.resolve("corpus.jsonl"), corpus);
    StringBuilder t = new StringBuilder();
    List<Query> qs = Topics.read("cranfield");
    for (Query q : qs.subList(0, 30)) {
      t.append(q.id()).append('\t').append(q.text()).append('\n');
    }
    topics = Files.writeString(tmp.resolve("topics.tsv"), t).toString();
    index = tmp.resolve("bm25").toString();
    dense = tmp.resolve("dense").toString();
    cli("index", "--collection", "json", "--input", c.toString(), "--index", index, "--quiet");
    cli("encode", "--collection", "json", "--corpus", c.toString(), "--encoder", "all-minilm-l6-v2", "-o", tmp.resolve("docs.vec").toString(), "--quiet");
    cli("dense-index", "--vectors", tmp.resolve("docs.vec").toString(), "--index", dense, "--flat", "--quiet");
    pipeline = "fuse(rrf(k=60), bm25@100, dense(index=" + dense + ")@100)@20 >> embed(encoder=all-minilm-l6-v2)@5";
    Path out = tmp.resolve("single.run");
    cli("run", "--pipeline", pipeline, "--index", index, "--topics", topics, "-o", out.toString(), "--quiet");
    single = Files.readString(out);
    assertEquals(30 * 5, single.lines().count());
  }

  DistributedPipeline.Summary distributed(Path out, int partitions, int failPartition) {
    return DistributedPipeline.run(SparkTests.context(), new DistributedPipeline.Options(pipeline, index,
        topics, null, false, 1, out.toString(), null, partitions, false, null, failPartition));
  }

  @Test
  void partitionedRunEqualsTrawlRun() throws IOException {
    Path out = tmp.resolve("three.run");
    DistributedPipeline.Summary s = distributed(out, 3, -1);
    assertEquals(single, Files.readString(out));
    assertEquals(3, s.partitions());
    assertEquals(150, s.lines());
    String tag = single.lines().findFirst().orElseThrow().split(" ")[5];
    assertEquals("fuse(rrf(k=60,depth=1000,hits=20),bm25(k1=0.9,b=0.4)@100,dense(index=" + dense
        + ",encoder=all-minilm-l6-v2,max-length=256,exact=true)@100)@20"
        + ">>embed(encoder=all-minilm-l6-v2,listwise=0,max-length=256)@5", tag);
    assertEquals(tag, s.tag());
    assertEquals(tag, new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(tmp.resolve("three.run.meta.json").toFile()).path("tag").asText());
    assertFalse(Files.exists(Path.of(out + ".parts")), "work folder removed");
  }

  @Test
  void aTaskDyingIsRunAgainAndTheRunIsTheSame() throws IOException {
    Path out = tmp.resolve("retried.run");
    distributed(out, 2, 1);
    assertEquals(single, Files.readString(out));
  }

  @Test
  void aBadPipelineIsAClearErrorBeforeAnyTaskAndWritesNothing() {
    Path out = tmp.resolve("bad.run");
    BadInputTest.Result r = BadInputTest.cli("run", "--master", SparkTests.MASTER, "--pipeline",
        "bm25@100 >> nosuchreranker@10", "--index", index, "--topics", topics, "-o", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("nosuchreranker"), r.err());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(Path.of(out + ".parts")));
  }

  @Test
  void aWorkFolderThatIsNotOneIsNeverEmptied() throws IOException {
    Path mine = Files.createDirectories(tmp.resolve("my-experiments"));
    Files.writeString(mine.resolve("notes.txt"), "precious");
    io.trawl.core.TrawlException e = org.junit.jupiter.api.Assertions.assertThrows(io.trawl.core.TrawlException.class,
        () -> DistributedPipeline.run(SparkTests.context(), new DistributedPipeline.Options(pipeline, index,
            topics, null, false, 1, tmp.resolve("w.run").toString(), mine.toString(), 2, false, null, -1)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("not a trawl-spark work folder"), e.getMessage());
    assertEquals("precious", Files.readString(mine.resolve("notes.txt")));
    assertFalse(Files.exists(tmp.resolve("w.run")));
  }
}
