package io.trawl.rerank;

import java.nio.file.Path;

/** The reranker contract for duoT5, on the golden tiny random T5. */
class DuoT5RerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "duot5";
  }

  @Override
  protected String spec(Path dir) {
    return "duot5(model=\"" + TinyT5.folder(dir, "t5-v1_0-tiny") + "\",batch=5,threads=1)";
  }
}
