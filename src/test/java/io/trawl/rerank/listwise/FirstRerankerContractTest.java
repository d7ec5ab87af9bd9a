package io.trawl.rerank.listwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for FIRST, on the golden tiny random Llama, windows of 4 moved by 2. */
class FirstRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "first";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "first(model=\"" + model + "\",window=4,stride=2,words=20,batch=2,threads=1)";
  }
}
