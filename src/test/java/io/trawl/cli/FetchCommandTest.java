package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.fetch.Catalogue;
import io.trawl.fetch.FetchCache;
import io.trawl.fetch.Fixtures;
import io.trawl.fetch.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trawl fetch} run in-process against a loopback server, then {@code trawl search --index NAME}. */
class FetchCommandTest {
  @TempDir Path tmp;

  @AfterEach
  void clear() {
    System.clearProperty(Catalogue.PROPERTY);
    System.clearProperty(FetchCache.PROPERTY);
  }

  @Test
  void listShowsTheBuiltInCatalogue() {
    SearchCommandTest.Result r = SearchCommandTest.run("fetch", "--list");
    assertEquals(0, r.code(), r.err());
    for (String name : new String[] {"msmarco-v1-passage", "beir-v1.0.0-scifact.flat", "msmarco-passage",
        "beir-v1.0.0-scifact"}) {
      assertTrue(r.out().contains(name + "\t"), r.out());
    }
  }

  @Test
  void fetchPrintsTheFolderAndSearchFindsTheIndexByName() throws Exception {
    Path idx = tmp.resolve("built");
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("d1", "supersonic boundary layers");
    docs.put("d2", "heat transfer in a boundary layer of a boundary layer");
    docs.put("d3", "wings at low speed");
    Fixtures.anseriniIndex(idx, docs);
    byte[] tar = Fixtures.tarGz(idx, "lucene-inverted.tiny.20240101.abcdef");
    byte[] corrupt = tar.clone();
    corrupt[100] ^= 1;
    Path cache = tmp.resolve("cache");
    try (LoopbackServer server = new LoopbackServer()) {
      server.file("/i/tiny.tar.gz", tar).file("/i/bad.tar.gz", corrupt);
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(tar));
      Path cat = tmp.resolve("catalogue.json");
      Files.writeString(cat, "{\"entries\": ["
          + "{\"name\": \"tiny\", \"kind\": \"index\", \"url\": \"https://example.invalid/i/tiny.tar.gz\", \"size\": "
          + tar.length + ", \"md5\": \"" + md5 + "\"},"
          + "{\"name\": \"bad\", \"kind\": \"index\", \"url\": \"https://example.invalid/i/bad.tar.gz\", \"size\": "
          + tar.length + ", \"md5\": \"" + md5 + "\"}]}");
      System.setProperty(Catalogue.PROPERTY, cat.toString());
      System.setProperty(FetchCache.PROPERTY, cache.toString());

      SearchCommandTest.Result before = SearchCommandTest.run("search", "--index", "tiny", "--query", "boundary layer",
          "--output", "-", "--quiet");
      assertEquals(2, before.code(), before.out());
      assertTrue(before.err().contains("run 'trawl fetch tiny'"), before.err());

      SearchCommandTest.Result r = SearchCommandTest.run("fetch", "tiny", "--endpoint", server.url());
      assertEquals(0, r.code(), r.err());
      assertEquals(cache.resolve("indexes").resolve("tiny").toAbsolutePath().toString(), r.out().strip());

      Path run = tmp.resolve("run.txt");
      SearchCommandTest.Result s = SearchCommandTest.run("search", "--index", "tiny", "--query", "boundary layer",
          "--hits", "3", "--output", run.toString(), "--quiet");
      assertEquals(0, s.code(), s.err());
      String[] lines = Files.readString(run).strip().split("\n");
      assertEquals(2, lines.length, String.join("\n", lines));
      assertEquals("d2", lines[0].split("\\s+")[2], lines[0]);

      SearchCommandTest.Result bad = SearchCommandTest.run("fetch", "bad", "--endpoint", server.url());
      assertEquals(1, bad.code(), bad.err());
      assertTrue(bad.err().contains("checksum mismatch: expected md5 " + md5), bad.err());
      assertEquals("", bad.out());
      assertTrue(!Files.exists(cache.resolve("indexes").resolve("bad")));
    }
  }

  /**
   * An index written by Lucene 9.3 in Anserini's layout (MakeLucene9Index.java; GNU tar) is fetched,
   * found by name and searched, and its raw documents are read, as Anserini's prebuilt indexes are.
   */
  @Test
  void aLucene9IndexInAnserinisLayoutIsSearchedByName() throws Exception {
    byte[] tar = Files.readAllBytes(Path.of(getClass().getResource("/io/trawl/fetch/lucene9-anserini.tar.gz").toURI()));
    Path cache = tmp.resolve("cache");
    try (LoopbackServer server = new LoopbackServer()) {
      server.file("/i/lucene9.tar.gz", tar);
      String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(tar));
      Path cat = tmp.resolve("catalogue.json");
      Files.writeString(cat, "{\"entries\": [{\"name\": \"l9\", \"kind\": \"index\", \"url\": \""
          + server.url() + "/i/lucene9.tar.gz\", \"size\": " + tar.length + ", \"md5\": \"" + md5 + "\"}]}");
      System.setProperty(Catalogue.PROPERTY, cat.toString());
      System.setProperty(FetchCache.PROPERTY, cache.toString());
      assertEquals(0, SearchCommandTest.run("fetch", "l9", "--quiet").code());
    }
    Path run = tmp.resolve("run.txt");
    SearchCommandTest.Result s = SearchCommandTest.run("search", "--index", "l9", "--query", "boundary layers",
        "--hits", "3", "--output", run.toString(), "--quiet");
    assertEquals(0, s.code(), s.err());
    String[] lines = Files.readString(run).strip().split("\n");
    assertEquals(2, lines.length, String.join("\n", lines));
    assertEquals("7067056", lines[0].split("\\s+")[2], lines[0]);
    assertEquals("7067032", lines[1].split("\\s+")[2], lines[1]);
    SearchCommandTest.Result doc = SearchCommandTest.run("doc", "--index", "l9", "8");
    assertEquals(0, doc.code(), doc.err());
    assertTrue(doc.out().contains("Wings at low speed."), doc.out());
  }

  @Test
  void usageErrors() {
    assertEquals(2, SearchCommandTest.run("fetch").code());
    assertEquals(2, SearchCommandTest.run("fetch", "--list", "x").code());
    SearchCommandTest.Result r = SearchCommandTest.run("fetch", "no-such-thing");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("trawl fetch --list"), r.err());
  }
}
