package io.trawl.spark;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import io.trawl.index.IndexMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A sharded index: folder {@code <index>/} with {@value #FILE} and one ordinary Trawl index per
 * shard in {@code shard-00000}, {@code shard-00001}, ...; each shard folder also holds
 * {@value #SHARD_FILE} naming its number and the shard count, so a folder copied from another
 * sharded index is caught.
 *
 * @param schema layout version (1)
 * @param shards number of shards
 * @param shardBy {@code docid} or {@code file} ({@link ShardAssignment})
 * @param hash how docids are hashed (documentation of the contract)
 * @param corpus the input
 * @param format corpus format
 * @param layout index layout of every shard
 * @param analyzer analyzer of every shard
 * @param documents documents over all shards
 * @param shardDocuments documents per shard
 * @param seconds wall-clock seconds of the build
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schema", "shards", "shardBy", "hash", "corpus", "format", "layout", "analyzer",
    "documents", "shardDocuments", "seconds"})
public record ShardManifest(int schema, int shards, String shardBy, String hash, String corpus,
    String format, String layout, String analyzer, long documents, List<Long> shardDocuments,
    double seconds) {

  public static final String FILE = "trawl-shards.json";
  public static final String SHARD_FILE = "trawl-shard.json";
  public static final int SCHEMA = 1;
  public static final String HASH = "floorMod(murmurhash3_x86_32(utf8(docid), seed=0), shards)";
  private static final Pattern SHARD_DIR = Pattern.compile("shard-\\d{5}");
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Identity of one shard folder, and its files with their lengths and CRC32C (checked when a
   * shard is copied from HDFS/S3 into an executor's cache; absent in shards of older builds).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ShardInfo(int shard, int shards, String shardBy, List<FileSum> files) {
    static ShardInfo parse(String json, String source) {
      try {
        return JSON.readValue(json, ShardInfo.class);
      } catch (IOException e) {
        throw TrawlException.invalid(source + ": not a readable shard description: " + e.getMessage());
      }
    }
  }

  /** One file of a shard: name, length in bytes, CRC32C as 8 hex digits. */
  public record FileSum(String name, long bytes, String crc32c) {
    static String hex(long crc) {
      return String.format(Locale.ROOT, "%08x", crc);
    }

    static FileSum of(Path file) throws IOException {
      CRC32C crc = new CRC32C();
      byte[] buf = new byte[1 << 20];
      long n = 0;
      try (InputStream in = Files.newInputStream(file)) {
        for (int r; (r = in.read(buf)) > 0; ) {
          crc.update(buf, 0, r);
          n += r;
        }
      }
      return new FileSum(file.getFileName().toString(), n, hex(crc.getValue()));
    }
  }

  public static String shardName(int shard) {
    return String.format(Locale.ROOT, "shard-%05d", shard);
  }

  public static Path shardDir(Path index, int shard) {
    return index.resolve(shardName(shard));
  }

  /** Writes the manifest beside the shards (all or nothing). */
  public void write(ShardStore store) throws IOException {
    store.write(FILE, JSON.writeValueAsString(this) + "\n");
  }

  /**
   * Writes {@value #SHARD_FILE} into a finished shard folder: its slot and the checksums of its
   * files (all but the lock file Lucene leaves behind).
   */
  static void writeShardInfo(Path shardDir, int shard, int shards, String shardBy) throws IOException {
    List<FileSum> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(shardDir)) {
      for (Path p : s.sorted().toList()) {
        String n = p.getFileName().toString();
        if (Files.isRegularFile(p) && !n.equals(SHARD_FILE) && !n.equals("write.lock")) {
          files.add(FileSum.of(p));
        }
      }
    }
    ShardInfo info = new ShardInfo(shard, shards, shardBy, files);
    Files.writeString(shardDir.resolve(SHARD_FILE), JSON.writeValueAsString(info) + "\n",
        StandardCharsets.UTF_8);
  }

  /**
   * Reads and checks a sharded index: the manifest, exactly {@code shards} shard folders (no more,
   * no fewer), each saying it is shard i of that many, each built with the manifest's analyzer and
   * layout. {@code expectedShards} (0 = any) must match. Every problem is an input error (exit 2).
   */
  public static ShardManifest open(Path index, int expectedShards) {
    return open(ShardStore.of(index.toString()), expectedShards);
  }

  /** {@link #open(Path, int)} for a sharded index on a local folder or a Hadoop file system. */
  public static ShardManifest open(ShardStore index, int expectedShards) {
    if (!index.isDirectory()) {
      throw TrawlException.invalid(index + ": no such sharded index folder");
    }
    String text = index.read(FILE);
    if (text == null) {
      String hint = index.read(IndexFields.METADATA_FILE) != null
          ? " (it is a single index: search it with trawl search)" : "";
      throw TrawlException.invalid(index + ": not a sharded Trawl index (no " + FILE + ")" + hint);
    }
    ShardManifest m;
    try {
      m = JSON.readValue(text, ShardManifest.class);
    } catch (IOException e) {
      throw TrawlException.invalid(index.where(FILE) + ": cannot read: " + e.getMessage());
    }
    if (m.schema() > SCHEMA) {
      throw TrawlException.invalid(index.where(FILE) + ": written by a newer Trawl (schema " + m.schema() + ")");
    }
    if (expectedShards > 0 && expectedShards != m.shards()) {
      throw TrawlException.invalid(index + " has " + m.shards() + " shards but --shards "
          + expectedShards + " was given");
    }
    List<String> present = new ArrayList<>();
    index.list("").stream().filter(n -> SHARD_DIR.matcher(n).matches()).forEach(present::add);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < m.shards(); i++) {
      expected.add(shardName(i));
    }
    if (!present.equals(expected)) {
      List<String> missing = new ArrayList<>(expected);
      missing.removeAll(present);
      List<String> extra = new ArrayList<>(present);
      extra.removeAll(expected);
      throw TrawlException.invalid(index + ": the manifest says " + m.shards() + " shards but found "
          + present.size() + " shard folders" + (missing.isEmpty() ? "" : "; missing " + missing)
          + (extra.isEmpty() ? "" : "; unexpected " + extra));
    }
    for (int i = 0; i < m.shards(); i++) {
      String dir = index.where(shardName(i));
      String infoText = index.read(shardName(i) + "/" + SHARD_FILE);
      if (infoText == null) {
        throw TrawlException.invalid(dir + ": not a shard of a sharded index (no readable " + SHARD_FILE + ")");
      }
      ShardInfo info = ShardInfo.parse(infoText, dir + "/" + SHARD_FILE);
      if (info.shard() != i || info.shards() != m.shards()) {
        throw TrawlException.invalid(dir + " is shard " + info.shard() + " of a " + info.shards()
            + "-shard index, but " + index + " has " + m.shards() + " shards and expects shard " + i
            + " here; rebuild the sharded index instead of mixing shards");
      }
      IndexMetadata meta = shardMetadata(index, i);
      if (!meta.analyzer().equals(m.analyzer())) {
        throw TrawlException.invalid(dir + " was built with analyzer " + meta.analyzer()
            + " but the sharded index uses " + m.analyzer() + "; all shards must share one analyzer");
      }
      if (!meta.layout().equals(m.layout())) {
        throw TrawlException.invalid(dir + " has layout " + meta.layout() + " but the sharded index uses "
            + m.layout());
      }
    }
    return m;
  }

  /** The {@code trawl-index.json} of shard {@code i}. */
  static IndexMetadata shardMetadata(ShardStore index, int i) {
    String rel = shardName(i) + "/" + IndexFields.METADATA_FILE;
    String text = index.read(rel);
    if (text == null) {
      throw TrawlException.invalid(index.where(shardName(i)) + ": not a Trawl index (no "
          + IndexFields.METADATA_FILE + ")");
    }
    try {
      IndexMetadata m = JSON.readValue(text, IndexMetadata.class);
      if (m.schema() > IndexMetadata.SCHEMA) {
        throw TrawlException.invalid(index.where(rel) + ": written by a newer Trawl (schema " + m.schema() + ")");
      }
      return m;
    } catch (IOException e) {
      throw TrawlException.invalid(index.where(rel) + ": malformed index metadata: " + e.getMessage());
    }
  }
}
