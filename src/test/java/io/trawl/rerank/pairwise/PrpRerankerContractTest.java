package io.trawl.rerank.pairwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/** The reranker contract for PRP, on the golden tiny random Llama, heapsort for the top 3. */
class PrpRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "prp";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "prp(model=\"" + model + "\",method=sorting,k=3,passage-tokens=24,batch=2,threads=1)";
  }
}
