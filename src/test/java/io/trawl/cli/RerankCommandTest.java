package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.index.IndexFields;
import io.trawl.io.CandidateFiles;
import io.trawl.io.QueryCandidates;
import io.trawl.model.SafeTensors;
import io.trawl.model.SafeTensorsWriter;
import io.trawl.rerank.RerankJob;
import io.trawl.rerank.TinyT5;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankCommandTest {
  @TempDir Path tmp;

  record Result(int code, String err) {}

  static Result run(String... args) {
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Trawl.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, err.toString());
  }

  /** qid -> lines of a TREC run, checked for format, ranks and score monotonicity. */
  static Map<String, List<String[]>> checkRun(Path run) throws IOException {
    Map<String, List<String[]>> byQuery = new LinkedHashMap<>();
    for (String line : Files.readAllLines(run)) {
      String[] f = line.split(" ");
      assertEquals(6, f.length, line);
      assertEquals("Q0", f[1]);
      List<String[]> rows = byQuery.computeIfAbsent(f[0], k -> new ArrayList<>());
      assertEquals(rows.size() + 1, Integer.parseInt(f[3]), "rank " + line);
      if (!rows.isEmpty()) {
        assertTrue(Double.parseDouble(f[4]) < Double.parseDouble(rows.get(rows.size() - 1)[4]),
            "strictly decreasing scores: " + line);
      }
      rows.add(f);
    }
    return byQuery;
  }

  @Test
  void rerankDl19Top100EndToEnd() throws IOException {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Path input = TinyT5.dl19().resolve("retrieve_results_dl19.json");
    Path out = tmp.resolve("dl19.monot5.txt");
    Result r = run("rerank", "--reranker", "monot5(model=\"" + model + "\",threads=1,batch=32)",
        "-i", input.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, List<String[]>> run = checkRun(out);
    List<QueryCandidates> in = CandidateFiles.read(input.toString());
    assertEquals(43, in.size());
    assertEquals(in.size(), run.size());
    for (QueryCandidates q : in) {
      List<String[]> rows = run.get(q.query().id());
      assertEquals(100, rows.size());
      Set<String> want = new HashSet<>();
      q.candidates().candidates().forEach(c -> want.add(c.docId()));
      Set<String> got = new HashSet<>();
      rows.forEach(f -> got.add(f[2]));
      assertEquals(want, got, "same documents for " + q.query().id());
      // a candidates file is the pipeline's candidates(file=...) source: then the reranker's spec
      assertTrue(rows.get(0)[5].startsWith("candidates(file=" + input + ")>>monot5(model="), rows.get(0)[5]);
    }
    // the reranker changed the order somewhere
    boolean changed = false;
    for (QueryCandidates q : in) {
      changed |= !q.candidates().get(0).docId().equals(run.get(q.query().id()).get(0)[2]);
    }
    assertTrue(changed);
    assertFalse(Files.exists(Path.of(out + ".work")), "work file removed after success");
  }

  /** A tiny Lucene index with the layout of IndexFields, from the DL19 corpus. */
  private Path index(Set<String> docids) throws IOException {
    Path dir = tmp.resolve("index");
    ObjectMapper json = new ObjectMapper();
    try (IndexWriter w = new IndexWriter(FSDirectory.open(dir), new IndexWriterConfig())) {
      for (String line : Files.readAllLines(TinyT5.dl19().resolve("corpus.jsonl"))) {
        JsonNode n = json.readTree(line);
        String id = n.path("id").asText();
        if (docids.contains(id)) {
          Document d = new Document();
          d.add(new StringField(IndexFields.ID, id, Field.Store.YES));
          d.add(new StoredField(IndexFields.RAW, line));
          w.addDocument(d);
        }
      }
    }
    return dir;
  }

  @Test
  void trecRunWithIndexEqualsCandidatesFileAndKeepsTheRestBelowDepth() throws IOException {
    Path model = TinyT5.folder(tmp, "t5-v1_1-tiny");
    Path data = TinyT5.dl19();
    // the first two queries of the BM25 run, top 12
    Map<String, List<String>> kept = new LinkedHashMap<>();
    List<String> runLines = new ArrayList<>();
    for (String line : Files.readAllLines(data.resolve("trec_results_dl19.txt"))) {
      String[] f = line.split("\\s+");
      if (kept.size() == 2 && !kept.containsKey(f[0])) {
        break;
      }
      List<String> docs = kept.computeIfAbsent(f[0], k -> new ArrayList<>());
      if (docs.size() < 12) {
        docs.add(f[2]);
        runLines.add(line);
      }
    }
    Path run = tmp.resolve("bm25.txt");
    Files.write(run, runLines);
    Set<String> all = new HashSet<>();
    kept.values().forEach(all::addAll);
    Path index = index(all);
    String spec = "monot5(model=\"" + model + "\",threads=1)";
    Path a = tmp.resolve("a.txt");
    Result r = run("rerank", "--reranker", spec, "-i", run.toString(), "--index", index.toString(),
        "--topics", data.resolve("topics.dl19-passage.judged.tsv").toString(), "--depth", "8",
        "--tag", "t", "-o", a.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, List<String[]>> ra = checkRun(a);
    assertEquals(2, ra.size());
    for (Map.Entry<String, List<String>> e : kept.entrySet()) {
      List<String[]> rows = ra.get(e.getKey());
      assertEquals(12, rows.size());
      for (int i = 8; i < 12; i++) {
        assertEquals(e.getValue().get(i), rows.get(i)[2], "below depth: original order");
      }
    }
    // the same queries as a RankLLM JSONL candidates file give the same run
    List<QueryCandidates> in = CandidateFiles.read(data.resolve("retrieve_results_dl19.json").toString());
    Path jsonl = tmp.resolve("cands.jsonl");
    StringBuilder sb = new StringBuilder();
    for (QueryCandidates q : in) {
      if (kept.containsKey(q.query().id())) {
        sb.append(CandidateFiles.toJsonl(q.query(), q.candidates().top(12))).append('\n');
      }
    }
    Files.writeString(jsonl, sb.toString());
    Path b = tmp.resolve("b.txt");
    r = run("rerank", "--reranker", spec, "-i", jsonl.toString(), "--depth", "8", "--tag", "t", "-o", b.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(Files.readString(a), Files.readString(b));
    // JSONL output carries the texts
    Path c = tmp.resolve("c.jsonl");
    r = run("rerank", "--reranker", spec, "-i", jsonl.toString(), "--depth", "8", "-o", c.toString());
    assertEquals(0, r.code(), r.err());
    List<QueryCandidates> back = CandidateFiles.read(c.toString());
    assertEquals(2, back.size());
    assertTrue(back.get(0).candidates().isMonotone());
    assertTrue(back.get(0).candidates().get(0).text().length() > 10);
  }

  @Test
  void killAndResumeIsByteIdentical() throws Exception {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    killAndResume("monot5(model=\"" + model + "\",threads=1,batch=2)", 10, "monot5");
  }

  /**
   * The int8 encoder quantises per batch; before issue 15 a document cache shared across queries
   * made a resumed run differ from the uninterrupted one (13 of 40 SciFact queries).
   */
  @Test
  void int8EmbedKillAndResumeIsByteIdentical() throws Exception {
    killAndResume("embed(encoder=bge-small-en-v1.5-q,threads=1)", 10, "embed-int8");
  }

  private void killAndResume(String spec, int k, String name) throws Exception {
    Path input = TinyT5.dl19().resolve("retrieve_results_dl19.json");
    String depth = Integer.toString(k);
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path whole = dir.resolve("whole.txt");
    Result r = run("rerank", "--reranker", spec, "-i", input.toString(), "--depth", depth, "-o", whole.toString());
    assertEquals(0, r.code(), r.err());

    Path out = dir.resolve("resumed.txt");
    Path work = Path.of(out + ".work");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (int i = 0; i < jvm.size(); i++) {
      String a = jvm.get(i);
      if ((a.equals("--add-modules") || a.equals("--enable-native-access")) && i + 1 < jvm.size()) {
        cmd.add(a);
        cmd.add(jvm.get(++i));
      } else if (a.startsWith("-D") || a.startsWith("--add-modules=") || a.startsWith("--enable-native-access=")
          || a.startsWith("-Xmx")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.trawl.cli.Trawl", "rerank",
        "--reranker", spec, "-i", input.toString(), "--depth", depth, "-o", out.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int lines = 0;
    while (System.nanoTime() < deadline && p.isAlive()) {
      lines = Files.exists(work) ? (int) Files.readAllLines(work).size() : 0;
      if (lines >= 4) {
        break;
      }
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "the child must still be running when killed; log: "
        + Files.readString(dir.resolve("child.log")));
    p.destroyForcibly(); // SIGKILL
    p.waitFor(30, TimeUnit.SECONDS);
    assertFalse(Files.exists(out), "no final output after a kill");
    int done = Files.readAllLines(work).size() - 1;
    assertTrue(done >= 3 && done < 43, "killed mid-way after " + done + " queries");
    // simulate a torn write as well: half a line at the end
    Files.writeString(work, "{\"qid\":\"1", java.nio.file.StandardOpenOption.APPEND);
    // running again without --resume keeps the finished queries: refused, nothing touched
    byte[] before = Files.readAllBytes(work);
    Result again = run("rerank", "--reranker", spec, "-i", input.toString(), "--depth", depth, "-o", out.toString());
    assertEquals(2, again.code(), again.err());
    assertTrue(again.err().contains("holds " + done + " finished queries of this job; add --resume"), again.err());
    assertTrue(again.err().contains("--force"), again.err());
    assertArrayEquals(before, Files.readAllBytes(work));
    assertFalse(Files.exists(out));

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RerankJob.Summary s = new RerankJob(new RerankJob.Options(spec, input.toString(), null, null, k,
        out.toString(), null, null, true, null), io.trawl.rerank.registry.Rerankers.registry()::create).run(new PrintStream(log, true, StandardCharsets.UTF_8));
    assertTrue(s.resumedQueries() >= 3, "resumed " + s.resumedQueries());
    assertEquals(43, s.queries());
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out), "resumed run differs from the uninterrupted one");
    assertFalse(Files.exists(work));
    checkRun(out);
  }

  @Test
  void resumeRefusesAnotherJobsWorkFile() throws IOException {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Path in = tmp.resolve("c.jsonl");
    Files.writeString(in, "{\"query\":{\"text\":\"fleas\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"fleas live long\"}},{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"concrete\"}}]}\n");
    Path out = tmp.resolve("o.txt");
    Files.writeString(Path.of(out + ".work"), "{\"trawl-rerank-work\":1,\"reranker\":\"other\"}\n");
    Result r = run("rerank", "--reranker", "monot5(model=\"" + model + "\",threads=1)", "-i", in.toString(),
        "-o", out.toString(), "--resume");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(out + ".work:1: this work file belongs to another job"), r.err());
  }

  @Test
  void anotherJobsFinishedQueriesAreKeptUnlessForced() throws IOException {
    Path model = TinyT5.folder(tmp, "t5-v1_0-tiny");
    Path in = tmp.resolve("c2.jsonl");
    Files.writeString(in, "{\"query\":{\"text\":\"fleas\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"fleas live long\"}},{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"concrete\"}}]}\n");
    Path out = tmp.resolve("o2.txt");
    Path work = Path.of(out + ".work");
    String old = "{\"trawl-rerank-work\":1,\"reranker\":\"other\"}\n{\"qid\":\"9\",\"ranking\":[]}\n";
    Files.writeString(work, old);
    String spec = "monot5(model=\"" + model + "\",threads=1)";
    Result r = run("rerank", "--reranker", spec, "-i", in.toString(), "-o", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("holds 1 finished query of another job"), r.err());
    assertEquals(old, Files.readString(work));
    Result forced = run("rerank", "--reranker", spec, "-i", in.toString(), "-o", out.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertTrue(Files.exists(out));
    assertFalse(Files.exists(work));
  }

  // ---------------------------------------------------------------- bad model folders

  private Path candidates() throws IOException {
    Path in = tmp.resolve("one.jsonl");
    Files.writeString(in, "{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":[{\"docid\":\"a\",\"score\":1,\"doc\":{\"contents\":\"x\"}}]}\n");
    return in;
  }

  private void assertBadModel(Path model, String fileInMessage, String problem) throws IOException {
    Result r = run("rerank", "--reranker", "monot5(model=\"" + model + "\",threads=1)", "-i",
        candidates().toString(), "-o", tmp.resolve("never.txt").toString());
    assertEquals(2, r.code(), r.err());
    String msg = r.err().strip();
    assertEquals(1, msg.lines().count(), "one line: " + msg);
    assertTrue(msg.startsWith("trawl: error: " + fileInMessage), msg);
    assertTrue(msg.contains(problem), msg);
    assertFalse(Files.exists(tmp.resolve("never.txt")));
  }

  /** A copy of a golden model with its config edited and its tensors filtered or changed. */
  private Path variant(String name, String configFrom, String configTo, String drop, String reshape,
      int truncateBytes) throws IOException {
    Path src = io.trawl.model.Golden.model("t5-v1_0-tiny");
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("config.json"), Files.readString(src.resolve("config.json")).replace(configFrom, configTo));
    Files.createSymbolicLink(dir.resolve("spiece.model"),
        io.trawl.model.Golden.shared().resolve("golden/tokenizers/llama2/tokenizer.model").toAbsolutePath());
    SafeTensorsWriter w = new SafeTensorsWriter();
    try (SafeTensors st = SafeTensors.open(src.resolve("model.safetensors"))) {
      for (String t : st.names()) {
        if (t.equals(drop)) {
          continue;
        }
        SafeTensors.TensorInfo info = st.info(t);
        long[] shape = info.shape().clone();
        java.nio.ByteBuffer raw = st.raw(t);
        if (t.equals(reshape)) {
          shape = new long[] {shape[0] * shape[1] / 2, 2};
        }
        w.add(t, info.dtype(), shape, buf -> buf.put(raw.duplicate()));
      }
    }
    Path file = dir.resolve("model.safetensors");
    w.write(file);
    if (truncateBytes > 0) {
      byte[] b = Files.readAllBytes(file);
      Files.write(file, java.util.Arrays.copyOf(b, b.length - truncateBytes));
    }
    return dir;
  }

  @Test
  void badModelFoldersAreOneLineErrorsNamingTheFile() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertBadModel(empty, empty.resolve("config.json").toString(), "no config.json");
    Path nonHf = Files.createDirectories(tmp.resolve("nonhf"));
    Files.writeString(nonHf.resolve("README.txt"), "hello");
    Files.write(nonHf.resolve("weights.bin"), new byte[] {1, 2, 3});
    assertBadModel(nonHf, nonHf.resolve("config.json").toString(), "not a Hugging Face model folder");
    assertBadModel(nonHf.resolve("README.txt"), nonHf.resolve("README.txt").toString(), "not a folder");
    Path bert = variant("bert", "\"model_type\": \"t5\"", "\"model_type\": \"bert\"", null, null, 0);
    assertBadModel(bert, bert.resolve("config.json").toString(), "unknown model_type 'bert'");
    Path arch = variant("arch", "\"T5ForConditionalGeneration\"", "\"LlamaForCausalLM\"", null, null, 0);
    assertBadModel(arch, arch.resolve("config.json").toString(), "unknown architecture [LlamaForCausalLM]");
    Path missing = variant("missing", "", "", "decoder.final_layer_norm.weight", null, 0);
    assertBadModel(missing, missing.resolve("model.safetensors").toString(), "missing tensor 'decoder.final_layer_norm.weight'");
    Path shape = variant("shape", "", "", null, "encoder.block.1.layer.0.SelfAttention.q.weight", 0);
    assertBadModel(shape, shape.resolve("model.safetensors").toString(),
        "tensor 'encoder.block.1.layer.0.SelfAttention.q.weight' has shape [2048, 2], expected [64, 64]");
    Path cut = variant("cut", "", "", null, null, 1000);
    assertBadModel(cut, cut.resolve("model.safetensors").toString(), "truncated safetensors file");
    Path noWeights = Files.createDirectories(tmp.resolve("noweights"));
    Files.copy(io.trawl.model.Golden.model("t5-v1_0-tiny").resolve("config.json"), noWeights.resolve("config.json"));
    assertBadModel(noWeights, noWeights.toString(), "no model.safetensors");
  }
}
