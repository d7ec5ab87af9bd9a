package io.trawl.rerank.pointwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for qlm, on the golden tiny random Llama with Zephyr's chat template. */
class QlmRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "qlm";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "qlm(model=\"" + model + "\",passage-tokens=32,batch=3,threads=1)";
  }
}
