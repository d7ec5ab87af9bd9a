package io.trawl.spark;

import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Where a sharded index lives: a local folder (as before: the driver and every executor see it at
 * the same path) or a Hadoop {@link FileSystem} URI ({@code hdfs://}, {@code file://}, {@code
 * s3a://} with hadoop-aws on the classpath).
 *
 * <p>On a Hadoop root, an indexing task builds its shard on the executor's local disk (Lucene needs
 * random access), uploads it to {@code <root>/_temporary/shard-NNNNN.<attempt>} and renames that to
 * {@code <root>/shard-NNNNN} with a rename that fails when the target exists (atomic on HDFS): a
 * retried or speculative attempt that finds the shard published discards its copy, so a root never
 * holds two copies of a shard. The driver removes {@code _temporary} when the job ends (uploads of
 * killed attempts). Search tasks {@link #localize} the shards they need into an executor-local
 * cache, checking every file against the length and CRC32C recorded in the shard's
 * {@value ShardManifest#SHARD_FILE}; a cached shard is reused by every later task on that host and
 * a concurrent task (same JVM or another executor on the host) waits for the one download.
 *
 * <p>Hadoop settings come from the classpath's {@code core-site.xml}/{@code hdfs-site.xml} and
 * Spark's {@code spark.hadoop.*} properties.
 */
public final class ShardStore implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Uploads in progress (and of killed attempts until the driver removes them). */
  public static final String TEMPORARY = "_temporary";
  /** The executor-local cache folder: this system property, else {@code $TRAWL_SHARD_CACHE}. */
  public static final String CACHE_PROPERTY = "trawl.shard.cache";
  private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/.*");
  private static final ConcurrentHashMap<String, Object> LOCKS = new ConcurrentHashMap<>();
  /** Shards copied into this JVM's cache (tests check that a cached shard is reused). */
  static final AtomicInteger DOWNLOADS = new AtomicInteger();

  private final String root;
  private final boolean hadoop;

  private ShardStore(String root, boolean hadoop) {
    this.root = root;
    this.hadoop = hadoop;
  }

  /**
   * A URI with a scheme ({@code hdfs://...}, {@code file:/...}) is a Hadoop root; anything else a
   * local path.
   */
  public static ShardStore of(String root) {
    if (URI.matcher(root).matches()) {
      return new ShardStore(new org.apache.hadoop.fs.Path(root).toString(), true); // no trailing slash
    }
    return new ShardStore(Path.of(root).toAbsolutePath().normalize().toString(), false);
  }

  public String root() {
    return root;
  }

  public boolean isHadoop() {
    return hadoop;
  }

  /** The root as a local folder (local stores only). */
  public Path localRoot() {
    if (hadoop) {
      throw new IllegalStateException(root + " is not a local folder");
    }
    return Path.of(root);
  }

  /** {@code <root>/<relative>} for messages. */
  public String where(String relative) {
    return root + "/" + relative;
  }

  @Override
  public String toString() {
    return root;
  }

  // ---- Hadoop access ----------------------------------------------------------------------------

  /** Hadoop's configuration with Spark's {@code spark.hadoop.*} settings (driver and executors). */
  static Configuration configuration() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> kv : env.conf().getAll()) {
        if (kv._1().startsWith("spark.hadoop.")) {
          conf.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        }
      }
    }
    return conf;
  }

  private org.apache.hadoop.fs.Path hpath(String relative) {
    return relative.isEmpty() ? new org.apache.hadoop.fs.Path(root)
        : new org.apache.hadoop.fs.Path(root + "/" + relative);
  }

  private FileSystem fs() throws IOException {
    return hpath("").getFileSystem(configuration());
  }

  private TrawlException failure(String what, IOException e) {
    return new TrawlException(TrawlException.RUNTIME, root + ": " + what + ": " + e, e);
  }

  // ---- reading and writing small files (driver) ---------------------------------------------------

  /** Whether the root exists and is a folder. */
  public boolean isDirectory() {
    if (!hadoop) {
      return Files.isDirectory(localRoot());
    }
    try {
      FileSystem fs = fs();
      return fs.exists(hpath("")) && fs.getFileStatus(hpath("")).isDirectory();
    } catch (IOException e) {
      throw failure("cannot read", e);
    }
  }

  /** Names in the root folder (or in {@code relative} under it), sorted. */
  public List<String> list(String relative) {
    List<String> names = new ArrayList<>();
    try {
      if (!hadoop) {
        try (Stream<Path> s = Files.list(localRoot().resolve(relative))) {
          s.map(p -> p.getFileName().toString()).forEach(names::add);
        }
      } else {
        for (FileStatus st : fs().listStatus(hpath(relative))) {
          names.add(st.getPath().getName());
        }
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw TrawlException.invalid(where(relative) + ": cannot list: " + e.getMessage());
    }
    names.sort(null);
    return names;
  }

  /** The UTF-8 text of {@code <root>/<relative>}, or null when there is no such file. */
  public String read(String relative) {
    try {
      if (!hadoop) {
        return Files.readString(localRoot().resolve(relative), StandardCharsets.UTF_8);
      }
      try (FSDataInputStream in = fs().open(hpath(relative))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, where(relative) + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Writes {@code <root>/<name>} all or nothing (a temporary name renamed over the old file). */
  public void write(String name, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      if (!hadoop) {
        Path target = localRoot().resolve(name);
        Path tmp = localRoot().resolve("." + name + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      FileSystem fs = fs();
      org.apache.hadoop.fs.Path tmp = hpath("." + name + "." + UUID.randomUUID() + ".tmp");
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      FileContext.getFileContext(hpath("").toUri(), configuration())
          .rename(tmp, hpath(name), Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw failure("cannot write " + name, e);
    }
  }

  /**
   * Creates the root, or clears an old sharded index there with {@code force}; refuses to replace
   * anything that is not a sharded (or single) Trawl index.
   */
  public void prepare(boolean force) {
    try {
      if (hadoop) {
        FileSystem fs = fs();
        org.apache.hadoop.fs.Path r = hpath("");
        if (fs.exists(r)) {
          if (!fs.getFileStatus(r).isDirectory()) {
            throw TrawlException.invalid(root + " exists and is not a folder");
          }
          FileStatus[] children = fs.listStatus(r);
          if (children.length > 0) {
            checkReplaceable(force, fs.exists(hpath(ShardManifest.FILE))
                || fs.exists(hpath(IndexFields.METADATA_FILE)));
            for (FileStatus c : children) {
              fs.delete(c.getPath(), true);
            }
          }
        }
        fs.mkdirs(r);
        return;
      }
      Path index = localRoot();
      if (Files.exists(index)) {
        if (!Files.isDirectory(index)) {
          throw TrawlException.invalid(index + " exists and is not a folder");
        }
        boolean empty;
        try (Stream<Path> s = Files.list(index)) {
          empty = s.findAny().isEmpty();
        }
        if (!empty) {
          checkReplaceable(force, Files.exists(index.resolve(ShardManifest.FILE))
              || Files.exists(index.resolve(IndexFields.METADATA_FILE)));
          deleteTree(index, false);
        }
      }
      Files.createDirectories(index);
    } catch (IOException | UncheckedIOException e) {
      throw new TrawlException(TrawlException.RUNTIME, root + ": cannot prepare: " + e.getMessage(), e);
    }
  }

  private void checkReplaceable(boolean force, boolean isIndex) {
    if (!force) {
      throw TrawlException.invalid(root + " already exists; use --force to replace it");
    }
    if (!isIndex) {
      throw TrawlException.invalid(root + " exists and is neither a sharded index nor empty;"
          + " not replacing it even with --force");
    }
  }

  /** Removes {@code <root>/_temporary} (uploads of failed or killed attempts). */
  public void deleteTemporary() {
    if (!hadoop) {
      return;
    }
    try {
      fs().delete(hpath(TEMPORARY), true);
    } catch (IOException e) {
      throw failure("cannot remove " + TEMPORARY, e);
    }
  }

  // ---- executors: building and publishing shards --------------------------------------------------

  /**
   * Where a task builds shard {@code shard}: its final folder on a local root; a fresh folder on
   * the executor's local disk on a Hadoop root (then {@link #publish}).
   */
  public Path buildDir(int shard) throws IOException {
    if (!hadoop) {
      return localRoot().resolve(ShardManifest.shardName(shard));
    }
    Path staging = Files.createTempDirectory(cacheRoot(), ".build-");
    return staging.resolve(ShardManifest.shardName(shard));
  }

  /**
   * Uploads a shard built in {@code built} and renames it into place unless another attempt
   * already did. Returns whether this attempt's copy was published. No-op on a local root.
   */
  public boolean publish(int shard, Path built, String attempt) throws IOException {
    if (!hadoop) {
      return true;
    }
    String name = ShardManifest.shardName(shard);
    FileSystem fs = fs();
    org.apache.hadoop.fs.Path tmp = hpath(TEMPORARY + "/" + name + "." + attempt + "." + UUID.randomUUID());
    org.apache.hadoop.fs.Path target = hpath(name);
    if (fs.exists(target)) {
      return false;
    }
    fs.mkdirs(tmp.getParent());
    fs.copyFromLocalFile(false, false, new org.apache.hadoop.fs.Path(built.toUri()), tmp);
    try {
      FileContext.getFileContext(target.toUri(), configuration()).rename(tmp, target, Options.Rename.NONE);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      fs.delete(tmp, true);
      return false;
    }
  }

  // ---- executors: the local cache ---------------------------------------------------------------

  /** The executor-local cache folder (created). */
  static Path cacheRoot() throws IOException {
    String dir = System.getProperty(CACHE_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("TRAWL_SHARD_CACHE");
    }
    Path p = dir != null && !dir.isBlank() ? Path.of(dir)
        : Path.of(System.getProperty("java.io.tmpdir"), "trawl-shard-cache-" + System.getProperty("user.name"));
    Files.createDirectories(p);
    return p;
  }

  /**
   * A local folder holding shard {@code shard}, opened with Lucene's {@code MMapDirectory}: the
   * shard itself on a local root; on a Hadoop root, a checked copy in the executor-local cache,
   * downloaded once per host and shard content (the cache key is a digest of the shard's file list
   * with lengths and CRC32C, so a rebuilt shard is a new entry).
   */
  public Path localize(int shard) {
    String name = ShardManifest.shardName(shard);
    if (!hadoop) {
      return localRoot().resolve(name);
    }
    String infoJson = read(name + "/" + ShardManifest.SHARD_FILE);
    if (infoJson == null) {
      throw TrawlException.invalid(where(name) + ": not a shard of a sharded index (no " + ShardManifest.SHARD_FILE + ")");
    }
    ShardManifest.ShardInfo info = ShardManifest.ShardInfo.parse(infoJson, where(name + "/" + ShardManifest.SHARD_FILE));
    if (info.files() == null) {
      throw TrawlException.invalid(where(name) + ": its " + ShardManifest.SHARD_FILE
          + " lists no file checksums (built by an older trawl-spark); rebuild the sharded index");
    }
    String key = name + "-" + digest(info);
    try {
      Path cache = cacheRoot();
      Path dir = cache.resolve(key);
      Object jvmLock = LOCKS.computeIfAbsent(key, k -> new Object());
      synchronized (jvmLock) {
        try (FileChannel ch = FileChannel.open(cache.resolve(key + ".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          if (Files.isDirectory(dir)) {
            if (complete(dir, info)) {
              return dir;
            }
            deleteTree(dir, true);
          }
          Path tmp = cache.resolve("." + key + "." + UUID.randomUUID());
          Files.createDirectories(tmp);
          try {
            download(name, info, tmp);
            Files.writeString(tmp.resolve(ShardManifest.SHARD_FILE), infoJson, StandardCharsets.UTF_8);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            deleteTree(tmp, true);
          }
          DOWNLOADS.incrementAndGet();
          return dir;
        }
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, where(name) + ": cannot copy into the local shard cache: " + e, e);
    }
  }

  private void download(String name, ShardManifest.ShardInfo info, Path into) throws IOException {
    FileSystem fs = fs();
    byte[] buf = new byte[1 << 20];
    for (ShardManifest.FileSum f : info.files()) {
      CRC32C crc = new CRC32C();
      long n = 0;
      try (InputStream in = fs.open(hpath(name + "/" + f.name()));
          OutputStream out = Files.newOutputStream(into.resolve(f.name()), StandardOpenOption.CREATE_NEW)) {
        for (int r; (r = in.read(buf)) > 0; ) {
          crc.update(buf, 0, r);
          out.write(buf, 0, r);
          n += r;
        }
      } catch (java.io.FileNotFoundException e) {
        throw TrawlException.invalid(where(name + "/" + f.name()) + ": missing (listed in "
            + ShardManifest.SHARD_FILE + "); rebuild the sharded index");
      }
      String got = ShardManifest.FileSum.hex(crc.getValue());
      if (n != f.bytes() || !got.equals(f.crc32c())) {
        throw new TrawlException(TrawlException.RUNTIME, where(name + "/" + f.name()) + ": checksum mismatch: "
            + ShardManifest.SHARD_FILE + " says " + f.bytes() + " bytes, CRC32C " + f.crc32c() + "; read "
            + n + " bytes, CRC32C " + got);
      }
    }
  }

  /** A cached copy is complete when every listed file is there with its length. */
  private static boolean complete(Path dir, ShardManifest.ShardInfo info) throws IOException {
    for (ShardManifest.FileSum f : info.files()) {
      Path p = dir.resolve(f.name());
      if (!Files.isRegularFile(p) || Files.size(p) != f.bytes()) {
        return false;
      }
    }
    return Files.isRegularFile(dir.resolve(ShardManifest.SHARD_FILE));
  }

  static String digest(ShardManifest.ShardInfo info) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (ShardManifest.FileSum f : info.files()) {
        md.update((f.name() + "\t" + f.bytes() + "\t" + f.crc32c() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a folder tree (children first); {@code self}: the folder too. */
  static void deleteTree(Path dir, boolean self) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (self || !p.equals(dir)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Where a search task reads shard {@code shard} from (for {@code --dry-run}; reads only its description). */
  String readPlan(int shard) {
    String name = ShardManifest.shardName(shard);
    if (!hadoop) {
      return name + ": opened in place at " + where(name) + " (MMapDirectory)";
    }
    String json = read(name + "/" + ShardManifest.SHARD_FILE);
    ShardManifest.ShardInfo info = json == null ? null : ShardManifest.ShardInfo.parse(json, where(name));
    if (info == null || info.files() == null) {
      return name + ": " + where(name) + " has no file checksums; rebuild it with this trawl-spark";
    }
    long bytes = info.files().stream().mapToLong(ShardManifest.FileSum::bytes).sum();
    return String.format(Locale.ROOT, "%s: %d files, %d bytes, copied once per executor host into"
        + " <shard cache>/%s-%s (CRC32C checked), opened there (MMapDirectory)", name, info.files().size(),
        bytes, name, digest(info));
  }

  /** A one-line description of where an indexing task builds and publishes a shard (for {@code --dry-run}). */
  String plan(int shard) {
    String name = ShardManifest.shardName(shard);
    return hadoop
        ? String.format(Locale.ROOT, "%s: built on the executor's local disk (under its shard cache folder), uploaded to %s/%s.<attempt>, renamed to %s",
            name, where(TEMPORARY), name, where(name))
        : String.format(Locale.ROOT, "%s: built in place at %s", name, where(name));
  }
}
