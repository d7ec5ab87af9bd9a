package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trawl.core.VectorFile;
import io.trawl.corpus.CorpusTexts;
import io.trawl.model.encoder.EncoderOptions;
import io.trawl.model.encoder.Encoders;
import io.trawl.model.encoder.Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2 (fp32, the exact engine) over the first 96 SciFact documents: three vector
 * shards read back as one file equal the single-process encoding bit for bit, whatever the batch
 * size (with the int8 encoder batched shards only agreed to a cosine of 0.99).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedEncodeTest {
  static final String ENCODER = "all-minilm-l6-v2";
  @TempDir static Path tmp;
  Path corpus;
  CorpusTexts docs;

  @BeforeAll
  void corpus() throws IOException {
    Path scifact = SparkTests.sharedData("beir-scifact/corpus.jsonl");
    corpus = tmp.resolve("scifact-96.jsonl");
    try (var lines = Files.lines(scifact)) {
      Files.write(corpus, lines.limit(96).toList());
    }
    docs = DistributedEncode.texts(corpus.toString());
  }

  VectorFile distributed(String name, int batch, int fail) {
    Path out = tmp.resolve(name);
    DistributedEncode.run(SparkTests.context(), new DistributedEncode.Options(corpus.toString(),
        ENCODER, out.toString(), 3, batch, 1, 0, fail));
    return VectorFile.read(out);
  }

  float[][] single(int batch) {
    try (Encoder enc = Encoders.open(ENCODER, new EncoderOptions(batch, 1, 0))) {
      return enc.encode(docs.texts(), false, null);
    }
  }

  @Test
  void shardsOfBatchOneEqualTheSingleProcessVectorsBitForBit() {
    VectorFile v = distributed("batch1", 1, 1);
    assertEquals(docs.ids(), v.ids());
    float[][] one = single(1);
    for (int i = 0; i < one.length; i++) {
      assertArrayEquals(one[i], v.vectors()[i], 0f, "document " + docs.ids().get(i));
    }
  }

  @Test
  void batchedShardsEqualTheSingleProcessVectorsBitForBit() {
    VectorFile v = distributed("batch16", 16, -1);
    assertEquals(docs.ids(), v.ids());
    float[][] alone = single(1);
    for (int i = 0; i < alone.length; i++) {
      assertArrayEquals(alone[i], v.vectors()[i], 0f, "document " + docs.ids().get(i));
    }
    assertEquals(List.of("part-00000.vec", "part-00001.vec", "part-00002.vec"),
        tmp.resolve("batch16").toFile().list() == null ? List.of()
            : java.util.Arrays.stream(tmp.resolve("batch16").toFile().list()).sorted().toList());
  }
}
