package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.model.Golden;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big but legitimate inputs, all in one child JVM with a 384 MiB heap: a 10 MB document is indexed
 * and found, a 10,000-term query is answered, a 1M-line qrels file is evaluated, and a 100-candidate
 * listwise prompt longer than the model's context fails at once with a message saying what to
 * change (exit 2, nothing written).
 */
class ResourceBoundsTest {
  static final long SEED = 8L;

  @TempDir Path tmp;

  @Test
  void bigInputsHaveClearOutcomesInBoundedMemory() throws Exception {
    Random r = new Random(SEED);
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<String> cases = new ArrayList<>();

    // a 10 MB document among small ones
    Path corpus = tmp.resolve("big.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(corpus)) {
      w.write("{\"id\": \"small1\", \"contents\": \"boundary layer flow\"}\n");
      w.write("{\"id\": \"huge\", \"contents\": \"");
      long written = 0;
      while (written < 10_000_000) {
        String word = "t" + Integer.toString(r.nextInt(200_000), 36) + " ";
        w.write(word);
        written += word.length();
      }
      w.write("needle\"}\n{\"id\": \"small2\", \"contents\": \"supersonic wing\"}\n");
    }
    Path bigIndex = out.resolve("big-idx");
    cases.add(String.join("\t", "index-10mb", "index", "--collection", "json", "--input", corpus.toString(),
        "--index", bigIndex.toString(), "-q"));
    Path needle = tmp.resolve("needle.tsv");
    Files.writeString(needle, "1\tneedle\n");
    cases.add(String.join("\t", "search-10mb", "search", "--index", bigIndex.toString(), "--topics",
        needle.toString(), "--output", out.resolve("needle.txt").toString(), "--quiet"));

    // a 10,000-term query against Cranfield
    Path cran = out.resolve("cran");
    cases.add(String.join("\t", "index-cran", "index", "--input", "builtin:cranfield", "--index", cran.toString(), "-q"));
    StringBuilder q = new StringBuilder("1\t");
    List<String> words = List.of("boundary", "layer", "flow", "supersonic", "wing", "pressure", "heat", "transfer");
    for (int i = 0; i < 10_000; i++) {
      q.append(i % 2 == 0 ? words.get(r.nextInt(words.size())) : "zz" + Integer.toString(i, 36)).append(' ');
    }
    Path longQuery = tmp.resolve("long.tsv");
    Files.writeString(longQuery, q.append('\n').toString());
    cases.add(String.join("\t", "query-10k", "search", "--index", cran.toString(), "--topics", longQuery.toString(),
        "--output", out.resolve("long.txt").toString(), "--quiet", "--hits", "10"));

    // a 1,000,000-line qrels file (1,000 queries x 1,000 judgments) and a run over it
    Path qrels = tmp.resolve("big.qrels");
    Path run = tmp.resolve("big.run");
    try (BufferedWriter qw = Files.newBufferedWriter(qrels); BufferedWriter rw = Files.newBufferedWriter(run)) {
      for (int qi = 0; qi < 1000; qi++) {
        for (int d = 0; d < 1000; d++) {
          qw.write("q" + qi + " 0 d" + d + " " + (d % 7 == 0 ? 1 : 0) + "\n");
        }
        for (int d = 0; d < 100; d++) {
          rw.write("q" + qi + " Q0 d" + (d * 3) + " " + (d + 1) + " " + (100 - d) + " t\n");
        }
      }
    }
    cases.add(String.join("\t", "qrels-1m", "eval", "-c", "-m", "map", "-m", "P.10", qrels.toString(), run.toString(),
        "-o", out.resolve("eval.txt").toString()));

    // 100 candidates in one listwise window, over the tiny model's 512-token context
    Path model = tinyLlm(tmp.resolve("llm"));
    JsonNode all = new ObjectMapper().readTree(TinyT5Dl19.file().toFile());
    ArrayNode one = new ObjectMapper().createArrayNode().add(all.get(0));
    assertEquals(100, all.get(0).path("hits").size());
    Path cands = tmp.resolve("dl19-one.json");
    new ObjectMapper().writeValue(cands.toFile(), one);
    cases.add(String.join("\t", "listwise-100", "rerank", "--reranker",
        "rankgpt(backend=local,model=\"" + model + "\",window=100,threads=1)", "-i", cands.toString(),
        "-o", out.resolve("rankgpt.txt").toString()));

    Path caseFile = tmp.resolve("cases.tsv");
    Files.write(caseFile, cases);
    Map<String, String[]> res = runChild(caseFile, "-Xmx384m");

    for (String c : List.of("index-10mb", "search-10mb", "index-cran", "query-10k", "qrels-1m")) {
      assertEquals("0", res.get(c)[1], c + ": " + res.get(c)[2]);
    }
    assertTrue(Files.readString(out.resolve("needle.txt")).startsWith("1 Q0 huge 1 "), "the 10 MB document is found");
    String longRun = Files.readString(out.resolve("long.txt"));
    assertEquals(10, longRun.lines().count(), longRun);
    String eval = Files.readString(out.resolve("eval.txt"));
    assertTrue(eval.matches("(?s).*num_q\\s+all\\s+1000.*|(?s).*map\\s+all\\s+0\\.\\d+.*"), eval);

    String[] listwise = res.get("listwise-100");
    String err = listwise[2].replace("\\n", "\n").strip();
    assertEquals("2", listwise[1], err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("tokens too many") && err.contains("window="), err);
    assertFalse(Files.exists(out.resolve("rankgpt.txt")));
    assertFalse(Files.exists(out.resolve("rankgpt.txt.work")), "no header-only work file left");
  }

  static Path tinyLlm(Path dir) throws IOException {
    Path golden = Golden.model("llama-tiny");
    Path sp = Golden.shared().resolve("golden/tokenizers/llama2/tokenizer.model");
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = (ObjectNode) json.readTree(golden.resolve("config.json").toFile());
    cfg.put("max_position_embeddings", 512);
    json.writeValue(dir.resolve("config.json").toFile(), cfg);
    Files.createSymbolicLink(dir.resolve("model.safetensors"), golden.resolve("model.safetensors").toAbsolutePath());
    Files.createSymbolicLink(dir.resolve("tokenizer.model"), sp.toAbsolutePath());
    Map<String, Object> tc = new LinkedHashMap<>();
    tc.put("bos_token", "<s>");
    tc.put("eos_token", "</s>");
    tc.put("chat_template", io.trawl.model.llm.ChatTemplateTest.ZEPHYR);
    json.writeValue(dir.resolve("tokenizer_config.json").toFile(), tc);
    return dir;
  }

  /** The DL19 BM25 top-100 in RankGPT's retrieve-results JSON. */
  static final class TinyT5Dl19 {
    static Path file() {
      return Golden.shared().resolve("data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json");
    }
  }

  /** Runs the cases in a child JVM with the given heap; returns name -> [name, exit, stderr]. */
  static Map<String, String[]> runChild(Path caseFile, String heap) throws Exception {
    return Cli.inChild(caseFile, heap, null);
  }
}
