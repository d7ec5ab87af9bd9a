package io.trawl.rerank.setwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for Setwise's reasoning mode (Rank-R1 prompt) on the tiny Llama, 4 tokens per answer. */
class SetwiseReasoningContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "setwise";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "setwise(model=\"" + model + "\",num-child=2,k=3,scoring=reasoning,max-tokens=4,passage-tokens=24,"
        + "threads=1)";
  }
}
