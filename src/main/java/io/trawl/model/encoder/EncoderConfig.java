package io.trawl.model.encoder;

/**
 * What turns a bi-encoder's token states into a retrieval embedding.
 *
 * @param name canonical name recorded in index metadata ({@code bge-small-en-v1.5}, or
 *     {@code path:/abs/folder} for a local folder)
 * @param family the trained model this is a variant of (fp32 and int8 share a family): vectors of
 *     one family are comparable, vectors of different families are not
 * @param pooling CLS or mean pooling
 * @param normalize L2-normalise the pooled vector (cosine == dot product)
 * @param queryPrefix prepended to queries (BGE's instruction, E5's {@code "query: "})
 * @param docPrefix prepended to documents (E5's {@code "passage: "})
 * @param maxLength maximum tokens including special tokens; longer inputs are truncated (counted)
 */
public record EncoderConfig(
    String name,
    String family,
    Pooling pooling,
    boolean normalize,
    String queryPrefix,
    String docPrefix,
    int maxLength) {

  public EncoderConfig {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
    }
  }
}
