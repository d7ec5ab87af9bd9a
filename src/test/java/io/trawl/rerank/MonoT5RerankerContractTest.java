package io.trawl.rerank;

import java.nio.file.Path;

/** The reranker contract for monoT5, on the golden tiny random T5. */
class MonoT5RerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "monot5";
  }

  @Override
  protected String spec(Path dir) {
    return "monot5(model=\"" + TinyT5.folder(dir, "t5-v1_0-tiny") + "\",batch=3,threads=1)";
  }
}
