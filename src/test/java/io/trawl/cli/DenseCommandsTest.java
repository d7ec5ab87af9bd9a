package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.VectorFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** End to end through the CLI: encode, dense-index, dense-search, hybrid, and the error exits. */
class DenseCommandsTest {
  record Result(int code, String err) {}

  static Result run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args);
    return new Result(code, err.toString());
  }

  /**
   * The same dense run, byte for byte, from another process with another thread count and the
   * vector width of another CPU (AVX2 only, or 128-bit vectors off x86): the exact encoder for the
   * queries, {@code ExactDotHnswFormat} for the index. With the int8 encoder runs differed across
   * processes in the 8th decimal.
   */
  @Test
  void anotherProcessThreadCountAndVectorWidthWriteTheSameRun(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    StringBuilder sb = new StringBuilder();
    String[] words = {"capital", "france", "plants", "sunlight", "energy", "football", "cup", "japan",
        "river", "mountain", "protein", "cell", "virus", "vaccine", "ocean", "climate"};
    java.util.Random r = new java.util.Random(20261207L);
    for (int d = 0; d < 1000; d++) { // enough for Lucene to build an HNSW graph (small segments get none)
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 12 + r.nextInt(30); w++) {
        text.append(words[r.nextInt(words.length)]).append(' ');
      }
      sb.append("{\"_id\":\"d").append(d).append("\",\"title\":\"\",\"text\":\"")
          .append(text.toString().strip()).append("\"}\n");
    }
    Files.writeString(corpus, sb.toString());
    Path topics = tmp.resolve("topics.tsv");
    Files.writeString(topics, "1\tcapital of france\n2\tplants and sunlight energy\n3\tvirus vaccine cell\n");
    Path index = tmp.resolve("idx");
    Result idx = run("dense-index", "--corpus", corpus.toString(), "--encoder", "all-minilm-l6-v2",
        "--index", index.toString(), "--threads", "2");
    assertEquals(0, idx.code(), idx.err());
    Path here = tmp.resolve("here.txt");
    Result s = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", here.toString(), "--k", "20", "--threads", "1");
    assertEquals(0, s.code(), s.err());
    Path there = tmp.resolve("there.txt");
    List<String> flags = io.trawl.core.ChildJvm.x86() ? List.of("-XX:UseAVX=2") : List.of("-XX:MaxVectorSize=16");
    io.trawl.core.ChildJvm.Output o = io.trawl.core.ChildJvm.run(flags, Trawl.class, "dense-search",
        "--index", index.toString(), "--topics", topics.toString(), "--output", there.toString(),
        "--k", "20", "--threads", "2");
    assertEquals(0, o.code(), o.text());
    assertEquals(60, Files.readAllLines(here).size());
    try (var reader = org.apache.lucene.index.DirectoryReader.open(
        org.apache.lucene.store.FSDirectory.open(index))) {
      var hnsw = ((org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat.FieldsReader)
          ((org.apache.lucene.index.CodecReader) reader.leaves().get(0).reader()).getVectorReader())
          .getFieldReader(io.trawl.index.dense.DenseIndexer.VECTOR);
      var graph = ((org.apache.lucene.codecs.hnsw.HnswGraphProvider) hnsw)
          .getGraph(io.trawl.index.dense.DenseIndexer.VECTOR);
      assertTrue(graph.size() > 0, "the index has an HNSW graph");
    }
    assertEquals(Files.readString(here), Files.readString(there));
  }

  @Test
  void endToEnd(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    Files.writeString(corpus, String.join("\n",
        "{\"_id\":\"p1\",\"title\":\"Paris\",\"text\":\"Paris is the capital and largest city of France.\"}",
        "{\"_id\":\"p2\",\"title\":\"Photosynthesis\",\"text\":\"Plants turn sunlight into chemical energy.\"}",
        "{\"_id\":\"p3\",\"title\":\"Football\",\"text\":\"The World Cup is held every four years.\"}",
        "{\"_id\":\"p4\",\"title\":\"Tokyo\",\"text\":\"Tokyo is the capital of Japan.\"}") + "\n");
    Path topics = tmp.resolve("topics.tsv");
    Files.writeString(topics, "1\twhat is the capital of france\n2\thow do plants use sunlight\n");
    Path vec = tmp.resolve("c.tvec");
    Result enc = run("encode", "--corpus", corpus.toString(), "--encoder", "bge-small-en-v1.5-q",
        "--output", vec.toString(), "--threads", "2");
    assertEquals(0, enc.code(), enc.err());
    assertTrue(enc.err().contains("4 texts"), enc.err());
    assertEquals(4, VectorFile.read(vec).ids().size());

    Path index = tmp.resolve("idx");
    Result idx = run("dense-index", "--vectors", vec.toString(), "--index", index.toString());
    assertEquals(0, idx.code(), idx.err());
    Path run = tmp.resolve("run.txt");
    Result s = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", run.toString(), "--k", "3", "--threads", "2");
    assertEquals(0, s.code(), s.err());
    List<String> lines = Files.readAllLines(run);
    assertEquals(6, lines.size());
    assertTrue(lines.get(0).startsWith("1 Q0 p1 1 "), lines.get(0));
    assertTrue(lines.get(3).startsWith("2 Q0 p2 1 "), lines.get(3));
    assertTrue(lines.get(0).endsWith(" dense(index=" + index + ",encoder=bge-small-en-v1.5-q,max-length=512,"
        + "exact=false,ef=6)@3"), lines.get(0));

    // hybrid with a sparse run: fused scores are RRF over the sparse run and the full dense list
    Path all = tmp.resolve("all.txt");
    assertEquals(0, run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", all.toString(), "--k", "4", "--threads", "2").code());
    List<String> dense1 = Files.readAllLines(all).stream().filter(l -> l.startsWith("1 "))
        .map(l -> l.split(" ")[2]).toList();
    assertEquals(4, dense1.size());
    Path bm25 = tmp.resolve("bm25.txt");
    Files.writeString(bm25, "1 Q0 p4 1 9.0 bm25\n1 Q0 p3 2 8.0 bm25\n2 Q0 p2 1 5.0 bm25\n");
    Path hyb = tmp.resolve("hyb.txt");
    Result h = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", hyb.toString(), "--k", "3", "--hybrid", bm25.toString(), "--threads", "2");
    assertEquals(0, h.code(), h.err());
    List<String> hl = Files.readAllLines(hyb);
    assertTrue(hl.get(0).endsWith(" fuse(rrf(k=60,depth=1000,hits=3),run(file=" + bm25 + "),dense(index="
        + index + ",encoder=bge-small-en-v1.5-q,max-length=512,exact=false,ef=2000)@1000)@3"), hl.get(0));
    // the same experiment written as a pipeline (the run's own tag) gives the same bytes
    Path viaRun = tmp.resolve("via-run.txt");
    Result pr = run("run", "--pipeline", hl.get(0).split(" ", 6)[5], "--topics", topics.toString(),
        "-o", viaRun.toString(), "--threads", "2");
    assertEquals(0, pr.code(), pr.err());
    assertEquals(Files.readString(hyb), Files.readString(viaRun));
    // a hybrid of a live BM25 and the dense index, reranked: texts come from the lexical index
    Path lex = tmp.resolve("lex");
    Result li = run("index", "--collection", "beir", "--input", corpus.toString(), "--index", lex.toString());
    assertEquals(0, li.code(), li.err());
    Path reranked = tmp.resolve("reranked.txt");
    Result rr = run("run", "--pipeline", "fuse(rrf, bm25@4, dense(index=" + index + ")@4) >> "
        + "embed(encoder=bge-small-en-v1.5-q,threads=1)@3", "--index", lex.toString(), "--topics",
        topics.toString(), "-o", reranked.toString(), "--threads", "2");
    assertEquals(0, rr.code(), rr.err());
    List<String> rl = Files.readAllLines(reranked);
    assertEquals(6, rl.size(), rl.toString());
    assertTrue(rl.get(0).endsWith(" fuse(rrf(k=60,depth=1000,hits=1000),bm25(k1=0.9,b=0.4)@4,dense(index=" + index
        + ",encoder=bge-small-en-v1.5-q,max-length=512,exact=false,ef=8)@4)@1000"
        + ">>embed(encoder=bge-small-en-v1.5-q,listwise=0,max-length=512,batch=32)@3"),
        rl.get(0));
    java.util.Map<String, Double> expect = new java.util.HashMap<>();
    List<String> sparse1 = List.of("p4", "p3");
    for (int r = 0; r < 4; r++) {
      expect.merge(dense1.get(r), 1.0 / (61 + r), Double::sum);
    }
    for (int r = 0; r < 2; r++) {
      expect.merge(sparse1.get(r), 1.0 / (61 + r), Double::sum);
    }
    double prev = Double.MAX_VALUE;
    for (String l : hl.subList(0, 3)) {
      String[] f = l.split(" ");
      assertEquals(expect.get(f[2]), Double.parseDouble(f[4]), 1e-7, l);
      assertTrue(Double.parseDouble(f[4]) <= prev);
      prev = Double.parseDouble(f[4]);
    }

    // an index built with another model is refused (exit 2)
    Result wrong = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", tmp.resolve("x.txt").toString(), "--encoder", "all-minilm-l6-v2-q");
    assertEquals(2, wrong.code(), wrong.err());
    assertTrue(wrong.err().contains("encoder mismatch"), wrong.err());
    assertTrue(!Files.exists(tmp.resolve("x.txt")));

    // a flat index answers the same as exact search
    Path flat = tmp.resolve("flat");
    assertEquals(0, run("dense-index", "--vectors", vec.toString(), "--index", flat.toString(), "--flat").code());
    Path run2 = tmp.resolve("run2.txt");
    assertEquals(0, run("dense-search", "--index", flat.toString(), "--topics", topics.toString(),
        "--output", run2.toString(), "--k", "3", "--threads", "2").code());
    assertEquals(lines.stream().map(l -> l.substring(0, l.indexOf(" ", 7))).toList(),
        Files.readAllLines(run2).stream().map(l -> l.substring(0, l.indexOf(" ", 7))).toList());
  }

  @Test
  void dimensionMismatchExitsTwo(@TempDir Path tmp) throws Exception {
    // vectors claiming to be bge but of dimension 8: searching with the real bge must fail cleanly
    float[][] v = new float[3][8];
    for (int i = 0; i < 3; i++) {
      v[i][i] = 1f;
    }
    Path vec = tmp.resolve("v.tvec");
    new VectorFile("bge-small-en-v1.5-q", 8, List.of("a", "b", "c"), v).write(vec);
    Path index = tmp.resolve("idx");
    assertEquals(0, run("dense-index", "--vectors", vec.toString(), "--index", index.toString()).code());
    Path topics = tmp.resolve("t.tsv");
    Files.writeString(topics, "1\thello\n");
    Result r = run("dense-search", "--index", index.toString(), "--topics", topics.toString(),
        "--output", tmp.resolve("o.txt").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("dimension mismatch"), r.err());
  }

  @Test
  void badNamesAndInputsExitTwo(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("c.jsonl");
    Files.writeString(corpus, "{\"id\":\"a\",\"contents\":\"x\"}\n");
    Result r = run("encode", "--corpus", corpus.toString(), "--encoder", "bge-large",
        "--output", tmp.resolve("o.tvec").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("unknown encoder 'bge-large'") && r.err().contains("valid: "), r.err());
    Path folder = Files.createDirectories(tmp.resolve("model"));
    Files.write(folder.resolve("model.onnx"), new byte[] {0});
    Result f = run("encode", "--corpus", corpus.toString(), "--encoder", folder.toString(),
        "--output", tmp.resolve("o.tvec").toString());
    assertEquals(2, f.code(), f.err());
    assertTrue(f.err().contains("missing tokenizer.json"), f.err());
    Files.writeString(corpus, "{\"id\":\"a\",\"contents\":\"x\"}\n{\"id\":\"a\",\"contents\":\"y\"}\n");
    Result dup = run("dense-index", "--corpus", corpus.toString(), "--encoder", "bge-small-en-v1.5-q",
        "--index", tmp.resolve("i").toString());
    assertEquals(2, dup.code(), dup.err());
    assertTrue(dup.err().contains(":2: duplicate document id 'a'"), dup.err());
    Result noIndex = run("dense-search", "--index", tmp.resolve("nope").toString(), "--topics",
        corpus.toString(), "--output", "-");
    assertEquals(2, noIndex.code(), noIndex.err());
  }
}
