package io.trawl.rerank.pointwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for finegrained, on the golden tiny random Llama with Zephyr's chat template. */
class FineGrainedRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "finegrained";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "finegrained(model=\"" + model + "\",passage-tokens=32,k=3,batch=3,threads=1)";
  }
}
