package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code trawl rerank} processes on the same output: the first (a child JVM, held mid-query by
 * a local chat endpoint) holds the work file; the second, with {@code --resume}, fails at once
 * (exit 1, one line) naming the process that holds it, and touches nothing; the first then ends
 * normally and leaves no work or lock file.
 */
class RerankLockTest {
  @TempDir Path tmp;

  @Test
  void aSecondProcessOnTheSameWorkFileIsRefusedWithTheHolder() throws Exception {
    Path cands = Files.writeString(tmp.resolve("c.jsonl"), "{\"query\":{\"text\":\"flow\",\"qid\":\"1\"},\"candidates\":["
        + "{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"boundary layer\"}},"
        + "{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"supersonic wing\"}}]}\n");
    Path out = tmp.resolve("out.txt");
    try (FakeChatServer server = new FakeChatServer().holdFirst()) {
      String spec = "rankgpt(backend=openai,base-url=" + server.baseUrl()
          + ",model=m,api-key-env=\"\",cache=off,retries=0,timeout=120)";
      List<String> cmd = Cli.java("-Xmx256m");
      cmd.addAll(List.of("io.trawl.cli.Trawl", "rerank", "--reranker", spec, "-i", cands.toString(),
          "-o", out.toString(), "-q"));
      Process first = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("first.log").toFile()).start();
      try {
        assertTrue(server.awaitFirst(120), "the first rerank never called the endpoint: "
            + Files.readString(tmp.resolve("first.log")));
        Cli.Outcome second = Cli.run("rerank", "--reranker", spec, "-i", cands.toString(), "-o", out.toString(),
            "--resume", "-q");
        String context = "exit " + second.code() + "\n" + second.err();
        assertEquals(1, second.code(), context);
        assertEquals(1, second.err().strip().lines().count(), context);
        assertTrue(second.err().startsWith("trawl: error: " + out + ".work: in use by another trawl rerank (pid "
            + first.pid() + " on "), context);
        assertEquals(1, server.authorizations.size(), "the second process sent a request");
        assertFalse(Files.exists(out), "the second process wrote the output");
      } finally {
        server.release();
        assertTrue(first.waitFor(120, TimeUnit.SECONDS));
      }
      String log = Files.readString(tmp.resolve("first.log"), StandardCharsets.UTF_8);
      assertEquals(0, first.exitValue(), log);
    }
    assertEquals(2, Files.readAllLines(out).size());
    try (var left = Files.list(tmp)) {
      List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of("c.jsonl", "first.log", "out.txt", "out.txt.meta.json"), names);
    }
  }
}
