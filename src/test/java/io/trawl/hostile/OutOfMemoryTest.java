package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.model.Golden;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory, in child JVMs with small heaps. Untrusted input cannot make Trawl allocate without bound:
 * a model's {@code config.json} with absurd sizes is checked against the weights before anything
 * is allocated, and a chat template's output is capped (exit 2, one line). A 50 MB JSON line
 * indexes at a 512 MiB heap. Work that genuinely needs more heap than it has (that line at 128 MiB,
 * fusing big runs in 24 MiB) ends with one line, {@code trawl: error: out of memory (...); raise
 * TRAWL_HEAP, e.g. ...}, exit 1, no stack trace and nothing half-written.
 */
class OutOfMemoryTest {
  static final long SEED = 15L;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static void outOfMemory(String name, String[] r) {
    String err = r[2].replace("\\n", "\n").strip();
    String context = name + ": exit " + r[1] + ": " + err;
    assertEquals("1", r[1], context);
    assertEquals(1, err.lines().count(), context);
    assertTrue(err.matches("trawl: error: out of memory \\(.*; the heap limit is .*\\); raise TRAWL_HEAP, e\\.g\\."
        + " TRAWL_HEAP=\\d+[mg]"), context);
  }

  static void invalid(String name, String[] r, String fragment) {
    String err = r[2].replace("\\n", "\n").strip();
    String context = name + ": exit " + r[1] + ": " + err;
    assertEquals("2", r[1], context);
    assertEquals(1, err.lines().count(), context);
    assertTrue(err.startsWith("trawl: error: ") && err.contains(fragment), context);
  }

