package io.trawl.rerank.pairwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.TinyT5;
import java.nio.file.Path;

/** The reranker contract for PRP on a T5 model (the golden tiny T5 v1.1): llm-rankers' T5 path, heapsort for the top 3. */
class PrpT5ContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "prp";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyT5.folder(dir, "t5-v1_1-tiny");
    return "prp(model=\"" + model + "\",method=sorting,k=3,scoring=generation,passage-tokens=24,batch=2,threads=1)";
  }
}
