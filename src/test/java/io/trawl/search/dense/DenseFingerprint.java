package io.trawl.search.dense;

import io.trawl.core.RankedList;
import io.trawl.core.VectorFile;
import io.trawl.index.dense.DenseIndexer;
import io.trawl.model.encoder.Encoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Builds an HNSW and a flat dense index over 3,000 seeded random unit vectors, searches 30 seeded
 * queries (top 20) on both, and prints a SHA-256 over the doc ids and score bits: what
 * {@link DenseDeterminismTest} compares across JVMs with other vector widths.
 */
public final class DenseFingerprint {
  private DenseFingerprint() {}

  static String fingerprint() throws Exception {
    Random r = new Random(DenseSearcherTest.SEED);
    VectorFile vf = DenseSearcherTest.randomVectors(3000, r);
    Path tmp = Files.createTempDirectory("trawl-dense-fp");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try {
      for (boolean flat : new boolean[] {false, true}) {
        Path dir = tmp.resolve(flat ? "flat" : "hnsw");
        DenseIndexer.build(vf, Encoders.config("bge-small-en-v1.5-q").name(),
            Encoders.config("bge-small-en-v1.5-q").family(),
            new DenseIndexer.Options(flat, 16, 100), dir, "random");
        Random qr = new Random(7);
        try (DenseSearcher s = DenseSearcher.openVectorsOnly(dir)) {
          for (int q = 0; q < 30; q++) {
            RankedList l = s.searchVector("q" + q, DenseSearcherTest.unit(qr), 20, 0, flat);
            for (var c : l.candidates()) {
              sha.update(c.docId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
              long b = Double.doubleToRawLongBits(c.score());
              for (int i = 0; i < 8; i++) {
                sha.update((byte) (b >>> (8 * i)));
              }
            }
          }
        }
      }
    } finally {
      try (var s = Files.walk(tmp)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  public static void main(String[] args) throws Exception {
    System.out.println("fingerprint " + fingerprint());
  }
}
