package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TextFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trawl index} then {@code trawl search} on SciFact, through the command line, against
 * Anserini's reference run: multifield BM25 with the topics name and BEIR's remove-query rule;
 * the multifield index is searched on title and contents without --fields (from its metadata).
 * (Flat and the other models are covered by {@code SciFactParityTest} through the library.)
 */
class SearchEndToEndTest {
  @TempDir Path tmp;

  static int run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    assertEquals(0, code, String.join(" ", args) + ": " + err);
    return code;
  }

  /** Lines without the tag, grouped per query and ordered by query id as Anserini writes them. */
  static List<String> normalized(Path run) {
    TreeMap<String, List<String>> byQuery = new TreeMap<>();
    try (TextFiles.Lines lines = new TextFiles.Lines(run.toString())) {
      String line;
      while ((line = lines.next()) != null) {
        byQuery.computeIfAbsent(line.substring(0, line.indexOf(' ')), k -> new ArrayList<>())
            .add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    List<String> out = new ArrayList<>();
    byQuery.values().forEach(out::addAll);
    return out;
  }

  private void check(String layout, String reference) throws Exception {
    Path shared = Path.of(System.getProperty("trawl.shared", "../shared"), "data");
    Path corpus = shared.resolve("beir-scifact/corpus.jsonl");
    Path ref = shared.resolve("anserini-reference-runs").resolve(reference);
    Assumptions.assumeTrue(Files.exists(corpus) && Files.exists(ref), "shared SciFact data not found; skipping");
    Path index = tmp.resolve(layout);
    run("index", "--collection", "beir", "--input", corpus.toString(), "--index", index.toString(),
        "--layout", layout, "--threads", "2");
    Path out = tmp.resolve("run." + layout + ".txt");
    run("search", "--index", index.toString(), "--topics", "beir-scifact-test", "--remove-query",
        "--output", out.toString(), "--threads", "2", "--quiet");
    List<String> ours = normalized(out);
    List<String> want = normalized(ref);
    assertEquals(want.size(), ours.size());
    int diff = 0;
    for (int i = 0; i < want.size(); i++) {
      if (!want.get(i).equals(ours.get(i))) {
        diff++;
      }
    }
    assertEquals(0, diff, layout + ": lines differing from " + reference);
    assertTrue(Files.readString(out).startsWith("1 Q0 10608397 1 6.598800 bm25(k1=0.9,b=0.4)\n")
        || layout.equals("multifield"));
  }

  @Test
  void multifieldBm25MatchesAnserini() throws Exception {
    check("multifield", "run.scifact.mf-bm25.txt.gz");
  }
}
