package io.trawl.rerank;

import java.nio.file.Path;
import java.util.Map;

/** The reranker contract for the embedding reranker, on all-MiniLM-L6-v2 (exact engine). */
class EmbedRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "embed";
  }

  @Override
  protected String spec(Path dir) {
    return "embed(encoder=all-minilm-l6-v2,batch=4,threads=2)";
  }

  @Override
  protected Map<String, String> runSettings() {
    return Map.of("threads", "2");
  }
}
