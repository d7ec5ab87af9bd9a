package io.trawl.spark;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import io.trawl.index.IndexMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

  /** Identity of one shard folder. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ShardInfo(int shard, int shards, String shardBy) {}

  public static String shardName(int shard) {
    return String.format(Locale.ROOT, "shard-%05d", shard);
  }

  public static Path shardDir(Path index, int shard) {
    return index.resolve(shardName(shard));
  }

  public void write(Path index) throws IOException {
    Files.writeString(index.resolve(FILE), JSON.writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
  }

  static void writeShardInfo(Path shardDir, ShardInfo info) throws IOException {
    Files.writeString(shardDir.resolve(SHARD_FILE), JSON.writeValueAsString(info) + "\n",
        StandardCharsets.UTF_8);
  }

  /**
   * Reads and checks a sharded index: the manifest, exactly {@code shards} shard folders (no more,
   * no fewer), each saying it is shard i of that many, each built with the manifest's analyzer and
   * layout. {@code expectedShards} (0 = any) must match. Every problem is an input error (exit 2).
   */
  public static ShardManifest open(Path index, int expectedShards) {
    if (!Files.isDirectory(index)) {
      throw TrawlException.invalid(index + ": no such sharded index folder");
    }
    ShardManifest m;
    try {
      m = JSON.readValue(Files.readString(index.resolve(FILE), StandardCharsets.UTF_8), ShardManifest.class);
    } catch (NoSuchFileException e) {
      String hint = Files.exists(index.resolve(IndexFields.METADATA_FILE))
          ? " (it is a single index: search it with trawl search)" : "";
      throw TrawlException.invalid(index + ": not a sharded Trawl index (no " + FILE + ")" + hint);
    } catch (IOException e) {
      throw TrawlException.invalid(index.resolve(FILE) + ": cannot read: " + e.getMessage());
    }
    if (m.schema() > SCHEMA) {
      throw TrawlException.invalid(index.resolve(FILE) + ": written by a newer Trawl (schema " + m.schema() + ")");
    }
    if (expectedShards > 0 && expectedShards != m.shards()) {
      throw TrawlException.invalid(index + " has " + m.shards() + " shards but --shards "
          + expectedShards + " was given");
    }
    List<String> present = new ArrayList<>();
    try (Stream<Path> s = Files.list(index)) {
      s.map(p -> p.getFileName().toString()).filter(n -> SHARD_DIR.matcher(n).matches()).sorted()
          .forEach(present::add);
    } catch (IOException e) {
      throw TrawlException.invalid(index + ": cannot list: " + e.getMessage());
    }
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
      Path dir = shardDir(index, i);
      ShardInfo info;
      try {
        info = JSON.readValue(Files.readString(dir.resolve(SHARD_FILE), StandardCharsets.UTF_8), ShardInfo.class);
      } catch (IOException e) {
        throw TrawlException.invalid(dir + ": not a shard of a sharded index (no readable " + SHARD_FILE + ")");
      }
      if (info.shard() != i || info.shards() != m.shards()) {
        throw TrawlException.invalid(dir + " is shard " + info.shard() + " of a " + info.shards()
            + "-shard index, but " + index + " has " + m.shards() + " shards and expects shard " + i
            + " here; rebuild the sharded index instead of mixing shards");
      }
      IndexMetadata meta = IndexMetadata.read(dir);
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
}
