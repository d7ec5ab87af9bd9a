package io.trawl.rerank.icr;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/**
 * The reranker contract for ICR, on the golden tiny random Llama; depth 6 of the eight candidates,
 * so the two below keep their places under the reranked six.
 */
class IcrRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "icr";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "icr(model=\"" + model + "\",depth=6,words=20,chunk=64,threads=1)";
  }
}
