package io.trawl.rerank.setwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.TinyT5;
import java.nio.file.Path;

/** The reranker contract for Setwise on a T5 model (the golden tiny T5 v1.1): bubble sort, generated labels. */
class SetwiseT5ContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "setwise";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyT5.folder(dir, "t5-v1_1-tiny");
    return "setwise(model=\"" + model + "\",method=bubblesort,num-child=3,k=2,scoring=generation,passage-tokens=24,"
        + "threads=1)";
  }
}
