package io.trawl.rerank.listwise;

import io.trawl.rerank.RerankerContractTest;
import io.trawl.rerank.llm.TinyLlm;
import java.nio.file.Path;
import java.util.Map;

/** The reranker contract for FIRST, on the golden tiny random Llama, windows of 4 moved by 2. */
class FirstRerankerContractTest extends RerankerContractTest {
  @Override
  protected String name() {
    return "first";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    Path model = TinyLlm.folder(dir, "tiny-chat", 4096, io.trawl.model.llm.ChatTemplateTest.ZEPHYR);
    return "first(model=\"" + model + "\",window=4,stride=2,words=20,batch=2,threads=1)";
  }

  @Override
  protected Map<String, String> runSettings() {
    return Map.of("threads", "1");
  }
}
