package io.trawl.index.dense;

import io.trawl.core.Vectors;
import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.apache.lucene.util.hnsw.UpdateableRandomVectorScorer;

/**
 * Lucene's HNSW vector format (the files of {@link Lucene99HnswVectorsFormat}) with one change:
 * every similarity, at graph construction and at search, is {@link Vectors#dot}, whose result
 * does not depend on the CPU. Lucene's own scorer sums in the machine's vector width, so the
 * same vectors gave a different graph, different candidates and different last digits on AVX2
 * and AVX-512 machines. Registered under {@link #NAME} (META-INF/services), which the index
 * records per field, so readers find this scorer again.
 *
 * <p>Dot-product similarity only (Trawl's dense indexes hold unit vectors); the score Lucene
 * ranks by is {@code max((1 + dot) / 2, 0)}, as for {@link VectorSimilarityFunction#DOT_PRODUCT}.
 */
public final class ExactDotHnswFormat extends KnnVectorsFormat {
  public static final String NAME = "TrawlExactDotHnsw";

  private static final FlatVectorsFormat FLAT = new Lucene99FlatVectorsFormat(new ExactDotScorer());

  private final int m;
  private final int beamWidth;
  private final int graphThreshold;

  /** For reading (Lucene's SPI); the graph parameters only matter when writing. */
  public ExactDotHnswFormat() {
    this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, false);
  }

  /** {@code flat}: store vectors without a graph (every search is exhaustive). */
  public ExactDotHnswFormat(int m, int beamWidth, boolean flat) {
    super(NAME);
    this.m = m;
    this.beamWidth = beamWidth;
    this.graphThreshold = flat ? Integer.MAX_VALUE : Lucene99HnswVectorsFormat.HNSW_GRAPH_THRESHOLD;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new Lucene99HnswVectorsWriter(state, m, beamWidth, FLAT, FLAT.fieldsWriter(state), 1, null,
        graphThreshold);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new Lucene99HnswVectorsReader(state, FLAT.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return DEFAULT_MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME + "(m=" + m + ", beamWidth=" + beamWidth + ")";
  }

  /** Lucene's unit-interval dot-product score on {@link Vectors#dot}. */
  static float score(float[] a, float[] b) {
    return Math.max((1 + Vectors.dot(a, b)) / 2, 0);
  }

  /** The scorer: {@link Vectors#dot} for dot products, Lucene's default for anything else. */
  static final class ExactDotScorer implements FlatVectorsScorer {
    @Override
    public RandomVectorScorerSupplier getRandomVectorScorerSupplier(VectorSimilarityFunction sim,
        KnnVectorValues values) throws IOException {
      if (sim != VectorSimilarityFunction.DOT_PRODUCT || !(values instanceof FloatVectorValues f)) {
        return DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(sim, values);
      }
      return new Supplier(f);
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction sim,
        KnnVectorValues values, float[] target) throws IOException {
      if (sim != VectorSimilarityFunction.DOT_PRODUCT || !(values instanceof FloatVectorValues f)) {
        return DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(sim, values, target);
      }
      return new RandomVectorScorer.AbstractRandomVectorScorer(f) {
        @Override
        public float score(int node) throws IOException {
          return ExactDotHnswFormat.score(target, f.vectorValue(node));
        }
      };
    }

    @Override
    public RandomVectorScorer getRandomVectorScorer(VectorSimilarityFunction sim,
        KnnVectorValues values, byte[] target) throws IOException {
      return DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(sim, values, target);
    }

    @Override
    public String toString() {
      return "ExactDotScorer";
    }
  }

  /** Scores stored vectors against one another (graph construction and merging). */
  private static final class Supplier implements RandomVectorScorerSupplier {
    private final FloatVectorValues values;
    private final FloatVectorValues targets;

    Supplier(FloatVectorValues values) throws IOException {
      this.values = values;
      this.targets = values.copy();
    }

    @Override
    public UpdateableRandomVectorScorer scorer() throws IOException {
      FloatVectorValues docs = values.copy();
      FloatVectorValues queries = targets.copy();
      return new UpdateableRandomVectorScorer.AbstractUpdateableRandomVectorScorer(docs) {
        private float[] query;

        @Override
        public void setScoringOrdinal(int node) throws IOException {
          query = queries.vectorValue(node);
        }

        @Override
        public float score(int node) throws IOException {
          return ExactDotHnswFormat.score(query, docs.vectorValue(node));
        }
      };
    }

    @Override
    public RandomVectorScorerSupplier copy() throws IOException {
      return new Supplier(values.copy());
    }
  }
}