  static Path edited(Path golden, Path dir, Map<String, Object> changes) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(golden)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().equals("config.json")) {
          Files.createSymbolicLink(dir.resolve(f.getFileName()), f.toAbsolutePath());
        }
      }
    }
    ObjectNode cfg = (ObjectNode) JSON.readTree(golden.resolve("config.json").toFile());
    changes.forEach((k, v) -> cfg.set(k, JSON.valueToTree(v)));
    JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    return dir;
  }

  Path cands() throws IOException {
    return Files.writeString(tmp.resolve("c.jsonl"), "{\"query\":{\"text\":\"flow\",\"qid\":\"1\"},\"candidates\":["
        + "{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"boundary layer\"}},"
        + "{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"supersonic wing\"}}]}\n");
  }

  /** Runs the cases (name, then the arguments) in a child JVM with {@code heap}. */
  Map<String, String[]> child(String heap, List<String> cases) throws Exception {
    Path caseFile = Files.createTempFile(tmp, "cases", ".tsv");
    Files.write(caseFile, cases);
    return Cli.inChild(caseFile, heap, null);
  }

  /** Nothing but complete indexes may be left in the output folder. */
  static void nothingHalfWritten(Path out, String... indexes) throws IOException {
    try (Stream<Path> left = Files.list(out)) {
      List<String> names = left.map(p -> p.getFileName().toString()).toList();
      for (String n : names) {
        assertFalse(n.startsWith(".") || n.endsWith(".work") || n.endsWith(".lock"), "left behind: " + names);
      }
      assertTrue(List.of(indexes).containsAll(names), "only complete indexes may be left: " + names);
    }
  }

  @Test
  void aChatTemplateCannotRenderWithoutBound() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    // a chat template that doubles a string 40 times (a terabyte); through a namespace, since a
    // plain set inside a jinja2 loop does not outlive its iteration
    Path llm = ResourceBoundsTest.tinyLlm(tmp.resolve("llm-template"));
    ObjectNode tc = (ObjectNode) JSON.readTree(llm.resolve("tokenizer_config.json").toFile());
    tc.put("chat_template", "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
        + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}");
    JSON.writeValue(llm.resolve("tokenizer_config.json").toFile(), tc);
    Map<String, String[]> res = child("-Xmx256m", List.of(String.join("\t", "template", "rerank", "--reranker",
        "rankgpt(backend=local,model=\"" + llm + "\",threads=1)", "-i", cands().toString(), "-o",
        out.resolve("template.txt").toString())));
    invalid("template", res.get("template"), "chat-template limit");
    nothingHalfWritten(out);
  }

  @Test
  void configSizesAreCheckedAgainstTheWeights() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path cands = cands();
    Path layers = ResourceBoundsTest.tinyLlm(tmp.resolve("llm-layers"));
    ObjectNode lc = (ObjectNode) JSON.readTree(layers.resolve("config.json").toFile());
    lc.put("num_hidden_layers", Integer.MAX_VALUE);
    JSON.writeValue(layers.resolve("config.json").toFile(), lc);
    Path t5 = Golden.model("t5-v1_0-tiny");
    Path spiece = Golden.shared().resolve("golden/tokenizers/llama2/tokenizer.model");
    Path t5Layers = edited(t5, tmp.resolve("t5-layers"), Map.of("num_layers", Integer.MAX_VALUE));
    Files.createSymbolicLink(t5Layers.resolve("spiece.model"), spiece.toAbsolutePath());
    Path t5Ff = edited(t5, tmp.resolve("t5-dff"), Map.of("d_ff", 1 << 30));
    Files.createSymbolicLink(t5Ff.resolve("spiece.model"), spiece.toAbsolutePath());
    Map<String, String[]> res = child("-Xmx256m", List.of(
        String.join("\t", "first-layers", "rerank", "--reranker", "first(model=\"" + layers + "\",threads=1)",
            "-i", cands.toString(), "-o", out.resolve("first.txt").toString()),
        String.join("\t", "monot5-layers", "rerank", "--reranker", "monot5(model=\"" + t5Layers + "\",threads=1)",
            "-i", cands.toString(), "-o", out.resolve("t5a.txt").toString()),
        String.join("\t", "monot5-dff", "rerank", "--reranker", "monot5(model=\"" + t5Ff + "\",threads=1)",
            "-i", cands.toString(), "-o", out.resolve("t5b.txt").toString())));
    invalid("first-layers", res.get("first-layers"),
        "config.json: num_hidden_layers is 2147483647 but the weights hold 2 layers");
    invalid("monot5-layers", res.get("monot5-layers"), "config.json: num_layers is 2147483647 but the weights hold");
    invalid("monot5-dff", res.get("monot5-dff"), "expected [1073741824, 64]");
    nothingHalfWritten(out);
  }

  @Test
  void aFiftyMegabyteJsonLineIndexesOrSaysWhatToRaise() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    // a 20 M-character document (Jackson's limit for one string) plus 30 MB of fields not indexed
    Path big = tmp.resolve("big.jsonl");
    Random r = new Random(SEED);
    String[] vocab = new String[50_000];
    for (int i = 0; i < vocab.length; i++) {
      vocab[i] = "w" + Integer.toString(r.nextInt(1 << 24), 36);
    }
    try (BufferedWriter w = Files.newBufferedWriter(big)) {
      w.write("{\"id\": \"small\", \"contents\": \"boundary layer\"}\n{\"id\": \"big\", \"contents\": \"");
      long n = 0;
      while (n < 19_900_000) {
        String word = vocab[r.nextInt(vocab.length)] + " ";
        w.write(word);
        n += word.length();
      }
      w.write("\", \"extra\": \"" + "y".repeat(30_200_000) + "\"}\n");
    }
    assertTrue(Files.size(big) > 50_000_000);
    String[] args = {"index", "--collection", "json", "--input", big.toString(), "-q", "--index"};
    Map<String, String[]> res = child("-Xmx128m", List.of(
        String.join("\t", "128m", String.join("\t", args), out.resolve("idx128").toString())));
    outOfMemory("128m", res.get("128m"));
    res = child("-Xmx512m", List.of(String.join("\t", "512m", String.join("\t", args), out.resolve("idx512").toString())));
    assertEquals("0", res.get("512m")[1], res.get("512m")[2]);
    nothingHalfWritten(out, "idx512");
  }

  @Test
  void runningOutOfHeapIsOneLine() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    // fusing two 225,000-line runs, and indexing 60,000 documents, in 24 MiB
    Path index = tmp.resolve("cran");
    assertEquals(0, Cli.run("index", "--input", "builtin:cranfield", "--index", index.toString(), "-q").code());
    Path bm25 = tmp.resolve("bm25.txt");
    Path qld = tmp.resolve("qld.txt");
    assertEquals(0, Cli.run("search", "--index", index.toString(), "--topics", "cranfield", "-o", bm25.toString(), "--quiet").code());
    assertEquals(0, Cli.run("search", "--index", index.toString(), "--topics", "cranfield", "--qld", "-o", qld.toString(), "--quiet").code());
    Path corpus = KillIndexTest.corpus(tmp);
    Map<String, String[]> res = child("-Xmx24m", List.of(
        String.join("\t", "fuse", "fuse", bm25.toString(), qld.toString(), "-o", out.resolve("fused.txt").toString()),
        String.join("\t", "index", "index", "--collection", "json", "--input", corpus.toString(), "--index",
            out.resolve("idx").toString(), "-q")));
    outOfMemory("fuse", res.get("fuse"));
    if (!res.get("index")[1].equals("0")) {
      outOfMemory("index", res.get("index"));
    }
    nothingHalfWritten(out, "idx");
  }
}
