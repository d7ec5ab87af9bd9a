package io.trawl.model.encoder;

import io.trawl.core.TrawlException;
import java.util.Locale;

/**
 * Run-time options of an encoder.
 *
 * @param batchSize texts per call (texts are sorted by length first, so padding is small)
 * @param threads worker threads (0 = all available processors); on the exact engine each text is
 *     computed by one thread, so this changes speed only, never a result
 * @param maxLength override of the model's maximum tokens (0 = the model's own)
 * @param engine {@code auto} (the exact engine for fp32 weights, ONNX Runtime for int8 graphs),
 *     {@code exact}, or {@code onnxruntime} (fp32 ONNX graphs on ONNX Runtime: not reproducible
 *     across CPUs; for speed comparisons)
 */
public record EncoderOptions(int batchSize, int threads, int maxLength, String engine) {
  public static final String AUTO = "auto";

  public EncoderOptions {
    if (batchSize < 1) {
      throw TrawlException.invalid("batch size must be >= 1, got " + batchSize);
    }
    if (threads < 0) {
      throw TrawlException.invalid("threads must be >= 0, got " + threads);
    }
    if (maxLength < 0 || maxLength == 1) {
      throw TrawlException.invalid("max length must be >= 2, got " + maxLength);
    }
    engine = engine == null ? AUTO : engine.toLowerCase(Locale.ROOT);
    if (!(engine.equals(AUTO) || engine.equals(JavaBackend.ENGINE) || engine.equals(OrtBackend.ENGINE))) {
      throw TrawlException.invalid("unknown encoder engine '" + engine + "'; valid: auto, exact, onnxruntime");
    }
  }

  public EncoderOptions(int batchSize, int threads, int maxLength) {
    this(batchSize, threads, maxLength, AUTO);
  }

  public static EncoderOptions defaults() {
    return new EncoderOptions(32, 0, 0);
  }
}
