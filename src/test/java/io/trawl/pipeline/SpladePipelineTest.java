package io.trawl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.Spec;
import io.trawl.core.TrawlException;
import io.trawl.corpus.Corpora;
import io.trawl.eval.fusion.Fusion;
import io.trawl.index.Indexer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned sparse retrieval from raw query text: {@code impact(encoder=DIR)} encodes each query
 * with a SPLADE model (the tiny Hugging Face BertForMaskedLM of {@code SpladeEncoderTest}) and
 * must rank exactly as the plain {@code impact} retriever does for the same queries pre-encoded
 * by torch (golden.json's quantised weights, as Anserini would read them from a TSV of repeated
 * pieces); and the hybrid of that with BM25 over a second index, in one {@code fuse(...)}
 * pipeline, must equal fusing the two runs.
 */
class SpladePipelineTest {
  private static final String RES = "/io/trawl/model/encoder/splade-tiny/";
  @TempDir static Path tmp;
  static Path model;
  static Path impactIndex;
  static Path textIndex;
  static List<Query> raw = new ArrayList<>();
  static List<Query> preEncoded = new ArrayList<>();

  @BeforeAll
  static void build() throws IOException {
    model = Files.createDirectories(tmp.resolve("splade"));
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.write(model.resolve(f), resource(RES + f));
    }
    Files.write(model.resolve("tokenizer.json"), resource("/bge-small-en-v1.5-q-tokenizer.json"));
    JsonNode golden = new ObjectMapper().readTree(resource(RES + "golden.json"));
    TreeSet<String> pieces = new TreeSet<>();
    int n = 0;
    for (JsonNode q : golden) {
      String id = "q" + (++n);
      raw.add(new Query(id, q.get("query").asText()));
      StringBuilder text = new StringBuilder();
      q.get("quantised").fields().forEachRemaining(e -> {
        pieces.add(e.getKey());
        for (int i = 0; i < e.getValue().asInt(); i++) {
          text.append(text.isEmpty() ? "" : " ").append(e.getKey());
        }
      });
      preEncoded.add(new Query(id, text.toString()));
    }
    // 400 documents over the queries' pieces (and a few others), integer and fractional weights
    List<String> vocab = new ArrayList<>(pieces);
    vocab.addAll(List.of("zzz", "##ing", "[unused3]"));
    Random r = new Random(7);
    ObjectMapper om = new ObjectMapper();
    StringBuilder vectors = new StringBuilder();
    StringBuilder texts = new StringBuilder();
    for (int d = 0; d < 400; d++) {
      ObjectNode doc = om.createObjectNode();
      doc.put("id", "d" + d);
      ObjectNode v = doc.putObject("vector");
      StringBuilder words = new StringBuilder();
      for (int t = 0; t < 12; t++) {
        String piece = vocab.get(r.nextInt(vocab.size()));
        v.put(piece, r.nextInt(4) == 0 ? r.nextDouble() * 90 : r.nextInt(60));
        words.append(piece.replace("#", "")).append(' ');
      }
      vectors.append(om.writeValueAsString(doc)).append('\n');
      texts.append(om.writeValueAsString(om.createObjectNode().put("id", "d" + d)
          .put("contents", words.toString().strip()))).append('\n');
    }
    Path vdir = Files.createDirectories(tmp.resolve("vectors"));
    Files.writeString(vdir.resolve("docs.jsonl"), vectors.toString(), StandardCharsets.UTF_8);
    Path tdir = Files.createDirectories(tmp.resolve("texts"));
    Files.writeString(tdir.resolve("docs.jsonl"), texts.toString(), StandardCharsets.UTF_8);
    impactIndex = tmp.resolve("impact");
    new Indexer(new Indexer.Options().corpus(Corpora.get("json-vector"), vdir.toString())
        .index(impactIndex).threads(1)).run();
    textIndex = tmp.resolve("bm25");
    new Indexer(new Indexer.Options().corpus(Corpora.get("json"), tdir.toString())
        .index(textIndex).threads(1)).run();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SpladePipelineTest.class.getResourceAsStream(name)) {
      assertTrue(in != null, "missing resource " + name);
      return in.readAllBytes();
    }
  }

  private static Run run(String pipeline, List<Query> queries, Path index) {
    return PipelineRunner.run(Pipeline.parse(pipeline), queries,
        new PipelineRunner.Context(index, null, false, 2));
  }

  @Test
  void rawQueriesEncodedBySpladeRankAsTorchsPreEncodedQueries() {
    Run encoded = run("impact(encoder=" + model + ")@50", raw, impactIndex);
    Run pre = run("impact@50", preEncoded, impactIndex);
    assertEquals("impact(encoder=path:" + model.toAbsolutePath().normalize() + ",engine=exact)@50", encoded.tag());
    int hits = 0;
    for (Query q : raw) {
      RankedList a = encoded.get(q.id());
      RankedList b = pre.get(q.id());
      assertEquals(b.candidates(), a.candidates(), q.text());
      hits += a.size();
    }
    assertTrue(hits > 200, "the queries match documents: " + hits);
  }

  @Test
  void hybridWithBm25OverAnotherIndexIsOneFusePipeline() {
    String impact = "impact(index=" + impactIndex + ",encoder=" + model + ")@50";
    Run hybrid = run("fuse(rrf(k=60), " + impact + ", bm25@50)@20", raw, textIndex);
    Run sparse = run("impact(encoder=" + model + ")@50", raw, impactIndex);
    Run bm25 = run("bm25@50", raw, textIndex);
    Run fused = Fusion.fuse(List.of(sparse, bm25), Fusion.parse(Spec.parse("rrf(k=60,hits=20)")));
    for (Query q : raw) {
      assertEquals(fused.get(q.id()).candidates(), hybrid.get(q.id()).candidates(), q.text());
    }
    String abs = "path:" + model.toAbsolutePath().normalize();
    assertEquals("fuse(rrf(k=60,depth=1000,hits=20),impact(index=" + impactIndex + ",encoder=" + abs
        + ",engine=exact)@50,bm25(k1=0.9,b=0.4)@50)@20", hybrid.tag());
  }

  @Test
  void theCanonicalSpecReadsBack() {
    String canonical = io.trawl.search.Retrievers.parse("impact(encoder=" + model + ")").spec();
    assertEquals(canonical, io.trawl.search.Retrievers.parse(canonical).spec());
    assertEquals(canonical, io.trawl.search.Retrievers.parse(
        "impact(encoder=" + model + ",engine=exact)").spec());
  }

  @Test
  void encoderOnlyWithTheImpactRetriever() {
    TrawlException e = assertThrows(TrawlException.class,
        () -> run("impact(engine=exact)@10", raw, impactIndex));
    assertTrue(e.getMessage().contains("engine= needs encoder="), e.getMessage());
    e = assertThrows(TrawlException.class,
        () -> run("impact(encoder=" + tmp.resolve("nope") + ")@10", raw, impactIndex));
    assertTrue(e.getMessage().contains("SPLADE encoder folder not found"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> run("bm25(encoder=" + model + ")@10", raw, textIndex));
    assertTrue(e.getMessage().contains("encoder"), e.getMessage());
  }
}
