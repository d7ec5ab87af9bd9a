package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.model.ComputeOptions;
import io.trawl.model.llm.LlmRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RankLLM, FIRST's and ICR's code tokenize prompts with {@code tokenizer(text)}, which adds BOS
 * even when the chat template (Zephyr's) writes none; {@code add_bos_token: false} turns it off.
 * Ids from ../shared/golden/tokenizers/tokenization_golden.json ("Hello world").
 */
class SpecialTokensTest {
  @TempDir Path tmp;

  @Test
  void bosAsTheTokenizerAddsIt() throws Exception {
    Path dir = TinyLlm.folder(tmp, "bos", 512);
    try (LlmRuntime rt = LlmRuntime.load(dir, ComputeOptions.DEFAULT, null)) {
      assertArrayEquals(new int[] {15043, 3186}, rt.encode("Hello world"));
      assertArrayEquals(new int[] {1, 15043, 3186}, rt.encodeWithSpecialTokens("Hello world"));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode cfg = (ObjectNode) json.readTree(dir.resolve("tokenizer_config.json").toFile());
    cfg.put("add_bos_token", false);
    json.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
    try (LlmRuntime rt = LlmRuntime.load(dir, ComputeOptions.DEFAULT, null)) {
      assertArrayEquals(new int[] {15043, 3186}, rt.encodeWithSpecialTokens("Hello world"));
    }
  }
}
