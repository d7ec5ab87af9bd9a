package io.trawl.index.dense;

import io.trawl.core.TrawlException;
import io.trawl.core.VectorFile;
import io.trawl.index.IndexFields;
import io.trawl.index.StagedFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Writes a Lucene dense index: per document the external id ({@link IndexFields#ID}, stored and as
 * sorted doc values) and its L2-normalised embedding as a {@link KnnFloatVectorField}
 * ({@link #VECTOR}) with {@link VectorSimilarityFunction#DOT_PRODUCT} (= cosine on unit vectors).
 * The index is built in a hidden folder and renamed into place when complete ({@link StagedFolder}):
 * the index folder is absent or whole, never half-built.
 *
 * <p>Structure: {@code hnsw} builds Lucene's HNSW graph with max connections {@code m} and
 * construction beam {@code efConstruction} (Malkov and Yashunin, 2018; Lucene defaults 16 / 100);
 * {@code flat} stores the vectors without a graph (the HNSW format with a graph threshold no segment
 * reaches), so every search is exact. Both use {@link ExactDotHnswFormat}: similarities computed
 * the same way on every CPU, so the graph, and what a search finds, are too.
 */
public final class DenseIndexer {
  /** The vector field. */
  public static final String VECTOR = "vector";

  private DenseIndexer() {}

  /** Index-time options. */
  public record Options(boolean flat, int m, int efConstruction) {
    public Options {
      if (m < 2 || m > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
        throw TrawlException.invalid("hnsw m must be in [2, " + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN
            + "], got " + m);
      }
      if (efConstruction < 1 || efConstruction > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
        throw TrawlException.invalid("hnsw ef-construction must be in [1, "
            + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH + "], got " + efConstruction);
      }
    }

    public static Options defaults() {
      return new Options(false, Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN,
          Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
    }
  }

  /**
   * Builds {@code indexDir} (which must not hold an index already) from cached vectors.
   *
   * @param encoder the canonical name of the encoder the queries will use; the vectors must have
   *     been made by it
   * @param family the trained model the encoder is a variant of (recorded in the metadata)
   */
  public static DenseIndexMetadata build(VectorFile vectors, String encoder, String family,
      Options options, Path indexDir, String source) {
    return build(vectors, encoder, family, options, indexDir, source, false);
  }

  /**
   * {@link #build}; with {@code replace} an existing index folder is replaced (atomically, when
   * the new one is complete) instead of refused.
   */
  public static DenseIndexMetadata build(VectorFile vectors, String encoder, String family,
      Options options, Path indexDir, String source, boolean replace) {
    if (!vectors.encoder().equals(encoder)) {
      throw TrawlException.invalid("vector file was made with " + vectors.encoder()
          + ", not " + encoder);
    }
    try {
      if (Files.isDirectory(indexDir) && !replace) {
        try (var s = Files.list(indexDir)) {
          if (s.findAny().isPresent()) {
            throw TrawlException.invalid(indexDir + ": folder exists and is not empty; choose a new index folder");
          }
        }
      } else if (Files.exists(indexDir) && !Files.isDirectory(indexDir)) {
        throw TrawlException.invalid(indexDir + " exists and is not a folder");
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, indexDir + ": cannot read: " + e.getMessage(), e);
    }
    KnnVectorsFormat format = new ExactDotHnswFormat(options.m(), options.efConstruction(), options.flat());
    IndexWriterConfig iwc = new IndexWriterConfig();
    iwc.setCodec(new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    });
    // segments, and so the HNSW graph forceMerge builds from them, must not depend on timing or
    // on the JVM's memory accounting: flush by document count (about 256 MB of vectors), merge in
    // the indexing thread
    iwc.setMaxBufferedDocs(Math.max(10_000, (256 << 20) / (4 * Math.max(1, vectors.dimension()))));
    iwc.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    iwc.setMergeScheduler(new org.apache.lucene.index.SerialMergeScheduler());
    iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    // built in a hidden sibling and renamed into place when complete, as the lexical index is
    AtomicReference<IndexWriter> open = new AtomicReference<>();
    try (StagedFolder staged = StagedFolder.create(indexDir, () -> rollback(open.getAndSet(null)))) {
      try {
        try (FSDirectory dir = FSDirectory.open(staged.path()); IndexWriter w = new IndexWriter(dir, iwc)) {
          open.set(w);
          Document doc = new Document();
          StringField id = new StringField(IndexFields.ID, "", Field.Store.YES);
          SortedDocValuesField idDv = new SortedDocValuesField(IndexFields.ID, new BytesRef());
          for (int i = 0; i < vectors.ids().size(); i++) {
            doc.clear();
            String docId = vectors.ids().get(i);
            id.setStringValue(docId);
            idDv.setBytesValue(new BytesRef(docId));
            doc.add(id);
            doc.add(idDv);
            doc.add(new KnnFloatVectorField(VECTOR, vectors.vectors()[i], VectorSimilarityFunction.DOT_PRODUCT));
            w.addDocument(doc);
          }
          w.forceMerge(1);
          w.commit();
          open.set(null);
        }
        DenseIndexMetadata meta = new DenseIndexMetadata(DenseIndexMetadata.FORMAT, encoder,
            family, vectors.dimension(), "dot_product", options.flat() ? "flat" : "hnsw",
            options.m(), options.efConstruction(), vectors.ids().size(), source);
        meta.write(staged.path());
        staged.commit();
        return meta;
      } catch (IOException | RuntimeException | Error e) {
        staged.whenShutDown(e);
        throw e;
      }
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(indexDir), e);
    }
  }

  private static void rollback(IndexWriter w) {
    if (w != null) {
      try {
        w.rollback();
      } catch (IOException | RuntimeException e) {
        // best effort: the folder is removed anyway
      }
    }
  }
}
