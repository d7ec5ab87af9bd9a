package io.trawl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {
  @TempDir Path dir;

  @Test
  void typedGettersAndClearErrors() throws IOException {
    InputException e = assertThrows(InputException.class, () -> HfConfig.load(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": no config.json"), e.getMessage());
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"bert\",\"architectures\":[\"BertModel\"],\"d_model\":\"x\",\"n\":4}");
    HfConfig c = HfConfig.load(dir);
    assertEquals("bert", c.modelType());
    assertEquals(4, c.requireInt("n"));
    assertEquals(7, c.getInt("missing", 7));
    e = assertThrows(InputException.class, () -> c.requireInt("d_model"));
    assertTrue(e.getMessage().contains("\"d_model\" must be an integer"), e.getMessage());
    e = assertThrows(InputException.class, () -> c.requireModelType("monot5", Set.of("t5")));
    assertTrue(e.getMessage().contains("unknown model_type 'bert'") && e.getMessage().contains("expected t5"), e.getMessage());
    e = assertThrows(InputException.class, () -> c.requireArchitecture("monot5", Set.of("T5ForConditionalGeneration")));
    assertTrue(e.getMessage().contains("unknown architecture [BertModel]"), e.getMessage());
    Files.writeString(dir.resolve("config.json"), "{oops");
    e = assertThrows(InputException.class, () -> HfConfig.load(dir));
    assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void computeOptions() {
    ComputeOptions o = ComputeOptions.of(null, null);
    assertEquals(Device.cpu(), o.resolveDevice());
    assertEquals(DataType.FLOAT32, o.resolveDataType(Device.cpu()));
    assertEquals(DataType.FLOAT16, ComputeOptions.of("cpu", "float16").resolveDataType(Device.cpu()));
    assertEquals(Device.cpu(), ComputeOptions.of("auto", null).resolveDevice());
    TrawlException e = assertThrows(TrawlException.class, () -> ComputeOptions.of("cpu", "bfloat16").resolveDataType(Device.cpu()));
    assertTrue(e.getMessage().contains("bfloat16"));
    assertThrows(TrawlException.class, () -> ComputeOptions.of("tpu", null));
    assertThrows(TrawlException.class, () -> ComputeOptions.of(null, "int8"));
    e = assertThrows(TrawlException.class, () -> ComputeOptions.of("gpu", null).resolveDevice());
    assertEquals(2, e.exitCode());
  }
}
