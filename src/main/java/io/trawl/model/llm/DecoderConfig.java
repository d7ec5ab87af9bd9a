package io.trawl.model.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.model.HfConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The decoder-only architectures Trawl runs (Hugging Face {@code model_type} llama, mistral,
 * qwen2): sizes, RoPE settings (default, {@code linear} and {@code llama3} scaling), biases and
 * special ids, from {@code config.json}.
 */
public record DecoderConfig(String modelType, int vocabSize, int hidden, int layers, int heads,
    int kvHeads, int headDim, int intermediate, double rmsEps, double ropeTheta, String ropeType,
    double ropeFactor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions,
    boolean tiedEmbeddings, boolean qkvBias, boolean oBias, int maxPositions, int slidingWindow,
    int bosId, List<Integer> eosIds) {

  public static final Set<String> TYPES = Set.of("llama", "mistral", "qwen2");

  public static DecoderConfig from(HfConfig c) {
    String type = c.requireModelType("a decoder-only LLM", TYPES);
    c.requireArchitecture("a decoder-only LLM",
        Set.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"));
    String act = c.getString("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw c.error("unsupported hidden_act '" + act + "'; expected silu");
    }
    int hidden = c.positiveInt("hidden_size");
    int heads = c.positiveInt("num_attention_heads");
    int kv = c.getInt("num_key_value_heads", heads);
    if (kv <= 0 || heads % kv != 0) {
      throw c.error("num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kv);
    }
    int headDim = c.getInt("head_dim", hidden / heads);
    if (headDim % 2 != 0) {
      throw c.error("head_dim must be even for rotary embeddings, got " + headDim);
    }
    String ropeType = "default";
    double factor = 1;
    double low = 1;
    double high = 4;
    int origMax = c.getInt("max_position_embeddings", 2048);
    JsonNode rs = c.json().get("rope_scaling");
    if (rs != null && !rs.isNull()) {
      ropeType = rs.path("rope_type").asText(rs.path("type").asText("default"));
      factor = rs.path("factor").asDouble(1);
      switch (ropeType) {
        case "default" -> { }
        case "linear" -> { }
        case "llama3" -> {
          low = rs.path("low_freq_factor").asDouble(1);
          high = rs.path("high_freq_factor").asDouble(4);
          origMax = rs.path("original_max_position_embeddings").asInt(8192);
        }
        default -> throw c.error("unsupported rope_scaling type '" + ropeType
            + "'; supported: default, linear, llama3");
      }
    }
    boolean qwen = type.equals("qwen2");
    boolean attnBias = c.getBoolean("attention_bias", false);
    if (c.getBoolean("mlp_bias", false)) {
      throw c.error("mlp_bias=true is not supported");
    }
    int sliding = 0;
    if (type.equals("mistral") && c.has("sliding_window")) {
      sliding = c.requireInt("sliding_window");
    }
    if (qwen && c.getBoolean("use_sliding_window", false)) {
      throw c.error("use_sliding_window=true is not supported");
    }
    return new DecoderConfig(type, c.positiveInt("vocab_size"), hidden,
        c.positiveInt("num_hidden_layers"), heads, kv, headDim, c.positiveInt("intermediate_size"),
        c.getDouble("rms_norm_eps", 1e-6), c.getDouble("rope_theta", 10000), ropeType, factor, low,
        high, origMax, c.getBoolean("tie_word_embeddings", false), qwen || attnBias, attnBias,
        c.getInt("max_position_embeddings", 0), sliding, c.getInt("bos_token_id", -1), ids(c, "eos_token_id"));
  }

  private static List<Integer> ids(HfConfig c, String key) {
    List<Integer> out = new ArrayList<>();
    JsonNode n = c.json().get(key);
    if (n != null && n.isArray()) {
      n.forEach(x -> out.add(x.asInt()));
    } else if (n != null && n.isIntegralNumber()) {
      out.add(n.asInt());
    }
    return out;
  }

  /** RoPE inverse frequencies as Hugging Face computes them in float32 (with scaling applied). */
  public float[] inverseFrequencies() {
    int half = headDim / 2;
    float[] inv = new float[half];
    for (int i = 0; i < half; i++) {
      float exponent = (float) (2 * i) / headDim;
      inv[i] = (float) (1.0 / (float) Math.pow(ropeTheta, exponent));
    }
    if (ropeType.equals("linear")) {
      for (int i = 0; i < half; i++) {
        inv[i] = (float) (inv[i] / ropeFactor);
      }
    } else if (ropeType.equals("llama3")) {
      double lowWavelen = originalMaxPositions / lowFreqFactor;
      double highWavelen = originalMaxPositions / highFreqFactor;
      for (int i = 0; i < half; i++) {
        double wavelen = 2 * Math.PI / inv[i];
        double f = inv[i];
        double scaled = wavelen > lowWavelen ? f / ropeFactor : f;
        if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
          double smooth = (originalMaxPositions / wavelen - lowFreqFactor)
              / (highFreqFactor - lowFreqFactor);
          scaled = (1 - smooth) * scaled / ropeFactor + smooth * scaled;
        }
        inv[i] = (float) scaled;
      }
    }
    return inv;
  }
}
