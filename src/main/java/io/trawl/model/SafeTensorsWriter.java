package io.trawl.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.TrawlException;
import io.trawl.model.SafeTensors.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files (the format {@link SafeTensors} reads): header JSON padded with spaces
 * to a multiple of 8, tensors laid out in sorted-name order. Tensor data is produced lazily when
 * {@link #write(Path)} runs, so a large random checkpoint never sits in memory whole. The file is
 * written to a temporary name and renamed into place.
 */
public final class SafeTensorsWriter {
  /** Produces a tensor's data, little-endian, exactly {@code bytes} long. */
  @FunctionalInterface
  public interface Data {
    void writeTo(ByteBuffer out);
  }

  private record Entry(DType dtype, long[] shape, long bytes, Data data) {}

  private final Map<String, Entry> entries = new TreeMap<>();
  private final Map<String, String> metadata = new TreeMap<>(Map.of("format", "pt"));

  /** Adds a tensor whose bytes {@code data} writes when the file is written. */
  public SafeTensorsWriter add(String name, DType dtype, long[] shape, Data data) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + name);
      }
      n = Math.multiplyExact(n, d);
    }
    if (entries.put(name, new Entry(dtype, shape.clone(), n * dtype.size, data)) != null) {
      throw new IllegalArgumentException("tensor '" + name + "' added twice");
    }
    return this;
  }

  /** Adds float32 values as F32, F16 or BF16 (round to nearest even). */
  public SafeTensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + java.util.Arrays.toString(shape));
    }
    float[] v = values.clone();
    return add(name, dtype, shape, out -> {
      for (float f : v) {
        switch (dtype) {
          case F32 -> out.putFloat(f);
          case F16 -> out.putShort(Float.floatToFloat16(f));
          case BF16 -> out.putShort(toBf16(f));
          default -> throw new IllegalArgumentException("float values for " + dtype);
        }
      }
    });
  }

  public SafeTensorsWriter add(String name, long[] shape, float[] values) {
    return add(name, DType.F32, shape, values);
  }

  /** Adds integer values as I64 or I32. */
  public SafeTensorsWriter add(String name, DType dtype, long[] shape, long[] values) {
    long[] v = values.clone();
    return add(name, dtype, shape, out -> {
      for (long x : v) {
        if (dtype == DType.I64) {
          out.putLong(x);
        } else {
          out.putInt(Math.toIntExact(x));
        }
      }
    });
  }

  public SafeTensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** bfloat16 bits of a float, rounding to nearest even (NaN stays NaN). */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** Writes the file atomically (temporary file + rename). */
  public void write(Path path) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    long offset = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", e.getValue().dtype().name());
      ArrayNode sh = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        sh.add(d);
      }
      ArrayNode off = t.putArray("data_offsets");
      off.add(offset);
      offset += e.getValue().bytes();
      off.add(offset);
    }
    ObjectNode md = header.putObject("__metadata__");
    metadata.forEach(md::put);
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    try {
      Path abs = path.toAbsolutePath();
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(h);
        while (head.hasRemaining()) {
          head.put((byte) ' ');
        }
        head.flip();
        writeFully(ch, head);
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
          Entry en = e.getValue();
          ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(en.bytes())).order(ByteOrder.LITTLE_ENDIAN);
          en.data().writeTo(buf);
          if (buf.position() != en.bytes()) {
            throw new IllegalStateException("tensor '" + e.getKey() + "' wrote " + buf.position()
                + " bytes, expected " + en.bytes());
          }
          buf.flip();
          writeFully(ch, buf);
        }
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, path + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
