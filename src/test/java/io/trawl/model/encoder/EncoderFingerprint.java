package io.trawl.model.encoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Prints a SHA-256 over the bits of the vectors an encoder gives for the golden texts, so that
 * {@link EncoderDeterminismTest} can compare JVMs started with different vector widths and
 * instruction sets. Usage: {@code EncoderFingerprint bge|tiny}.
 */
public final class EncoderFingerprint {
  private EncoderFingerprint() {}

  static String fingerprint(String which) throws Exception {
    List<String> texts = EncoderGoldenTest.texts(EncoderGoldenTest.golden("bge-small-en-v1.5"));
    Path tmp = null;
    String name = "bge-small-en-v1.5";
    if (which.equals("tiny")) {
      tmp = Files.createTempDirectory("trawl-tiny-bert");
      name = EncoderGoldenTest.tinyBert(tmp).toString();
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Encoder e = Encoders.open(name, new EncoderOptions(4, 2, 0))) {
      for (float[] v : e.encodeDocuments(texts)) {
        for (float x : v) {
          int b = Float.floatToRawIntBits(x);
          sha.update(new byte[] {(byte) (b >>> 24), (byte) (b >>> 16), (byte) (b >>> 8), (byte) b});
        }
      }
    } finally {
      if (tmp != null) {
        try (var s = Files.walk(tmp)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  public static void main(String[] args) throws Exception {
    System.out.println("fingerprint " + fingerprint(args[0]));
    System.out.println("species " + Kernels.SPECIES.vectorBitSize());
  }
}
