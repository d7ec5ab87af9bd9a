package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live progress reaches a terminal through the real launcher while the job runs: {@code trawl
 * encode} of a few hundred texts under a pseudo-terminal shows its {@code \r} status line before it
 * ends (the launcher's stderr filter once held such lines until a newline came, so they showed
 * only at the end), and the line is erased before the summary.
 */
class TerminalProgressTest {
  @TempDir Path tmp;

  static Path corpus(Path dir, int docs) throws Exception {
    Path f = dir.resolve("texts.jsonl");
    String[] words = {"river", "mountain", "protein", "cell", "virus", "vaccine", "ocean", "climate",
        "energy", "plant", "sunlight", "capital", "france", "city", "boundary", "layer"};
    java.util.Random r = new java.util.Random(20261207L);
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < docs; d++) {
      sb.append("{\"_id\":\"d").append(d).append("\",\"title\":\"\",\"text\":\"");
      for (int w = 0; w < 20 + r.nextInt(40); w++) {
        sb.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
      }
      sb.append("\"}\n");
    }
    Files.writeString(f, sb.toString());
    return f;
  }

  @Test
  void aLiveProgressLineReachesTheTerminalBeforeTheJobEnds() throws Exception {
    Terminal.assumeAvailable();
    Path root = Terminal.launcher(tmp);
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path corpus = corpus(work, 300);
    try (Terminal t = Terminal.start(root, work, Map.of(), "encode", "--corpus", corpus.toString(),
        "--encoder", "all-minilm-l6-v2-q", "--threads", "1", "-o", "texts.vec")) {
      assertTrue(t.await("\rencode: ", 120), "no live progress line: " + t.printable());
      boolean runningThen = t.alive();
      assertTrue(t.await("encode: 300 texts with ", 120), t.printable());
      assertEquals(0, t.waitFor(60), t.printable());
      long progress = t.arrival("\rencode: ");
      long summary = t.arrival("encode: 300 texts with ");
      assertTrue(runningThen && progress < summary,
          "the progress line came only with the end of the job (running: " + runningThen + ", "
              + (summary - progress) / 1_000_000 + " ms before the summary): " + t.printable());
      String s = t.screen();
      // every status line is erased (a carriage return, blanks, a carriage return) before the summary
      String beforeSummary = s.substring(0, s.indexOf("encode: 300 texts with "));
      assertTrue(beforeSummary.endsWith("\r") && beforeSummary.substring(beforeSummary.lastIndexOf("\rencode: "))
          .contains("\r "), t.printable());
      assertTrue(s.matches("(?s).*\\rencode: \\d+/300 texts, [0-9.,]+ texts/s, ETA \\S+.*"), t.printable());
    }
    assertTrue(Files.size(work.resolve("texts.vec")) > 300 * 384 * 4);
  }
}
