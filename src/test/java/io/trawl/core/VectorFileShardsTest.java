package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of vector shards reads as one vector file, shards in name order. */
class VectorFileShardsTest {
  @TempDir Path tmp;

  @Test
  void shardsConcatenateInNameOrderAndMustAgree() {
    new VectorFile("enc", 2, List.of("c"), new float[][] {{5, 6}}).write(tmp.resolve("part-00001.vec"));
    new VectorFile("enc", 2, List.of("a", "b"), new float[][] {{1, 2}, {3, 4}}).write(tmp.resolve("part-00000.vec"));
    VectorFile all = VectorFile.read(tmp);
    assertEquals(List.of("a", "b", "c"), all.ids());
    assertArrayEquals(new float[] {5, 6}, all.vectors()[2]);
    new VectorFile("other", 2, List.of("d"), new float[][] {{7, 8}}).write(tmp.resolve("part-00002.vec"));
    TrawlException e = assertThrows(TrawlException.class, () -> VectorFile.read(tmp));
    assertTrue(e.getMessage().contains("encoded with other"), e.getMessage());
    new VectorFile("enc", 2, List.of("a"), new float[][] {{7, 8}}).write(tmp.resolve("part-00002.vec"));
    e = assertThrows(TrawlException.class, () -> VectorFile.read(tmp));
    assertTrue(e.getMessage().contains("id 'a' also occurs in an earlier shard"), e.getMessage());
  }

  @Test
  void anEmptyFolderIsAnInputError() {
    TrawlException e = assertThrows(TrawlException.class, () -> VectorFile.read(tmp));
    assertEquals(2, e.exitCode());
  }
}
