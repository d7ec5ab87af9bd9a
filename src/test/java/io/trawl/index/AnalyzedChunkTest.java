package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class AnalyzedChunkTest {
  private static Map<String, Integer> counted(AnalyzedChunk.TermCounter c) {
    Map<String, Integer> m = new HashMap<>();
    for (int e = 0; e < c.size; e++) {
      m.put(new String(c.pool, c.start[e], c.length[e], StandardCharsets.UTF_8), c.count[e]);
    }
    return m;
  }

  /** Counts agree with a HashMap over documents of very different sizes (tables grow, then get reused). */
  @Test
  void termCounterCountsLikeAMap() {
    AnalyzedChunk.TermCounter c = new AnalyzedChunk.TermCounter();
    Random r = new Random(42);
    int[] sizes = {0, 1, 5, 3000, 2, 40, 20000, 7, 0, 300};
    for (int size : sizes) {
      c.clear();
      Map<String, Integer> expected = new HashMap<>();
      int vocabulary = 1 + size / 3;
      for (int i = 0; i < size; i++) {
        String t = "t" + r.nextInt(vocabulary) + (r.nextInt(50) == 0 ? "é" : "");
        expected.merge(t, 1, Integer::sum);
        c.add(new BytesRef(t));
      }
      assertEquals(expected, counted(c), "document of " + size + " tokens");
    }
  }
}
