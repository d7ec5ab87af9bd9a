package io.trawl.core;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cached embeddings: ids and their vectors, tagged with the encoder that made them, so encoding a
 * corpus once (minutes on a CPU) serves many indexes and experiments.
 *
 * <p>Format (big-endian): {@code "TRAWLVEC"}, int version (1), UTF encoder name, int dimension,
 * int count, count UTF ids, then count x dimension float32. Written atomically.
 */
public record VectorFile(String encoder, int dimension, List<String> ids, float[][] vectors) {
  private static final byte[] MAGIC = "TRAWLVEC".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public VectorFile {
    ids = List.copyOf(ids);
    if (ids.size() != vectors.length) {
      throw new IllegalArgumentException(ids.size() + " ids but " + vectors.length + " vectors");
    }
    for (float[] v : vectors) {
      if (v.length != dimension) {
        throw new IllegalArgumentException("vector of dimension " + v.length + ", expected " + dimension);
      }
    }
  }

  public Map<String, float[]> asMap() {
    Map<String, float[]> m = new HashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      m.put(ids.get(i), vectors[i]);
    }
    return m;
  }

  public void write(Path path) {
    try {
      Path abs = path.toAbsolutePath();
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      Path tmp = AtomicOutput.createTempSibling(abs);
      try (DataOutputStream out = new DataOutputStream(
          new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
        out.write(MAGIC);
        out.writeInt(1);
        out.writeUTF(encoder);
        out.writeInt(dimension);
        out.writeInt(ids.size());
        for (String id : ids) {
          out.writeUTF(id);
        }
        for (float[] v : vectors) {
          for (float x : v) {
            out.writeFloat(x);
          }
        }
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        Shutdown.forget(tmp);
        throw e;
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Shutdown.forget(tmp);
      }
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(path), e);
    }
  }

  /**
   * Reads a vector file (gzipped or not), or a folder of vector shards (every {@code *.vec} file in it, in name
   * order, as {@code trawl-spark encode} writes them): the shards are concatenated; they must share
   * encoder and dimension, and an id may occur only once.
   */
  public static VectorFile read(Path path) {
    if (Files.isDirectory(path)) {
      return readShards(path);
    }
    return readFile(path);
  }

  private static VectorFile readShards(Path dir) {
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".vec")).sorted().toList();
    } catch (IOException e) {
      throw new InputException(dir.toString(), "cannot list: " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new InputException(dir.toString(), "a folder of vector shards, but it holds no *.vec file");
    }
    List<String> ids = new java.util.ArrayList<>();
    List<float[]> vectors = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    VectorFile first = null;
    for (Path f : files) {
      VectorFile v = readFile(f);
      if (first == null) {
        first = v;
      } else if (!v.encoder().equals(first.encoder()) || v.dimension() != first.dimension()) {
        throw new InputException(f.toString(), "encoded with " + v.encoder() + " (dim " + v.dimension()
            + ") but " + files.get(0).getFileName() + " with " + first.encoder() + " (dim "
            + first.dimension() + ")");
      }
      for (int i = 0; i < v.ids().size(); i++) {
        if (!seen.add(v.ids().get(i))) {
          throw new InputException(f.toString(), "id '" + v.ids().get(i) + "' also occurs in an earlier shard");
        }
        ids.add(v.ids().get(i));
        vectors.add(v.vectors()[i]);
      }
    }
    return new VectorFile(first.encoder(), first.dimension(), ids, vectors.toArray(new float[0][]));
  }

  private static VectorFile readFile(Path path) {
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(TextFiles.openStream(path.toString()), 1 << 20))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new InputException(path.toString(), "not a Trawl vector file");
      }
      int version = in.readInt();
      if (version != 1) {
        throw new InputException(path.toString(), "unsupported vector file version " + version);
      }
      String encoder = in.readUTF();
      int dim = in.readInt();
      int count = in.readInt();
      if (dim <= 0 || count < 0) {
        throw new InputException(path.toString(), "corrupt header (dimension " + dim + ", count " + count + ")");
      }
      String[] ids = new String[count];
      for (int i = 0; i < count; i++) {
        ids[i] = in.readUTF();
      }
      float[][] vectors = new float[count][dim];
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < dim; j++) {
          vectors[i][j] = in.readFloat();
        }
      }
      return new VectorFile(encoder, dim, List.of(ids), vectors);
    } catch (NoSuchFileException e) {
      throw new InputException(path.toString(), "no such file");
    } catch (EOFException e) {
      throw new InputException(path.toString(), "truncated vector file");
    } catch (IOException e) {
      throw new InputException(path.toString(), "cannot read: " + e.getMessage());
    }
  }
}
