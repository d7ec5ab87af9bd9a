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
  static final String BGE = "cf4cf4123b56e73e88421e7691d1bbaa9314a08a71e183321f691abb3ff88125";
  /** The same for the tiny float16 BERT folder. */
  static final String TINY = "3f6c9bbb4ee4d672d74f233f8014c1fb1cbae3f1f69c1daedf69b372640e898c";

  @Test
  void fingerprintsAreConstants() throws Exception {
    assertEquals(BGE, EncoderFingerprint.fingerprint("bge"), "bge-small-en-v1.5 vectors changed");
    assertEquals(TINY, EncoderFingerprint.fingerprint("tiny"), "tiny BERT vectors changed");
  }

  @Test
  void otherVectorWidthsAndInstructionSetsGiveTheSameBits() throws Exception {
    for (List<String> flags : ChildJvm.flagSets()) {
      assertEquals(BGE, ChildJvm.fingerprint(flags, EncoderFingerprint.class, "bge"),
          "bge-small-en-v1.5 with " + flags);
    }
    // no hardware FMA (Math.fma in software) and no AVX at all: slow, so the tiny model only
    for (List<String> flags : ChildJvm.slowFlagSets()) {
      assertEquals(TINY, ChildJvm.fingerprint(flags, EncoderFingerprint.class, "tiny"),
          "tiny BERT with " + flags);
    }
  }
}
