package io.trawl.search.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.core.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dense indexing and search give the same graph, candidates and score bits whatever the vector
 * width or instruction set ({@link io.trawl.index.dense.ExactDotHnswFormat}, {@link
 * io.trawl.core.Vectors#dot}). With Lucene's own scorer (VectorUtil, the machine's vector width)
 * all four configurations of this test gave different fingerprints.
 */
class DenseDeterminismTest {
  static final String EXPECTED = "5eebc228e3e6c4f26063f65a998e236b363730f4c67a3dc6fd15be0da9f1a170";

  @Test
  void sameResultsOnEveryVectorWidth() throws Exception {
    assertEquals(EXPECTED, DenseFingerprint.fingerprint(), "dense results changed");
    for (List<String> flags : ChildJvm.flagSets()) {
      assertEquals(EXPECTED, ChildJvm.fingerprint(flags, DenseFingerprint.class), "with " + flags);
    }
  }
}
