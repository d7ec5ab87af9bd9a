package io.trawl.rerank.pointwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for yesno, on the golden tiny random Llama with Zephyr's chat template. */
class YesNoRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "yesno";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "yesno(model=\"" + model + "\",passage-tokens=32,batch=3,threads=1)";
  }
}
