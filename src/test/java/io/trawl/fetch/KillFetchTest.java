package io.trawl.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs {@code trawl fetch} (a separate JVM) in the middle of a download from a loopback server;
 * the part file stays, nothing else appears, and fetching again asks only for the missing bytes
 * and gives the verified file.
 */
class KillFetchTest {
  @TempDir Path tmp;

  @Test
  void aKilledDownloadResumesWhereItStopped() throws Exception {
    byte[] payload = new byte[3 << 20];
    new Random(5).nextBytes(payload);
    byte[] body = Fixtures.tarGz(Map.of("big.bin", payload));
    Path cache = tmp.resolve("cache");
    Path part = cache.resolve("downloads/big.tar.gz.part");
    try (LoopbackServer server = new LoopbackServer()) {
      server.slow("/c/big.tar.gz", body);
      Path cat = tmp.resolve("catalogue.json");
      Files.writeString(cat, "{\"entries\": [{\"name\": \"big\", \"kind\": \"collection\", \"url\": \""
          + server.url() + "/c/big.tar.gz\", \"size\": " + body.length + ", \"md5\": \""
          + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\"}]}",
          StandardCharsets.UTF_8);

      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("--add-modules") || a.startsWith("--enable-native-access")) {
          cmd.add(a);
        }
      }
      cmd.addAll(List.of("-Xmx256m", "-D" + Catalogue.PROPERTY + "=" + cat, "-cp", System.getProperty("java.class.path"),
          "io.trawl.cli.Trawl", "fetch", "big", "--cache", cache.toString(), "-q"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(part) && Files.size(part) >= 256 << 10)) {
          assertTrue(p.isAlive(), "fetch ended before it was killed: " + Files.readString(tmp.resolve("log")));
          assertTrue(System.nanoTime() < deadline, "the download did not start");
          Thread.sleep(20);
        }
      } finally {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      }
      long have = Files.size(part);
      assertTrue(have < body.length, "killed after " + have + " of " + body.length + " bytes");
      assertFalse(Files.exists(cache.resolve("collections/big")));

      server.fast("/c/big.tar.gz");
      System.setProperty(Catalogue.PROPERTY, cat.toString());
      try {
        Fetcher.Result r = Fetcher.fetch("big", new Fetcher.Options(new FetchCache(cache), null, null,
            new Download.Settings(Duration.ofSeconds(10), Download.Listener.NONE)));
        assertTrue(server.requests.contains("/c/big.tar.gz bytes=" + have + "-"), server.requests.toString());
        assertArrayEquals(payload, Files.readAllBytes(r.folder().resolve("big.bin")));
        assertFalse(Files.exists(part));
        assertEquals(2, server.requests.size(), server.requests.toString());
      } finally {
        System.clearProperty(Catalogue.PROPERTY);
      }
    }
  }
}
