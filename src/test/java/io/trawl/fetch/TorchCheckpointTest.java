package io.trawl.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.InputException;
import io.trawl.model.ComputeOptions;
import io.trawl.model.SafeTensors;
import io.trawl.model.T5Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restricted {@code pytorch_model.bin} reader: a state dict saved by torch 2.13 (make_fixtures.py)
 * converts to the same tensors, bit for bit, as safetensors saved them; pickles that call anything
 * are refused before anything runs.
 */
class TorchCheckpointTest {
  @TempDir Path tmp;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchCheckpointTest.class.getResource(name).toURI());
  }

  @Test
  void convertsATorchSavedStateDictExactly() throws Exception {
    Path out = tmp.resolve("model.safetensors");
    int n = TorchCheckpoint.toSafetensors(resource("tiny-state-dict.bin"), out);
    try (SafeTensors got = SafeTensors.open(out);
        SafeTensors want = SafeTensors.open(resource("tiny-state-dict.expected.safetensors"))) {
      assertEquals(want.names(), got.names());
      assertEquals(8, n);
      for (String name : want.names()) {
        SafeTensors.TensorInfo w = want.info(name);
        SafeTensors.TensorInfo g = got.info(name);
        assertEquals(w.dtype(), g.dtype(), name);
        assertArrayEquals(w.shape(), g.shape(), name);
        assertEquals(bytes(want.raw(name)), bytes(got.raw(name)), name);
      }
      // the transposed view is the transpose of the weight, not its storage order
      assertEquals(got.floats("encoder.weight")[1], got.floats("encoder.weight_t")[4]);
    }
  }

  /**
   * A tiny random T5 saved by torch.save as Hugging Face checkpoints of 2020-2021 are (tied
   * embeddings in one storage): the conversion holds every tensor of transformers' own safetensors
   * of the model, bit for bit, and Trawl's T5 runtime computes the same encoder states and greedy
   * decoding from either.
   */
  @Test
  void convertedT5CheckpointRunsLikeTransformersOwnSafetensors() throws Exception {
    Path converted = Files.createDirectories(tmp.resolve("converted"));
    Path reference = Files.createDirectories(tmp.resolve("reference"));
    Path src = resource("tiny-t5-bin");
    Files.copy(src.resolve("config.json"), converted.resolve("config.json"));
    Files.copy(src.resolve("config.json"), reference.resolve("config.json"));
    Files.copy(resource("tiny-t5.expected.safetensors"), reference.resolve("model.safetensors"));
    assertEquals(50, TorchCheckpoint.toSafetensors(src.resolve("pytorch_model.bin"), converted.resolve("model.safetensors")));
    try (SafeTensors got = SafeTensors.open(converted.resolve("model.safetensors"));
        SafeTensors want = SafeTensors.open(reference.resolve("model.safetensors"))) {
      assertEquals(47, want.names().size());
      for (String name : want.names()) {
        assertEquals(want.info(name).dtype(), got.info(name).dtype(), name);
        assertArrayEquals(want.info(name).shape(), got.info(name).shape(), name);
        assertEquals(bytes(want.raw(name)), bytes(got.raw(name)), name);
      }
    }
    int[][] rows = {{5, 17, 42, 9, 1}, {3, 1, 0, 0, 0}};
    try (T5Model a = T5Model.load(converted, ComputeOptions.DEFAULT.withThreads(1));
        T5Model b = T5Model.load(reference, ComputeOptions.DEFAULT.withThreads(1));
        ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      float[] ha = a.encode(m, rows).hidden().toFloatArray();
      float[] hb = b.encode(m, rows).hidden().toFloatArray();
      assertArrayEquals(hb, ha);
      T5Model.Greedy ga = a.greedy(rows, 4);
      T5Model.Greedy gb = b.greedy(rows, 4);
      assertArrayEquals(gb.sequences(), ga.sequences());
      for (int i = 0; i < rows.length; i++) {
        assertArrayEquals(gb.chosenLogits()[i], ga.chosenLogits()[i]);
      }
    }
  }

  @Test
  void listsViewsOfSharedStorages() throws Exception {
    List<TorchCheckpoint.Tensor> ts = TorchCheckpoint.read(resource("tiny-state-dict.bin"));
    TorchCheckpoint.Tensor t = ts.stream().filter(x -> x.name().equals("encoder.weight_t")).findFirst().orElseThrow();
    assertArrayEquals(new long[] {6, 4}, t.shape());
    assertArrayEquals(new long[] {1, 6}, t.stride());
    TorchCheckpoint.Tensor rows = ts.stream().filter(x -> x.name().equals("encoder.rows")).findFirst().orElseThrow();
    assertEquals(6, rows.offset());
  }

  @Test
  void refusesAPickleThatCallsOsSystem() throws Exception {
    Path bin = resource("malicious-os-system.bin");
    InputException e = assertThrows(InputException.class, () -> TorchCheckpoint.toSafetensors(bin, tmp.resolve("x.safetensors")));
    assertTrue(e.getMessage().contains("malicious-os-system.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("global posix.system"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x.safetensors")));
    assertFalse(Files.exists(Path.of("/tmp/trawl-pwned")), "the payload ran");
  }

  @Test
  void refusesEvalUnknownClassesAndOtherOpcodes() throws Exception {
    // GLOBAL builtins eval, then a string, TUPLE1, REDUCE, STOP
    byte[] eval = pickle("cbuiltins\neval\nX\u0004\u0000\u0000\u00001+1\u0085R.");
    InputException e = assertThrows(InputException.class, () -> TorchCheckpoint.read(zip(eval)));
    assertTrue(e.getMessage().contains("global builtins.eval"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.bin"), e.getMessage());

    byte[] cls = pickle("c__main__\nEvil\n)R.");
    e = assertThrows(InputException.class, () -> TorchCheckpoint.read(zip(cls)));
    assertTrue(e.getMessage().contains("global __main__.Evil"), e.getMessage());

    // INST (opcode 'i') instantiates a class without GLOBAL: not in the allowed set
    byte[] inst = pickle("(ios\nsystem\n.");
    e = assertThrows(InputException.class, () -> TorchCheckpoint.read(zip(inst)));
    assertTrue(e.getMessage().contains("opcode 0x69"), e.getMessage());

    // a legacy (non-zip) file
    Path legacy = tmp.resolve("legacy.bin");
    Files.write(legacy, new byte[] {(byte) 0x80, 2, '.'});
    e = assertThrows(InputException.class, () -> TorchCheckpoint.read(legacy));
    assertTrue(e.getMessage().contains("legacy format"), e.getMessage());
  }

  private static byte[] pickle(String ops) {
    byte[] b = ops.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[b.length + 2];
    out[0] = (byte) 0x80;
    out[1] = 2;
    System.arraycopy(b, 0, out, 2, b.length);
    return out;
  }

  private Path zip(byte[] pkl) throws IOException {
    Path f = tmp.resolve("bad.bin");
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bo)) {
      z.putNextEntry(new ZipEntry("bad/data.pkl"));
      z.write(pkl);
      z.closeEntry();
    }
    try (OutputStream o = Files.newOutputStream(f)) {
      o.write(bo.toByteArray());
    }
    return f;
  }

  private static String bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return java.util.HexFormat.of().formatHex(a);
  }
}
