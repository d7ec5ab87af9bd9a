package io.trawl.search.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import io.trawl.core.TrawlException;
import io.trawl.core.VectorFile;
import io.trawl.index.dense.DenseIndexMetadata;
import io.trawl.index.dense.DenseIndexer;
import io.trawl.model.encoder.Encoders;
import io.trawl.model.encoder.Encoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dense index and search on synthetic unit vectors (no model needed). */
class DenseSearcherTest {
  static final long SEED = 20261129L;
  static final int DIM = 384;

  static float[] unit(Random r) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] = (float) r.nextGaussian();
    }
    Encoder.normalize(v);
    return v;
  }

  static VectorFile randomVectors(int n, Random r) {
    List<String> ids = new ArrayList<>();
    float[][] v = new float[n][];
    for (int i = 0; i < n; i++) {
      ids.add("d" + i);
      v[i] = unit(r);
    }
    return new VectorFile("bge-small-en-v1.5-q", DIM, ids, v);
  }

  static List<String> bruteForce(VectorFile vf, float[] q, int k) {
    Integer[] order = new Integer[vf.ids().size()];
    double[] s = new double[order.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      s[i] = Encoder.dot(q, vf.vectors()[i]);
    }
    Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      out.add(vf.ids().get(order[i]));
    }
    return out;
  }

  static List<String> ids(RankedList l) {
    return l.candidates().stream().map(Candidate::docId).toList();
  }

  @Test
  void exactEqualsBruteForceAndHnswRecallIsHigh(@TempDir Path tmp) {
    Random r = new Random(SEED);
    VectorFile vf = randomVectors(2000, r);
    Path vec = tmp.resolve("v.tvec");
    vf.write(vec);
    VectorFile back = VectorFile.read(vec);
    assertEquals(vf.ids(), back.ids());
    assertTrue(Arrays.equals(vf.vectors()[7], back.vectors()[7]));

    DenseIndexMetadata m = DenseIndexer.build(back, Encoders.config("bge-small-en-v1.5-q").name(),
        Encoders.config("bge-small-en-v1.5-q").family(),
        DenseIndexer.Options.defaults(), tmp.resolve("hnsw"), vec.toString());
    assertEquals("hnsw", m.structure());
    DenseIndexer.build(back, Encoders.config("bge-small-en-v1.5-q").name(),
        Encoders.config("bge-small-en-v1.5-q").family(),
        new DenseIndexer.Options(true, 16, 100), tmp.resolve("flat"), vec.toString());
    try (DenseSearcher hnsw = DenseSearcher.openVectorsOnly(tmp.resolve("hnsw"));
        DenseSearcher flat = DenseSearcher.openVectorsOnly(tmp.resolve("flat"))) {
      assertEquals(2000, hnsw.size());
      assertEquals(DenseIndexMetadata.read(tmp.resolve("hnsw")), hnsw.metadata());
      int found = 0;
      int total = 0;
      for (int qi = 0; qi < 30; qi++) {
        float[] q = unit(r);
        List<String> truth = bruteForce(vf, q, 10);
        RankedList exact = hnsw.searchVector("q" + qi, q, 10, 0, true);
        assertEquals(truth, ids(exact), "seed " + SEED + " query " + qi);
        assertTrue(exact.isMonotone());
        assertEquals(Encoder.dot(q, vf.vectors()[Integer.parseInt(truth.get(0).substring(1))]),
            exact.get(0).score(), 1e-5, "scores are cosines");
        assertEquals(truth, ids(flat.searchVector("q" + qi, q, 10, 0, false)), "flat index is exact");
        RankedList approx = hnsw.searchVector("q" + qi, q, 10, 100, false);
        assertEquals(10, approx.size());
        assertTrue(approx.isMonotone());
        Set<String> a = new HashSet<>(ids(approx));
        for (String t : truth) {
          found += a.contains(t) ? 1 : 0;
        }
        total += 10;
        assertEquals(approx.get(0).score(),
            Encoder.dot(q, vf.vectors()[Integer.parseInt(approx.get(0).docId().substring(1))]), 1e-5);
      }
      // random 384-d vectors are the hardest case for HNSW; real embeddings do better
      assertTrue(found / (double) total >= 0.9, "HNSW recall@10 " + found / (double) total);
    }
  }

  @Test
  void dimensionAndEncoderMismatchesAreErrors(@TempDir Path tmp) {
    Random r = new Random(SEED);
    VectorFile vf = randomVectors(50, r);
    DenseIndexer.build(vf, Encoders.config("bge-small-en-v1.5-q").name(),
        Encoders.config("bge-small-en-v1.5-q").family(), DenseIndexer.Options.defaults(),
        tmp.resolve("i"), "test");
    try (DenseSearcher s = DenseSearcher.openVectorsOnly(tmp.resolve("i"))) {
      TrawlException e = assertThrows(TrawlException.class,
          () -> s.searchVector("q", new float[128], 10, 0, true));
      assertEquals(TrawlException.INVALID_INPUT, e.exitCode());
      assertTrue(e.getMessage().contains("dimension mismatch"), e.getMessage());
    }
    DenseIndexMetadata m = DenseIndexMetadata.read(tmp.resolve("i"));
    TrawlException fam = assertThrows(TrawlException.class,
        () -> m.checkEncoder("all-minilm-l6-v2-q", "all-minilm-l6-v2", 384));
    assertTrue(fam.getMessage().contains("encoder mismatch"), fam.getMessage());
    TrawlException dim = assertThrows(TrawlException.class,
        () -> m.checkEncoder("bge-small-en-v1.5-q", "bge-small-en-v1.5", 768));
    assertTrue(dim.getMessage().contains("dimension mismatch"), dim.getMessage());
    assertTrue(m.checkEncoder("bge-small-en-v1.5", "bge-small-en-v1.5", 384).contains("warning"));
    assertEquals(null, m.checkEncoder("bge-small-en-v1.5-q", "bge-small-en-v1.5", 384));
    // a vector file made by another encoder cannot be indexed as this one
    assertThrows(TrawlException.class, () -> DenseIndexer.build(vf, Encoders.config("e5-small-v2-q").name(),
        Encoders.config("e5-small-v2-q").family(),
        DenseIndexer.Options.defaults(), tmp.resolve("j"), "test"));
    // an existing index is never overwritten
    assertThrows(TrawlException.class, () -> DenseIndexer.build(vf, Encoders.config("bge-small-en-v1.5-q").name(),
        Encoders.config("bge-small-en-v1.5-q").family(),
        DenseIndexer.Options.defaults(), tmp.resolve("i"), "test"));
    // unless asked to replace it (a regression rebuilds its dense index on every run)
    VectorFile fewer = randomVectors(20, r);
    DenseIndexer.build(fewer, Encoders.config("bge-small-en-v1.5-q").name(),
        Encoders.config("bge-small-en-v1.5-q").family(), DenseIndexer.Options.defaults(),
        tmp.resolve("i"), "again", true);
    assertEquals(20, DenseIndexMetadata.read(tmp.resolve("i")).documents());
    assertThrows(TrawlException.class, () -> new DenseIndexer.Options(false, 1, 100));
  }
}
