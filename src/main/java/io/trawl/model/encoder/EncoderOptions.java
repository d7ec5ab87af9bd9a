package io.trawl.model.encoder;

/**
 * Run-time options of an encoder.
 *
 * @param batchSize texts per ONNX call (texts are sorted by length first, so padding is small)
 * @param threads ONNX Runtime intra-op threads (0 = all available processors)
 * @param maxLength override of the model's maximum tokens (0 = the model's own)
 */
public record EncoderOptions(int batchSize, int threads, int maxLength) {
  public EncoderOptions {
    if (batchSize < 1) {
      throw io.trawl.core.TrawlException.invalid("batch size must be >= 1, got " + batchSize);
    }
    if (threads < 0) {
      throw io.trawl.core.TrawlException.invalid("threads must be >= 0, got " + threads);
    }
    if (maxLength < 0 || maxLength == 1) {
      throw io.trawl.core.TrawlException.invalid("max length must be >= 2, got " + maxLength);
    }
  }

  public static EncoderOptions defaults() {
    return new EncoderOptions(32, 0, 0);
  }
}
