package io.trawl.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.core.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact encoder gives the same bits whatever the CPU: the fingerprint of its vectors is a
 * constant of this source tree, and JVMs restricted to 128- or 256-bit vectors, to AVX2 (no
 * AVX-512), or to no fused multiply-add instruction at all (software FMA) reproduce it. An
 * AVX2-only machine therefore computes what an AVX-512 machine computes; this test is what
 * would fail if it did not.
 */
class EncoderDeterminismTest {
  /** SHA-256 of the bge-small-en-v1.5 vectors of the golden texts (see EncoderFingerprint). */
  static final String BGE = "bd8d8608ac40266f0910182efaff1f1d43d57ad62e35446b01b73924f0929f71";
  /** The same for the tiny float16 BERT folder. */
  static final String TINY = "a262d9ba0a33165a1c875252c86085023c36482eb3564e56ec0fb76b344d7fca";

  @Test
  void fingerprintsAreConstants() throws Exception {
    assertEquals(BGE, EncoderFingerprint.fingerprint("bge"), "bge-small-en-v1.5 vectors changed");
    assertEquals(TINY, EncoderFingerprint.fingerprint("tiny"), "tiny BERT vectors changed");
  }

  @Test
  void otherVectorWidthsAndInstructionSetsGiveTheSameBits() throws Exception {
    java.util.Set<String> widths = new java.util.TreeSet<>();
    for (List<String> flags : ChildJvm.flagSets()) {
      ChildJvm.Output bge = ChildJvm.run(flags, EncoderFingerprint.class, "bge");
      assertEquals(BGE, bge.value("fingerprint"), "bge-small-en-v1.5 with " + flags);
      widths.add(bge.value("species"));
      assertEquals(TINY, ChildJvm.fingerprint(flags, EncoderFingerprint.class, "tiny"),
          "tiny BERT (edge panels, scalar tails) with " + flags);
    }
    // the children must really have computed with another vector width than this JVM
    widths.remove(Integer.toString(Kernels.SPECIES.vectorBitSize()));
    org.junit.jupiter.api.Assertions.assertFalse(widths.isEmpty(),
        "no child JVM ran with a vector width other than " + Kernels.SPECIES.vectorBitSize());
    // no hardware FMA (Math.fma in software) and no AVX at all: slow, so the tiny model only
    for (List<String> flags : ChildJvm.slowFlagSets()) {
      assertEquals(TINY, ChildJvm.fingerprint(flags, EncoderFingerprint.class, "tiny"),
          "tiny BERT with " + flags);
    }
  }
}
