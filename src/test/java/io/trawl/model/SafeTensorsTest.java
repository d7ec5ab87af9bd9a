package io.trawl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.trawl.core.InputException;
import io.trawl.model.SafeTensors.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  private static float[] random(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }

  @Test
  void roundTripsEveryDtypeAndLoadsIntoDjl() {
    Random r = new Random(7);
    float[] a = random(r, 6);
    float[] b = random(r, 12);
    Path f = dir.resolve("m.safetensors");
    new SafeTensorsWriter()
        .add("a", new long[] {2, 3}, a)
        .add("b.half", DType.F16, new long[] {3, 4}, b)
        .add("b.bf16", DType.BF16, new long[] {12}, b)
        .add("ids", DType.I64, new long[] {3}, new long[] {1, -2, 1L << 40})
        .add("ids32", DType.I32, new long[] {2}, new long[] {5, -6})
        .add("empty", new long[] {0, 4}, new float[0])
        .write(f);
    try (SafeTensors st = SafeTensors.open(f); NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertEquals(6, st.names().size());
      assertArrayEquals(a, st.floats("a"));
      float[] half = st.floats("b.half");
      float[] bf = st.floats("b.bf16");
      for (int i = 0; i < b.length; i++) {
        assertEquals(b[i], half[i], Math.abs(b[i]) * 1e-3 + 1e-4);
        assertEquals(b[i], bf[i], Math.abs(b[i]) * 8e-3 + 1e-6);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(b[i])), half[i]);
      }
      assertArrayEquals(new long[] {1, -2, 1L << 40}, st.longs("ids"));
      assertArrayEquals(new long[] {5, -6}, st.longs("ids32"));
      NDArray x = st.get("a", m, DataType.FLOAT32, 2, 3);
      assertArrayEquals(a, x.toFloatArray());
      assertEquals(DataType.FLOAT32, x.getDataType());
      NDArray y = st.get("b.bf16", m, DataType.FLOAT32);
      assertArrayEquals(bf, y.toFloatArray());
      NDArray h = st.get("b.half", m, DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, h.getDataType());
      assertArrayEquals(half, h.toType(DataType.FLOAT32, false).toFloatArray());
      assertArrayEquals(new long[] {1, -2, 1L << 40}, st.get("ids", m, DataType.FLOAT32).toLongArray());
      assertEquals(0, st.get("empty", m, DataType.FLOAT32).size());
      InputException e = assertThrows(InputException.class, () -> st.info("a", 3, 2));
      assertTrue(e.getMessage().contains("shape [2, 3], expected [3, 2]"), e.getMessage());
      e = assertThrows(InputException.class, () -> st.info("nope"));
      assertTrue(e.getMessage().contains("missing tensor 'nope'") && e.getMessage().contains(f.toString()));
    }
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3f80, SafeTensorsWriter.toBf16(1.0f));
    // 1 + 2^-8 lies exactly between two bf16 values; ties go to the even one (1.0)
    assertEquals((short) 0x3f80, SafeTensorsWriter.toBf16(1.0f + 0x1p-8f));
    assertEquals((short) 0x3f81, SafeTensorsWriter.toBf16(1.0f + 0x1p-8f + 0x1p-20f));
  }

  @Test
  void readsShardedCheckpoints() throws IOException {
    new SafeTensorsWriter().add("x", new long[] {2}, new float[] {1, 2}).write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafeTensorsWriter().add("y", new long[] {1}, new float[] {3}).write(dir.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\",\"y\":\"model-00002-of-00002.safetensors\"}}");
    try (SafeTensors st = SafeTensors.open(dir)) {
      assertEquals(java.util.Set.of("x", "y"), st.names());
      assertArrayEquals(new float[] {3}, st.floats("y"));
    }
    Files.writeString(dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\",\"z\":\"model-00002-of-00002.safetensors\"}}");
    InputException e = assertThrows(InputException.class, () -> SafeTensors.open(dir));
    assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"x\":\"../evil.safetensors\"}}");
    assertThrows(InputException.class, () -> SafeTensors.open(dir));
  }

  private Path withHeader(String json, int dataBytes) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, b.array());
    return f;
  }

  private void assertBad(Path f, String expected) {
    InputException e = assertThrows(InputException.class, () -> SafeTensors.open(f).close());
    assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void rejectsCorruptAndHostileFiles() throws IOException {
    Path f = dir.resolve("short.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertBad(f, "truncated");
    // header length far beyond the file (a hostile length must not be allocated)
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
    Files.write(f, b.array());
    assertBad(f, "header length");
    b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
    Files.write(f, b.array());
    assertBad(f, "truncated");
    assertBad(withHeader("{not json", 0), "not valid JSON");
    assertBad(withHeader("[1,2]", 0), "not a JSON object");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "unsupported dtype");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "invalid dimension");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4), "overflows");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8), "needs 8");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8), "truncated");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "invalid data_offsets");
    assertBad(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "data_offsets");
    // a valid file cut short
    Path good = dir.resolve("good.safetensors");
    new SafeTensorsWriter().add("w", new long[] {64}, new float[64]).write(good);
    byte[] all = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 10));
    assertBad(cut, "truncated");
    InputException e = assertThrows(InputException.class, () -> SafeTensors.open(dir.resolve("none")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }
}
