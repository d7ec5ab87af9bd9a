package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in the middle of every long command, typed into a pseudo-terminal that runs the real
 * launcher (as a user does): the command ends with exit status 130, prints no JVM crash banner, no
 * stack trace and no error, leaves no {@code hs_err_pid*.log} in the working folder and no output
 * (no file, no index folder, no hidden temporary file); {@code trawl rerank} may leave its work
 * file, which {@code --resume} continues. Ctrl-C is typed once the command's first live progress
 * line shows, so it lands mid-job. {@code dense-index} once crashed the JVM in about one Ctrl-C of
 * three (a native call still running while the JVM exited).
 */
class CtrlCTest {
  @TempDir static Path tmp;
  static Path root;
  static Path texts;
  static Path cranfield;

  @BeforeAll
  static void setUp() throws Exception {
    Terminal.assumeAvailable();
    root = Terminal.launcher(tmp);
    texts = TerminalProgressTest.corpus(Files.createDirectories(tmp.resolve("texts")), 400);
    cranfield = tmp.resolve("cranfield");
    Cli.Outcome o = Cli.run("index", "--input", "builtin:cranfield", "--index", cranfield.toString(), "-q");
    assertEquals(0, o.code(), o.err());
  }

  /** Runs {@code trawl ARGS} in a fresh folder, types Ctrl-C after {@code progress} shows, checks the end. */
  static Path interrupt(String name, String progress, String... args) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run-" + name));
    Set<String> before = list(dir);
    try (Terminal t = Terminal.start(root, dir, Map.of(), args)) {
      assertTrue(t.await("\r" + progress, 120), name + ": no progress line: " + t.printable());
      assertTrue(t.alive(), name + " ended before Ctrl-C: " + t.printable());
      t.ctrlC();
      int code = t.waitFor(60);
      String screen = t.printable();
      assertEquals(130, code, name + ": " + screen);
      for (String bad : List.of("fatal error", "SIGSEGV", "hs_err", "Exception", "error", "at io.trawl", "at java.")) {
        assertFalse(t.screen().contains(bad), name + " printed '" + bad + "': " + screen);
      }
    }
    Set<String> after = list(dir);
    after.removeAll(before);
    after.removeIf(f -> f.endsWith(".work")); // rerank's resumable work
    assertEquals(Set.of(), after, name + " left files behind");
    return dir;
  }

  static Set<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void index() throws Exception {
    Path corpus = tmp.resolve("big.jsonl");
    Random r = new Random(7);
    try (BufferedWriter w = Files.newBufferedWriter(corpus)) {
      for (int i = 0; i < 300_000; i++) {
        StringBuilder sb = new StringBuilder("{\"id\": \"d").append(i).append("\", \"contents\": \"");
        for (int j = 0; j < 20; j++) {
          sb.append('w').append(Integer.toString(r.nextInt(5000), 36)).append(' ');
        }
        w.write(sb.append("\"}\n").toString());
      }
    }
    interrupt("index", "indexing: ", "index", "--collection", "json", "--input", corpus.toString(), "--index", "idx", "--threads", "1");
  }

  @Test
  void search() throws Exception {
    Path topics = tmp.resolve("many.tsv");
    String[] words = {"boundary", "layer", "flow", "shock", "wave", "heat", "transfer", "wing", "pressure",
        "supersonic", "laminar", "turbulent", "mach", "number", "plate"};
    Random r = new Random(3);
    try (BufferedWriter w = Files.newBufferedWriter(topics)) {
      for (int q = 0; q < 200_000; q++) {
        w.write(q + "\t" + words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)] + " "
            + words[r.nextInt(words.length)] + "\n");
      }
    }
    interrupt("search", "search: ", "search", "--index", cranfield.toString(), "--topics", topics.toString(),
        "--threads", "1", "-o", "run.txt");
  }

  @Test
  void encode() throws Exception {
    // ONNX Runtime (dense-index below runs the exact Java engine)
    interrupt("encode", "encode: ", "encode", "--corpus", texts.toString(), "--encoder", "all-minilm-l6-v2-q",
        "--threads", "1", "--batch", "8", "-o", "texts.vec");
  }

  @Test
  void denseIndex() throws Exception {
    interrupt("dense-index", "dense-index: encoding: ", "dense-index", "--corpus", texts.toString(),
        "--encoder", "bge-small-en-v1.5", "--threads", "1", "--batch", "8", "--index", "dense");
  }

  @Test
  void rerank() throws Exception {
    Path candidates = tmp.resolve("candidates.jsonl");
    Random r = new Random(5);
    String[] words = {"river", "mountain", "protein", "cell", "virus", "vaccine", "ocean", "climate"};
    try (BufferedWriter w = Files.newBufferedWriter(candidates)) {
      for (int q = 0; q < 200; q++) {
        StringBuilder sb = new StringBuilder("{\"query\":{\"text\":\"").append(words[q % words.length])
            .append("\",\"qid\":\"q").append(q).append("\"},\"candidates\":[");
        for (int c = 0; c < 8; c++) {
          sb.append(c == 0 ? "" : ",").append("{\"docid\":\"d").append(c).append("\",\"score\":").append(8 - c)
              .append(",\"doc\":{\"contents\":\"");
          for (int k = 0; k < 30; k++) {
            sb.append(k == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
          }
          sb.append("\"}}");
        }
        w.write(sb.append("]}\n").toString());
      }
    }
    Path dir = interrupt("rerank", "rerank: ", "rerank", "--reranker", "embed(encoder=all-minilm-l6-v2-q)",
        "-i", candidates.toString(), "-o", "reranked.txt");
    Path work = dir.resolve("reranked.txt.work");
    if (Files.exists(work)) {
      assertTrue(Files.readAllLines(work).get(0).contains("trawl-rerank-work"), Files.readString(work));
    }
  }
}
