package io.trawl.rerank.listwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;

/**
 * The reranker contract for RankGPT with the local backend, on the golden tiny random Llama (its
 * answers are noise, which the permutation parser must turn into a permutation all the same),
 * windows of 4 moved by 2 so that the eight candidates take three windows.
 */
class RankGptRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "rankgpt";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.chatModel(dir);
    return "rankgpt(backend=local,model=\"" + model + "\",window=4,stride=2,words=20,max-tokens=12,threads=1)";
  }
}
