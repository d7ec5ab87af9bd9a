package io.trawl.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.core.VectorFile;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.CorpusTexts;
import io.trawl.model.encoder.Encoder;
import io.trawl.model.encoder.EncoderOptions;
import io.trawl.model.encoder.Encoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The document vectors committed for {@code regressions/scifact-hybrid.yaml} are what the exact
 * encoder makes of SciFact today: the same documents in the same order, and a sample of them (every
 * 173rd, plus the longest, which is truncated at 512 tokens) re-encoded here to the same bits. A
 * change of the encoder's arithmetic or of the corpus text rule fails this test, not silently the
 * regression.
 */
class DenseVectorsTest {
  static final Path VECTORS = Path.of("regressions", "vectors", "beir-scifact.bge-small-en-v1.5.vec.gz");

  @Test
  void committedVectorsAreTheEncodersBits() {
    Path corpus = Path.of(System.getProperty("trawl.shared", "../shared"), "data", "beir-scifact", "corpus.jsonl");
    Assumptions.assumeTrue(Files.exists(corpus), "shared test data not found at " + corpus + "; skipping");
    VectorFile committed = VectorFile.read(VECTORS);
    assertEquals("bge-small-en-v1.5", committed.encoder());
    CorpusTexts docs = CorpusTexts.read(Corpora.forInputOrJson("beir", corpus.toString()), corpus.toString());
    assertEquals(docs.ids(), committed.ids());
    List<Integer> sample = new ArrayList<>();
    int longest = 0;
    for (int i = 0; i < docs.texts().size(); i++) {
      if (i % 173 == 0) {
        sample.add(i);
      }
      if (docs.texts().get(i).length() > docs.texts().get(longest).length()) {
        longest = i;
      }
    }
    sample.add(longest);
    List<String> texts = sample.stream().map(docs.texts()::get).toList();
    try (Encoder enc = Encoders.open("bge-small-en-v1.5", new EncoderOptions(32, 2, 0))) {
      float[][] v = enc.encode(texts, false, null);
      for (int j = 0; j < sample.size(); j++) {
        float[] want = committed.vectors()[sample.get(j)];
        for (int d = 0; d < want.length; d++) {
          assertEquals(Float.floatToRawIntBits(want[d]), Float.floatToRawIntBits(v[j][d]),
              "document " + docs.ids().get(sample.get(j)) + ", dimension " + d);
        }
      }
    }
  }
}
