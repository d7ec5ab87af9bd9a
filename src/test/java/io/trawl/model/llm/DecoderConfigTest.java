package io.trawl.model.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TrawlException;
import io.trawl.model.HfConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderConfigTest {
  @TempDir Path dir;

  HfConfig write(String json) throws Exception {
    Files.writeString(dir.resolve("config.json"), json);
    return HfConfig.load(dir);
  }

  @Test
  void llama3RopeScalingMatchesHuggingFace() throws Exception {
    // Llama-3.1 settings; expected values from HF's _compute_llama3_parameters (numpy, float32)
    DecoderConfig c = DecoderConfig.from(write("""
        {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 128256,
         "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
         "num_key_value_heads": 8, "intermediate_size": 14336, "rope_theta": 500000.0,
         "max_position_embeddings": 131072, "eos_token_id": [128001, 128008, 128009],
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
           "original_max_position_embeddings": 8192, "rope_type": "llama3"}}"""));
    float[] inv = c.inverseFrequencies();
    assertEquals(64, inv.length);
    int[] at = {0, 10, 20, 30, 40, 50, 63};
    double[] expected = {1.0, 0.12868738174438477, 0.016560440883040428, 0.0013718936825171113,
        3.428102354519069e-05, 4.411534519022098e-06, 3.068925877869333e-07};
    for (int i = 0; i < at.length; i++) {
      assertEquals(expected[i], inv[at[i]], 2e-6 * expected[i], "inv_freq[" + at[i] + "]");
    }
    assertEquals(128, c.headDim());
    assertEquals(java.util.List.of(128001, 128008, 128009), c.eosIds());
  }

  @Test
  void rejectsWhatItCannotRun() throws Exception {
    TrawlException e = assertThrows(TrawlException.class, () -> DecoderConfig.from(write(
        "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"]}")));
    assertTrue(e.getMessage().contains("unknown model_type 'gpt2'"), e.getMessage());
    TrawlException rope = assertThrows(TrawlException.class, () -> DecoderConfig.from(write("""
        {"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
         "num_attention_heads": 2, "intermediate_size": 16, "rope_scaling": {"type": "yarn", "factor": 4}}""")));
    assertTrue(rope.getMessage().contains("unsupported rope_scaling type 'yarn'"), rope.getMessage());
    TrawlException gqa = assertThrows(TrawlException.class, () -> DecoderConfig.from(write("""
        {"model_type": "qwen2", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
         "num_attention_heads": 3, "num_key_value_heads": 2, "intermediate_size": 16}""")));
    assertTrue(gqa.getMessage().contains("not a multiple"), gqa.getMessage());
  }
}
