package io.trawl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A memory-mapped reader of Hugging Face safetensors checkpoints: one {@code model.safetensors}
 * file, or a sharded checkpoint described by {@code model.safetensors.index.json}.
 *
 * <p>Format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the raw little-endian tensor data; offsets are relative to the first byte after the header.
 *
 * <p>Everything in the header is checked before any data is touched: the header length against
 * the file size, each tensor's dtype, shape (non-negative, no overflow), byte length
 * ({@code product(shape) * itemsize == end - begin}) and offsets (inside the data region). A
 * corrupt or hostile file is an {@link InputException} naming the file, never a crash or a huge
 * allocation. Data is read lazily through per-tensor mappings, so opening a 10 GB checkpoint costs
 * only its headers.
 *
 * <p>Supported dtypes: F32, F16, BF16 (widened to float32 in Java, since bfloat16 aborts the JVM in
 * DJL's CPU build of libtorch), I64, I32. Thread-safe for reads.
 */
public final class SafeTensors implements AutoCloseable {
  /** Largest header we accept (the format's own reference limit is 100 MB). */
  static final long MAX_HEADER = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** A tensor's element type as named in the safetensors header. */
  public enum DType {
    F32(4), F16(2), BF16(2), I64(8), I32(4);

    public final int size;

    DType(int size) {
      this.size = size;
    }

    static DType parse(String s) {
      for (DType d : values()) {
        if (d.name().equals(s)) {
          return d;
        }
      }
      return null;
    }
  }

  /** One tensor's header entry. {@code begin}/{@code end} are absolute file offsets. */
  public record TensorInfo(String name, DType dtype, long[] shape, Path file, long begin, long end) {
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public Shape djlShape() {
      return new Shape(shape);
    }

    public String shapeString() {
      return java.util.Arrays.toString(shape);
    }
  }

  private final Path source;
  private final Map<String, TensorInfo> tensors;
  private final Map<Path, FileChannel> channels;
  private final Map<String, String> metadata;

  private SafeTensors(Path source, Map<String, TensorInfo> tensors, Map<Path, FileChannel> channels,
      Map<String, String> metadata) {
    this.source = source;
    this.tensors = tensors;
    this.channels = channels;
    this.metadata = metadata;
  }

  /**
   * Opens a checkpoint: a {@code .safetensors} file, an index json, or a model folder holding
   * {@code model.safetensors} or {@code model.safetensors.index.json}.
   */
  public static SafeTensors open(Path path) {
    if (Files.isDirectory(path)) {
      Path single = path.resolve("model.safetensors");
      Path index = path.resolve("model.safetensors.index.json");
      if (Files.isRegularFile(index)) {
        return openIndex(index);
      }
      if (Files.isRegularFile(single)) {
        return openFiles(single, List.of(single));
      }
      String hint = Files.exists(path.resolve("pytorch_model.bin"))
          ? " (found pytorch_model.bin: trawl fetch ORG/NAME downloads a model and converts its pytorch_model.bin"
              + " to safetensors without running pickle code; see docs/fetch.md)" : "";
      throw new InputException(path.toString(),
          "no model.safetensors or model.safetensors.index.json in this folder" + hint);
    }
    if (path.getFileName() != null && path.getFileName().toString().endsWith(".json")) {
      return openIndex(path);
    }
    return openFiles(path, List.of(path));
  }

  private static SafeTensors openIndex(Path index) {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (JsonProcessingException e) {
      throw new InputException(index.toString(), "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InputException(index.toString(), "cannot read: " + e.getMessage());
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new InputException(index.toString(), "no \"weight_map\" object");
    }
    Path dir = index.toAbsolutePath().getParent();
    Map<String, Path> shardOf = new LinkedHashMap<>();
    List<Path> shards = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new InputException(index.toString(), "weight_map entry '" + e.getKey() + "' is not a file name");
      }
      String fileName = e.getValue().asText();
      Path shard = dir.resolve(fileName).normalize();
      if (!shard.startsWith(dir) || fileName.contains("/") || fileName.contains("\\")) {
        throw new InputException(index.toString(), "shard '" + fileName + "' is outside the model folder");
      }
      if (!shards.contains(shard)) {
        shards.add(shard);
      }
      shardOf.put(e.getKey(), shard);
    }
    SafeTensors st = openFiles(index, shards);
    for (Map.Entry<String, Path> e : shardOf.entrySet()) {
      TensorInfo t = st.tensors.get(e.getKey());
      if (t == null) {
        st.close();
        throw new InputException(index.toString(), "tensor '" + e.getKey() + "' listed in weight_map is missing from " + e.getValue().getFileName());
      }
      if (!t.file().equals(e.getValue())) {
        st.close();
        throw new InputException(index.toString(), "tensor '" + e.getKey() + "' is in " + t.file().getFileName() + ", not in " + e.getValue().getFileName());
      }
    }
    return st;
  }

  private static SafeTensors openFiles(Path source, List<Path> files) {
    Map<String, TensorInfo> all = new TreeMap<>();
    Map<Path, FileChannel> channels = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    try {
      for (Path f : files) {
        FileChannel ch;
        try {
          ch = FileChannel.open(f, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          throw new InputException(f.toString(), "no such file");
        } catch (IOException e) {
          throw new InputException(f.toString(), "cannot read: " + e.getMessage());
        }
        channels.put(f, ch);
        for (TensorInfo t : readHeader(f, ch, metadata)) {
          if (all.put(t.name(), t) != null) {
            throw new InputException(f.toString(), "tensor '" + t.name() + "' appears in more than one shard");
          }
        }
      }
    } catch (RuntimeException e) {
      for (FileChannel ch : channels.values()) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing after a failure
        }
      }
      throw e;
    }
    return new SafeTensors(source, Collections.unmodifiableMap(all), channels, metadata);
  }

  private static List<TensorInfo> readHeader(Path f, FileChannel ch, Map<String, String> metadata) {
    String file = f.toString();
    try {
      long size = ch.size();
      if (size < 8) {
        throw new InputException(file, "truncated safetensors file: " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.getLong(0);
      if (n < 2 || n > MAX_HEADER) {
        throw new InputException(file, "not a safetensors file: header length " + Long.toUnsignedString(n) + " is out of range");
      }
      if (8 + n > size) {
        throw new InputException(file, "truncated safetensors file: header needs " + n + " bytes, file has " + (size - 8));
      }
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, hb, 8);
      JsonNode root;
      try {
        root = JSON.readTree(hb.array());
      } catch (JsonProcessingException e) {
        throw new InputException(file, "not a safetensors file: header is not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (root == null || !root.isObject()) {
        throw new InputException(file, "not a safetensors file: header is not a JSON object");
      }
      long dataStart = 8 + n;
      long dataLen = size - dataStart;
      List<TensorInfo> out = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        JsonNode v = e.getValue();
        if ("__metadata__".equals(name)) {
          if (v.isObject()) {
            v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          }
          continue;
        }
        out.add(parseEntry(file, f, name, v, dataStart, dataLen));
      }
      List<TensorInfo> byOffset = new ArrayList<>(out);
      byOffset.sort(java.util.Comparator.comparingLong(TensorInfo::begin));
      for (int i = 1; i < byOffset.size(); i++) {
        TensorInfo a = byOffset.get(i - 1);
        TensorInfo b = byOffset.get(i);
        if (b.begin() < a.end()) {
          throw new InputException(file, "tensors '" + a.name() + "' and '" + b.name() + "' overlap (data_offsets ["
              + (a.begin() - dataStart) + ", " + (a.end() - dataStart) + "] and [" + (b.begin() - dataStart) + ", "
              + (b.end() - dataStart) + "])");
        }
      }
      return out;
    } catch (IOException e) {
      throw new InputException(file, "cannot read: " + e.getMessage());
    }
  }

  private static TensorInfo parseEntry(String file, Path f, String name, JsonNode v, long dataStart,
      long dataLen) {
    if (!v.isObject()) {
      throw new InputException(file, "tensor '" + name + "': header entry is not an object");
    }
    JsonNode dt = v.get("dtype");
    DType dtype = dt != null && dt.isTextual() ? DType.parse(dt.asText()) : null;
    if (dtype == null) {
      throw new InputException(file, "tensor '" + name + "': unsupported dtype " + dt + " (supported: F32, F16, BF16, I64, I32)");
    }
    JsonNode sh = v.get("shape");
    if (sh == null || !sh.isArray() || sh.size() > 16) {
      throw new InputException(file, "tensor '" + name + "': missing or invalid shape");
    }
    long[] shape = new long[sh.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new InputException(file, "tensor '" + name + "': invalid dimension " + d);
      }
      shape[i] = d.asLong();
      try {
        numel = Math.multiplyExact(numel, shape[i]);
      } catch (ArithmeticException ex) {
        throw new InputException(file, "tensor '" + name + "': shape " + sh + " overflows");
      }
    }
    JsonNode off = v.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
        || !off.get(1).isIntegralNumber() || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
      throw new InputException(file, "tensor '" + name + "': missing or invalid data_offsets");
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    long bytes;
    try {
      bytes = Math.multiplyExact(numel, (long) dtype.size);
    } catch (ArithmeticException ex) {
      throw new InputException(file, "tensor '" + name + "': shape " + sh + " overflows");
    }
    if (begin < 0 || end < begin) {
      throw new InputException(file, "tensor '" + name + "': invalid data_offsets [" + begin + ", " + end + "]");
    }
    if (end - begin != bytes) {
      throw new InputException(file, "tensor '" + name + "': data_offsets span " + (end - begin)
          + " bytes but " + dtype + " " + sh + " needs " + bytes);
    }
    if (end > dataLen) {
      throw new InputException(file, "truncated safetensors file: tensor '" + name + "' ends at byte "
          + end + " of the data but the file holds only " + dataLen);
    }
    return new TensorInfo(name, dtype, shape, f, dataStart + begin, dataStart + end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Where the checkpoint was opened from (file, index json or folder). */
  public Path source() {
    return source;
  }

  /** Tensor names, sorted. */
  public java.util.Set<String> names() {
    return tensors.keySet();
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * How many numbered blocks the checkpoint holds under {@code prefix} (e.g. {@code model.layers.}):
   * the n such that tensors named {@code prefix + i + "."...} exist for every i below n. Model
   * loaders compare it with the layer count of {@code config.json} before allocating anything
   * for the layers, so an absurd count is an error, not an out-of-memory.
   */
  public int blocks(String prefix) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (String name : tensors.keySet()) {
      if (!name.startsWith(prefix)) {
        continue;
      }
      int dot = name.indexOf('.', prefix.length());
      String index = name.substring(prefix.length(), dot < 0 ? name.length() : dot);
      if (!index.isEmpty() && index.length() < 10 && index.chars().allMatch(Character::isDigit)) {
        seen.add(Integer.parseInt(index));
      }
    }
    int n = 0;
    while (seen.contains(n)) {
      n++;
    }
    return n;
  }

  /** The {@code __metadata__} entries of all shards. */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  /** The header entry of a tensor; a missing tensor is an {@link InputException}. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new InputException(source.toString(), "missing tensor '" + name + "'");
    }
    return t;
  }

  /** Checks a tensor's shape; a mismatch is an {@link InputException} naming the file. */
  public TensorInfo info(String name, long... expectedShape) {
    TensorInfo t = info(name);
    if (!java.util.Arrays.equals(t.shape(), expectedShape)) {
      throw new InputException(t.file().toString(), "tensor '" + name + "' has shape "
          + t.shapeString() + ", expected " + java.util.Arrays.toString(expectedShape));
    }
    return t;
  }

  /** The raw little-endian bytes of a tensor (a read-only mapping of the file). */
  public ByteBuffer raw(String name) {
    TensorInfo t = info(name);
    long len = t.end() - t.begin();
    if (len > Integer.MAX_VALUE - 16) {
      throw new InputException(t.file().toString(), "tensor '" + name + "' is larger than 2 GiB; not supported");
    }
    try {
      if (len == 0) {
        return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
      }
      MappedByteBuffer m = channels.get(t.file()).map(FileChannel.MapMode.READ_ONLY, t.begin(), len);
      return m.order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new InputException(t.file().toString(), "cannot read tensor '" + name + "': " + e.getMessage());
    }
  }

  /** A floating-point tensor as float32 values (F16/BF16 widened). */
  public float[] floats(String name) {
    TensorInfo t = info(name);
    ByteBuffer b = raw(name);
    int n = Math.toIntExact(t.numel());
    float[] out = new float[n];
    switch (t.dtype()) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.float16ToFloat(b.getShort(2 * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
        }
      }
      default -> throw new InputException(t.file().toString(), "tensor '" + name + "' has integer dtype "
          + t.dtype() + ", expected a floating-point tensor");
    }
    return out;
  }

  /** An integer tensor as longs. */
  public long[] longs(String name) {
    TensorInfo t = info(name);
    ByteBuffer b = raw(name);
    int n = Math.toIntExact(t.numel());
    long[] out = new long[n];
    switch (t.dtype()) {
      case I64 -> b.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getInt(4 * i);
        }
      }
      default -> throw new InputException(t.file().toString(), "tensor '" + name + "' has dtype "
          + t.dtype() + ", expected an integer tensor");
    }
    return out;
  }

  /**
   * A tensor as a DJL array on {@code manager}'s device. Floating-point tensors become
   * {@code dataType} (FLOAT32 or FLOAT16; BFLOAT16 only off the CPU); BF16 is widened to float32
   * in Java first. Integer tensors keep their type (INT64 / INT32) and ignore {@code dataType}.
   */
  public NDArray get(String name, NDManager manager, DataType dataType) {
    TensorInfo t = info(name);
    Shape shape = t.djlShape();
    NDArray a;
    switch (t.dtype()) {
      case I64, I32 -> {
        ByteBuffer src = raw(name);
        ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        direct.put(src.duplicate().order(ByteOrder.LITTLE_ENDIAN)).flip();
        return manager.create(direct, shape, t.dtype() == DType.I64 ? DataType.INT64 : DataType.INT32);
      }
      case F16 -> {
        if (dataType == DataType.FLOAT16) {
          ByteBuffer src = raw(name);
          ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
          direct.put(src.duplicate()).flip();
          return manager.create(direct, shape, DataType.FLOAT16);
        }
        a = createFloat32(manager, floats(name), shape);
      }
      case F32 -> {
        ByteBuffer src = raw(name);
        ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        direct.put(src.duplicate()).flip();
        a = manager.create(direct, shape, DataType.FLOAT32);
      }
      case BF16 -> a = createFloat32(manager, floats(name), shape);
      default -> throw new IllegalStateException();
    }
    if (dataType != DataType.FLOAT32) {
      if (dataType != DataType.FLOAT16 && dataType != DataType.BFLOAT16) {
        a.close();
        throw new TrawlException(TrawlException.INVALID_INPUT, "unsupported model dtype " + dataType);
      }
      NDArray c = a.toType(dataType, false);
      a.close();
      a = c;
    }
    return a;
  }

  /** Like {@link #get(String, NDManager, DataType)} after checking the shape. */
  public NDArray get(String name, NDManager manager, DataType dataType, long... expectedShape) {
    info(name, expectedShape);
    return get(name, manager, dataType);
  }

  private static NDArray createFloat32(NDManager manager, float[] values, Shape shape) {
    ByteBuffer direct = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
    direct.asFloatBuffer().put(values);
    return manager.create(direct, shape, DataType.FLOAT32);
  }

  @Override
  public void close() {
    for (FileChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing useful to do
      }
    }
  }
}
