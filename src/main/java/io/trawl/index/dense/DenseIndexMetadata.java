package io.trawl.index.dense;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a dense index was built with ({@code <index>/trawl-dense.json}): the encoder (name, family,
 * dimension, pooling, prefixes) and the vector search structure. Searching with an encoder of
 * another family or dimension is an error; another variant of the same family (fp32 vs int8) is
 * allowed with a warning.
 *
 * @param format {@code trawl-dense-2} ({@link ExactDotHnswFormat}: the same graph and scores on
 *     every CPU); {@code trawl-dense-1} indexes (Lucene's CPU-dependent scorer) are still read,
 *     with a warning
 * @param encoder encoder name, e.g. {@code bge-small-en-v1.5}
 * @param family encoder family, e.g. {@code bge-small-en-v1.5}
 * @param dimension vector dimension
 * @param similarity {@code dot_product} (vectors are L2-normalised, so this is cosine)
 * @param structure {@code hnsw} or {@code flat}
 * @param hnswM HNSW max connections per node
 * @param hnswEfConstruction HNSW beam width at construction
 * @param documents number of documents
 * @param source the corpus or vector file indexed
 */
public record DenseIndexMetadata(
    String format,
    String encoder,
    String family,
    int dimension,
    String similarity,
    String structure,
    int hnswM,
    int hnswEfConstruction,
    long documents,
    String source) {
  public static final String FILE = "trawl-dense.json";
  public static final String FORMAT = "trawl-dense-2";
  /** The format before {@link ExactDotHnswFormat}: readable, not reproducible across CPUs. */
  public static final String FORMAT_1 = "trawl-dense-1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path indexDir) {
    try {
      JSON.writeValue(indexDir.resolve(FILE).toFile(), this);
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(indexDir.resolve(FILE)), e);
    }
  }

  public static DenseIndexMetadata read(Path indexDir) {
    Path f = indexDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new InputException(indexDir.toString(), "not a dense index (no " + FILE
          + "); build one with 'trawl dense-index'");
    }
    try {
      DenseIndexMetadata m = JSON.readValue(f.toFile(), DenseIndexMetadata.class);
      if (!FORMAT.equals(m.format()) && !FORMAT_1.equals(m.format())) {
        throw new InputException(f.toString(), "unsupported format '" + m.format() + "', expected " + FORMAT);
      }
      return m;
    } catch (IOException e) {
      throw new InputException(f.toString(), "cannot read: " + e.getMessage());
    }
  }

  /** A warning for indexes whose HNSW graph depends on the CPU that built it, or null. */
  public String formatWarning() {
    return FORMAT_1.equals(format) ? "warning: this index (" + FORMAT_1 + ") was built with Lucene's"
        + " CPU-dependent vector scorer, so its HNSW candidates can differ across machines; rebuild"
        + " it with 'trawl dense-index' for the same results everywhere" : null;
  }

  /**
   * Checks that vectors from {@code encoderName}/{@code family}/{@code dim} can be searched here.
   *
   * @return a warning to print (same family, other variant), or null
   */
  public String checkEncoder(String encoderName, String encoderFamily, int dim) {
    if (dim != dimension) {
      throw TrawlException.invalid("dimension mismatch: index was built with " + encoder + " (dim "
          + dimension + ") but the query encoder " + encoderName + " has dim " + dim);
    }
    if (!family.equals(encoderFamily)) {
      throw TrawlException.invalid("encoder mismatch: index was built with " + encoder + " (" + family
          + ") but queries would be encoded with " + encoderName + " (" + encoderFamily
          + "); vectors of different models are not comparable");
    }
    if (!encoder.equals(encoderName)) {
      return "warning: index was built with " + encoder + ", queries are encoded with " + encoderName
          + " (same model family " + family + ")";
    }
    return null;
  }
}
