package io.trawl.model;

import java.util.Set;

/**
 * The hyper-parameters of a T5 encoder-decoder, read from {@code config.json} with Hugging Face's
 * names and defaults.
 *
 * @param feedForward {@code relu} (T5 v1.0, monoT5), {@code gated-gelu} (v1.1 / Flan-T5, gelu_new),
 *     {@code gated-relu} or {@code gated-silu}
 * @param tieWordEmbeddings {@code tie_word_embeddings} as written in config.json (default true)
 * @param scaleDecoderOutputs whether the decoder output is scaled by {@code d_model^-0.5} before the
 *     LM head (T5 v1.0, monoT5: yes; v1.1 / Flan-T5: no). transformers 4.x scales exactly when
 *     {@code tie_word_embeddings} is true; transformers 5.x always writes {@code tie_word_embeddings:
 *     true} for T5 and keeps the difference in {@code scale_decoder_outputs}, which wins when present
 * @param untieWithCheckpointHead true for a transformers 5.x config (it has {@code
 *     scale_decoder_outputs}): a checkpoint's own {@code lm_head.weight} is the head even though
 *     {@code tie_word_embeddings} is true, as 5.x's {@code from_pretrained} unties it (a Flan-T5
 *     re-saved by 5.x); with a 4.x config a tied head is always {@code shared}
 */
public record T5Config(
    int vocabSize,
    int dModel,
    int dKv,
    int dFf,
    int numLayers,
    int numDecoderLayers,
    int numHeads,
    int numBuckets,
    int maxDistance,
    double layerNormEps,
    String feedForward,
    boolean tieWordEmbeddings,
    boolean scaleDecoderOutputs,
    boolean untieWithCheckpointHead,
    int decoderStartTokenId,
    int eosTokenId,
    int padTokenId) {

  public static final Set<String> MODEL_TYPES = Set.of("t5", "mt5");
  public static final Set<String> ARCHITECTURES = Set.of(
      "T5ForConditionalGeneration", "MT5ForConditionalGeneration", "T5Model", "MT5Model", "T5WithLMHeadModel");
  static final Set<String> FEED_FORWARD = Set.of("relu", "gated-gelu", "gated-relu", "gated-silu");

  public int inner() {
    return numHeads * dKv;
  }

  public boolean gated() {
    return feedForward.startsWith("gated-");
  }

  /**
   * Whether the LM head is the checkpoint's own {@code lm_head.weight} rather than {@code shared},
   * given whether the checkpoint holds one: always when untied; when tied, only for a transformers
   * 5.x config whose checkpoint has one (see {@link #untieWithCheckpointHead}).
   */
  public boolean ownHead(boolean checkpointHasHead) {
    return !tieWordEmbeddings || (untieWithCheckpointHead && checkpointHasHead);
  }

  /** Reads and validates a T5 config; errors name config.json and the key. */
  public static T5Config from(HfConfig c, String user) {
    c.requireModelType(user, MODEL_TYPES);
    c.requireArchitecture(user, ARCHITECTURES);
    String ff = c.getString("feed_forward_proj", "relu");
    if (ff.equals("gated-gelu_new")) {
      ff = "gated-gelu";
    }
    if (!FEED_FORWARD.contains(ff)) {
      throw c.error("unsupported feed_forward_proj '" + ff + "'; supported: " + new java.util.TreeSet<>(FEED_FORWARD));
    }
    int layers = c.positiveInt("num_layers");
    double eps = c.getDouble("layer_norm_epsilon", 1e-6);
    if (!(eps > 0 && eps < 1)) {
      throw c.error("\"layer_norm_epsilon\" must be in (0, 1), got " + eps);
    }
    boolean tie = c.getBoolean("tie_word_embeddings", true);
    T5Config t = new T5Config(
        c.positiveInt("vocab_size"),
        c.positiveInt("d_model"),
        c.positiveInt("d_kv"),
        c.positiveInt("d_ff"),
        layers,
        c.has("num_decoder_layers") ? c.positiveInt("num_decoder_layers") : layers,
        c.positiveInt("num_heads"),
        c.has("relative_attention_num_buckets") ? c.positiveInt("relative_attention_num_buckets") : 32,
        c.has("relative_attention_max_distance") ? c.positiveInt("relative_attention_max_distance") : 128,
        eps,
        ff,
        tie,
        c.has("scale_decoder_outputs") ? c.getBoolean("scale_decoder_outputs", true) : tie,
        c.has("scale_decoder_outputs"),
        c.getInt("decoder_start_token_id", 0),
        c.getInt("eos_token_id", 1),
        c.getInt("pad_token_id", 0));
    if (t.numBuckets() < 4 || t.maxDistance() <= t.numBuckets() / 4) {
      throw c.error("relative_attention_num_buckets / max_distance out of range");
    }
    return t;
  }
}
