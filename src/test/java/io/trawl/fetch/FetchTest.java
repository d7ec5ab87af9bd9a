package io.trawl.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.model.SafeTensors;
import io.trawl.search.LuceneIndex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trawl fetch} end to end against a loopback HTTP server; nothing leaves 127.0.0.1. */
class FetchTest {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;
  LoopbackServer server;
  FetchCache cache;
  final List<String> said = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new LoopbackServer();
    cache = new FetchCache(tmp.resolve("cache"));
  }

  @AfterEach
  void stop() {
    server.close();
    System.clearProperty(Catalogue.PROPERTY);
    System.clearProperty(FetchCache.PROPERTY);
  }

  Fetcher.Options options(String endpoint, long timeoutSeconds) {
    Download.Listener l = new Download.Listener() {
      @Override
      public void say(String message) {
        said.add(message);
      }
    };
    return new Fetcher.Options(cache, endpoint, null, new Download.Settings(Duration.ofSeconds(timeoutSeconds), l));
  }

  static String hex(String algorithm, byte[] b) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    if (algorithm.equals("SHA-1")) {
      md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    return HexFormat.of().formatHex(md.digest(b));
  }

  /** Serves a tiny Hugging Face repo whose weights are a torch.save checkpoint. */
  void serveModel(byte[] spiece, String spieceSha) throws Exception {
    byte[] config = "{\"model_type\": \"t5\"}".getBytes(StandardCharsets.UTF_8);
    byte[] bin = Files.readAllBytes(TorchCheckpointTest.resource("tiny-state-dict.bin"));
    String api = "{\"id\": \"org/tiny\", \"sha\": \"" + COMMIT + "\", \"siblings\": ["
        + "{\"rfilename\": \"README.md\", \"size\": 5, \"blobId\": \"" + hex("SHA-1", "hello".getBytes()) + "\"},"
        + "{\"rfilename\": \"config.json\", \"size\": " + config.length + ", \"blobId\": \"" + hex("SHA-1", config) + "\"},"
        + "{\"rfilename\": \"spiece.model\", \"size\": " + spiece.length + ", \"blobId\": \"x\", \"lfs\": {\"sha256\": \""
        + spieceSha + "\", \"size\": " + spiece.length + "}},"
        + "{\"rfilename\": \"pytorch_model.bin\", \"size\": " + bin.length + ", \"lfs\": {\"sha256\": \""
        + hex("SHA-256", bin) + "\", \"size\": " + bin.length + "}}]}";
    server.file("/api/models/org/tiny/revision/main?blobs=true", api.getBytes(StandardCharsets.UTF_8))
        .file("/org/tiny/resolve/" + COMMIT + "/README.md", "hello".getBytes())
        .file("/org/tiny/resolve/" + COMMIT + "/config.json", config)
        .file("/org/tiny/resolve/" + COMMIT + "/spiece.model", spiece)
        .file("/org/tiny/resolve/" + COMMIT + "/pytorch_model.bin", bin);
  }

  @Test
  void modelIsResolvedVerifiedAndConvertedToSafetensors() throws Exception {
    byte[] spiece = "not really sentencepiece".getBytes(StandardCharsets.UTF_8);
    serveModel(spiece, hex("SHA-256", spiece));
    Fetcher.Result r = Fetcher.fetch("org/tiny", options(server.url(), 5));
    Path folder = cache.model("org/tiny", COMMIT);
    assertEquals(folder, r.folder());
    assertTrue(Files.isRegularFile(folder.resolve("config.json")));
    assertTrue(Files.isRegularFile(folder.resolve("spiece.model")));
    assertFalse(Files.exists(folder.resolve("pytorch_model.bin")), "converted, then removed");
    assertFalse(Files.exists(folder.resolve("README.md")), "not a runtime file");
    try (SafeTensors st = SafeTensors.open(folder.resolve("model.safetensors"))) {
      assertTrue(st.contains("encoder.weight_t"));
    }
    assertEquals(COMMIT, Files.readString(cache.ref("org/tiny", "main")).strip());
    assertFalse(server.requests.stream().anyMatch(x -> x.contains("README")), server.requests.toString());

    // a second fetch asks the API only and downloads nothing
    int before = server.requests.size();
    assertEquals(folder, Fetcher.fetch("org/tiny@main", options(server.url(), 5)).folder());
    assertEquals(before + 1, server.requests.size(), server.requests.toString());
  }

  @Test
  void modelFileWithAWrongSha256IsDeletedAndNothingAppears() throws Exception {
    byte[] spiece = "tampered".getBytes(StandardCharsets.UTF_8);
    String published = hex("SHA-256", "original".getBytes(StandardCharsets.UTF_8));
    serveModel(spiece, published);
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("org/tiny", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("checksum mismatch: expected sha256 " + published + ", got "
        + hex("SHA-256", spiece)), e.getMessage());
    assertFalse(Files.exists(cache.model("org/tiny", COMMIT)));
    try (Stream<Path> s = Files.walk(cache.root())) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("spiece.model")), "tampered file kept");
    }
  }

  @Test
  void aMaliciousCheckpointIsRefusedAndNoModelAppears() throws Exception {
    byte[] spiece = "sp".getBytes(StandardCharsets.UTF_8);
    serveModel(spiece, hex("SHA-256", spiece));
    byte[] evil = Files.readAllBytes(TorchCheckpointTest.resource("malicious-os-system.bin"));
    String api = new String(server.body("/api/models/org/tiny/revision/main?blobs=true"), StandardCharsets.UTF_8);
    byte[] good = server.body("/org/tiny/resolve/" + COMMIT + "/pytorch_model.bin");
    api = api.replace(hex("SHA-256", good), hex("SHA-256", evil)).replace("\"size\": " + good.length,
        "\"size\": " + evil.length);
    server.file("/api/models/org/tiny/revision/main?blobs=true", api.getBytes(StandardCharsets.UTF_8))
        .file("/org/tiny/resolve/" + COMMIT + "/pytorch_model.bin", evil);
    InputException e = assertThrows(InputException.class, () -> Fetcher.fetch("org/tiny", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("global posix.system"),
        e.getMessage());
    assertFalse(Files.exists(cache.model("org/tiny", COMMIT)));
    assertFalse(Files.exists(cache.ref("org/tiny", "main")));
  }

  @Test
  void unknownModelIsA404Error() {
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("org/none", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
  }

  /** Writes a catalogue with one entry for {@code path} on a host the endpoint replaces. */
  void catalogue(String name, String kind, String path, byte[] published) throws Exception {
    Path f = tmp.resolve("catalogue.json");
    Files.writeString(f, "{\"entries\": [{\"name\": \"" + name + "\", \"kind\": \"" + kind + "\","
        + " \"url\": \"https://example.invalid" + path + "\", \"size\": " + published.length + ","
        + " \"md5\": \"" + hex("MD5", published) + "\", \"provides\": [\"a.txt\"], \"source\": \"test\"}]}");
    System.setProperty(Catalogue.PROPERTY, f.toString());
  }

  @Test
  void prebuiltIndexIsUnpackedAndSearchableByName() throws Exception {
    Path idx = tmp.resolve("built");
    Map<String, String> docs = new LinkedHashMap<>();
    docs.put("d1", "supersonic boundary layers");
    docs.put("d2", "heat transfer in a boundary layer");
    docs.put("d3", "wings at low speed");
    Fixtures.anseriniIndex(idx, docs);
    byte[] tar = Fixtures.tarGz(idx, "lucene-inverted.tiny.20240101.abcdef");
    String path = "/indexes/lucene-inverted.tiny.20240101.abcdef.tar.gz";
    server.file(path, tar);
    catalogue("tiny", "index", path, tar);
    Fetcher.Result r = Fetcher.fetch("tiny", options(server.url(), 5));
    assertEquals(cache.indexes().resolve("tiny"), r.folder());
    assertTrue(Files.isDirectory(r.folder()));
    try (Stream<Path> s = Files.list(cache.downloads())) {
      assertEquals(0, s.count(), "the archive is removed after unpacking");
    }
    System.setProperty(FetchCache.PROPERTY, cache.root().toString());
    try (LuceneIndex li = LuceneIndex.open(Path.of("tiny"), null)) {
      assertEquals(3, li.numDocs());
      assertEquals(r.folder(), li.path());
    }
    // a second fetch finds it in the cache
    int before = server.requests.size();
    Fetcher.fetch("tiny", options(server.url(), 5));
    assertEquals(before, server.requests.size());
  }

  @Test
  void prebuiltIndexNotInTheCacheSaysWhatToFetch() throws Exception {
    catalogue("tiny", "index", "/x.tar.gz", new byte[] {1});
    System.setProperty(FetchCache.PROPERTY, cache.root().toString());
    InputException e = assertThrows(InputException.class, () -> LuceneIndex.open(Path.of("tiny"), null));
    assertTrue(e.getMessage().contains("run 'trawl fetch tiny'"), e.getMessage());
    e = assertThrows(InputException.class, () -> LuceneIndex.open(Path.of("other"), null));
    assertTrue(e.getMessage().endsWith("no such index folder"), e.getMessage());
  }

  @Test
  void corruptArchiveIsDeletedWithExpectedAndActualChecksums() throws Exception {
    byte[] good = Fixtures.tarGz(Map.of("a.txt", "good".getBytes()));
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    server.file("/c/corrupt.tar.gz", bad);
    catalogue("corrupt", "collection", "/c/corrupt.tar.gz", good);
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("corrupt", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("checksum mismatch: expected md5 " + hex("MD5", good) + ", got "
        + hex("MD5", bad) + "; the download was deleted"), e.getMessage());
    assertFalse(Files.exists(cache.downloads().resolve("corrupt.tar.gz.part")));
    assertFalse(Files.exists(cache.collections().resolve("corrupt")));
  }

  @Test
  void missingFileIsA404AndWritesNothing() throws Exception {
    catalogue("gone", "collection", "/c/gone.tar.gz", new byte[] {1, 2});
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("gone", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("HTTP 404 (not found)"), e.getMessage());
    assertFalse(Files.exists(cache.downloads().resolve("gone.tar.gz.part")));
    assertFalse(Files.exists(cache.collections().resolve("gone")));
  }

  @Test
  void stalledServerTimesOutWithinTheTimeout() throws Exception {
    byte[] body = Fixtures.tarGz(Map.of("a.txt", new byte[5000]));
    server.stall("/c/stall.tar.gz", body);
    catalogue("stall", "collection", "/c/stall.tar.gz", body);
    long t0 = System.nanoTime();
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("stall", options(server.url(), 1)));
    double s = (System.nanoTime() - t0) / 1e9;
    assertTrue(e.getMessage().contains("no data for 1 s (server stalled)"), e.getMessage());
    assertTrue(s < 4.5, "took " + s + " s");
    assertFalse(Files.exists(cache.collections().resolve("stall")));
  }

  @Test
  void cutDownloadResumesFromThePartFile() throws Exception {
    byte[] payload = new byte[200_000];
    new java.util.Random(3).nextBytes(payload);
    byte[] body = Fixtures.tarGz(Map.of("a.txt", payload));
    server.cutFirst("/c/cut.tar.gz", body);
    catalogue("cut", "collection", "/c/cut.tar.gz", body);
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("cut", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
    Path part = cache.downloads().resolve("cut.tar.gz.part");
    long have = Files.size(part);
    assertTrue(have > 0 && have < body.length, "part file holds " + have + " of " + body.length);
    assertFalse(Files.exists(cache.collections().resolve("cut")));

    Fetcher.Result r = Fetcher.fetch("cut", options(server.url(), 5));
    assertTrue(server.requests.contains("/c/cut.tar.gz bytes=" + have + "-"), server.requests.toString());
    assertTrue(said.stream().anyMatch(x -> x.contains("resuming cut.tar.gz at " + have)), said.toString());
    assertEquals(java.util.Arrays.toString(payload).hashCode(),
        java.util.Arrays.toString(Files.readAllBytes(r.folder().resolve("a.txt"))).hashCode());
    assertFalse(Files.exists(part));
  }

  @Test
  void aDownloadInProgressElsewhereIsNotJoined() throws Exception {
    byte[] body = Fixtures.tarGz(Map.of("a.txt", "x".getBytes()));
    server.file("/c/busy.tar.gz", body);
    catalogue("busy", "collection", "/c/busy.tar.gz", body);
    Files.createDirectories(cache.downloads());
    Path lock = cache.downloads().resolve("busy.tar.gz.lock");
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lock,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = ch.lock()) {
      TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("busy", options(server.url(), 5)));
      assertTrue(e.getMessage().contains("another trawl fetch is downloading it"), e.getMessage());
    }
    assertTrue(Files.isDirectory(Fetcher.fetch("busy", options(server.url(), 5)).folder()));
  }

  @Test
  void zipCollectionUnpacksAndArchivesCannotEscapeTheFolder() throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bo)) {
      z.putNextEntry(new ZipEntry("scifact/corpus.jsonl"));
      z.write("{\"_id\": \"1\", \"text\": \"x\"}\n".getBytes());
      z.closeEntry();
    }
    byte[] zip = bo.toByteArray();
    server.file("/c/set.zip", zip);
    catalogue("set", "collection", "/c/set.zip", zip);
    Path folder = Fetcher.fetch("set", options(server.url(), 5)).folder();
    assertTrue(Files.isRegularFile(folder.resolve("corpus.jsonl")));

    byte[] evil = Fixtures.tarGz(Map.of("../evil.txt", "x".getBytes()));
    server.file("/c/evil.tar.gz", evil);
    catalogue("evil", "collection", "/c/evil.tar.gz", evil);
    InputException e = assertThrows(InputException.class, () -> Fetcher.fetch("evil", options(server.url(), 5)));
    assertTrue(e.getMessage().contains("outside the target folder"), e.getMessage());
    assertFalse(Files.exists(cache.collections().resolve("evil.txt")));
    assertFalse(Files.exists(cache.collections().resolve("evil")));
  }

  @Test
  void paxAndGnuLongNamesAreUnpacked() throws Exception {
    String longName = "top/" + "d".repeat(120) + "/file.txt";
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    String rec = " path=" + longName + "\n";
    String paxRecord = (rec.length() + 3) + rec; // "LEN path=...\n", LEN counting itself (3 digits)
    byte[] pax = paxRecord.getBytes(StandardCharsets.UTF_8);
    String gnu = "top/" + "g".repeat(130) + ".txt";
    byte[] gnuName = (gnu + "\0").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(Fixtures.header("PaxHeaders/x", pax.length, 'x'));
    raw.write(pad(pax));
    raw.write(Fixtures.header("top/short-name-ignored.txt", data.length, '0'));
    raw.write(pad(data));
    raw.write(Fixtures.header("././@LongLink", gnuName.length, 'L'));
    raw.write(pad(gnuName));
    raw.write(Fixtures.header("top/truncated-ignored.txt", data.length, '0'));
    raw.write(pad(data));
    raw.write(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(raw.toByteArray());
    }
    byte[] body = gz.toByteArray();
    server.file("/c/names.tar.gz", body);
    catalogue("names", "collection", "/c/names.tar.gz", body);
    Path folder = Fetcher.fetch("names", options(server.url(), 5)).folder();
    assertEquals("hello", Files.readString(folder.resolve(longName.substring(4))));
    assertEquals("hello", Files.readString(folder.resolve(gnu.substring(4))));
    try (Stream<Path> st = Files.walk(folder)) {
      assertEquals(2, st.filter(Files::isRegularFile).count());
    }
  }

  private static byte[] pad(byte[] b) {
    return java.util.Arrays.copyOf(b, (b.length + 511) / 512 * 512);
  }

  @Test
  void topicsShipWithTrawlAndUnknownNamesSuggest() {
    System.setProperty(Catalogue.PROPERTY, "");
    Fetcher.Result r = Fetcher.fetch("beir-v1.0.0-scifact.test", options(null, 5));
    assertEquals("topics", r.kind());
    assertTrue(r.note().contains("nothing to fetch"), r.note());
    TrawlException e = assertThrows(TrawlException.class, () -> Fetcher.fetch("msmarco-v1-pasage", options(null, 5)));
    assertTrue(e.getMessage().contains("did you mean 'msmarco-v1-passage'"), e.getMessage());
  }
}
