package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Query;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.OnError;
import io.trawl.index.Indexer;
import io.trawl.index.Layout;
import io.trawl.io.RunWriter;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import io.trawl.search.SearchRun;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned sparse retrieval over shards: a pre-encoded (json-vector) corpus indexed as 3 impact
 * shards and searched with {@code impact} gives the single impact index's run byte for byte, from
 * pre-encoded queries and from raw text encoded by a SPLADE model ({@code impact(encoder=DIR)}:
 * the tiny random BertForMaskedLM of the core's {@code SpladeEncoderTest}, encoded once on the
 * driver).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedImpactTest {
  static final Path TINY = Path.of("../../src/test/resources/io/trawl/model/encoder/splade-tiny");

  @TempDir static Path tmp;
  Path corpus;
  Path single;
  Path sharded;
  Path model;
  List<Query> raw = new ArrayList<>();
  List<Query> preEncoded = new ArrayList<>();

  @BeforeAll
  void build() throws IOException {
    model = Files.createDirectories(tmp.resolve("splade"));
    for (String f : new String[] {"config.json", "model.safetensors"}) {
      Files.copy(TINY.resolve(f), model.resolve(f));
    }
    try (InputStream in = getClass().getResourceAsStream("/bge-small-en-v1.5-q-tokenizer.json")) {
      assertTrue(in != null, "bge-small-en-v1.5-q tokenizer resource missing");
      Files.write(model.resolve("tokenizer.json"), in.readAllBytes());
    }
    JsonNode golden = new ObjectMapper().readTree(TINY.resolve("golden.json").toFile());
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
    List<String> vocab = new ArrayList<>(pieces);
    Random r = new Random(11);
    ObjectMapper om = new ObjectMapper();
    StringBuilder docs = new StringBuilder();
    for (int d = 0; d < 600; d++) {
      ObjectNode doc = om.createObjectNode();
      doc.put("id", "d" + d);
      ObjectNode v = doc.putObject("vector");
      for (int t = 0; t < 10; t++) {
        v.put(vocab.get(r.nextInt(vocab.size())), r.nextInt(5) == 0 ? r.nextDouble() * 80 : r.nextInt(40));
      }
      docs.append(om.writeValueAsString(doc)).append('\n');
    }
    corpus = Files.createDirectories(tmp.resolve("corpus"));
    Files.writeString(corpus.resolve("docs.jsonl"), docs.toString(), StandardCharsets.UTF_8);
    single = tmp.resolve("single");
    new Indexer(new Indexer.Options().corpus(Corpora.get("json-vector"), corpus.toString()).index(single)
        .threads(1)).run();
    sharded = tmp.resolve("sharded");
    ShardedIndexer.run(SparkTests.context(), new ShardedIndexer.Spec(corpus.toString(), "json-vector",
        sharded.toString(), 3, ShardAssignment.DOCID, Layout.FLAT, "porter", false, false, false, true,
        OnError.FAIL, 1, true, -1));
  }

  String singleRun(String spec, List<Query> topics, Path out) throws IOException {
    try (LuceneIndex idx = LuceneIndex.open(single, null);
        Retriever r = Retrievers.open(spec, idx, new SearchOptions(idx.defaultFields(), false));
        RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
      SearchRun.run(r, topics, 100, w, 2, null);
      w.commit();
    }
    return Files.readString(out);
  }

  String shardedRun(String spec, List<Query> topics, Path out) throws IOException {
    String canonical = Retrievers.parse(spec).spec();
    try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, canonical)) {
      ShardedSearch.run(SparkTests.context(), new ShardedSearch.Spec(sharded.toString(), canonical, null,
          false, 100, -1), topics, w);
      w.commit();
    }
    return Files.readString(out);
  }

  @Test
  void impactOverShardsEqualsTheSingleIndexRun() throws IOException {
    String one = singleRun("impact", preEncoded, tmp.resolve("single.run"));
    String many = shardedRun("impact", preEncoded, tmp.resolve("sharded.run"));
    assertTrue(one.lines().count() > 300, one.lines().count() + " lines");
    assertEquals(one, many);
  }

  @Test
  void spladeEncodedQueriesOverShardsEqualTheSingleIndexRun() throws IOException {
    String spec = "impact(encoder=" + model + ")";
    String one = singleRun(spec, raw, tmp.resolve("single-splade.run"));
    String many = shardedRun(spec, raw, tmp.resolve("sharded-splade.run"));
    assertTrue(one.lines().count() > 300, one.lines().count() + " lines");
    assertTrue(one.contains("impact(encoder=path:"), "the tag names the encoder");
    assertEquals(one, many);
    // and the raw text encoded by Trawl ranks as torch's pre-encoded queries
    String pre = singleRun("impact", preEncoded, tmp.resolve("single-pre.run"));
    assertEquals(pre.lines().map(l -> l.substring(0, l.lastIndexOf(' '))).toList(),
        one.lines().map(l -> l.substring(0, l.lastIndexOf(' '))).toList());
  }
}
