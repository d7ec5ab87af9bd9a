package io.trawl.index;

import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.Similarity;

/**
 * Impact scoring for learned sparse representations (uniCOIL, SPLADE; Lin and Ma, "A Few Brief
 * Notes on DeepImpact, COIL, and a Conceptual Framework for Information Retrieval Techniques",
 * 2021): a document's weight for a term is stored as the term's frequency (the quantised impact),
 * and a term query scores {@code boost x freq}, so a bag-of-words query whose boosts are the query
 * weights scores {@code sum_t w_q(t) x impact_d(t)}. No idf, no length normalisation: every
 * document's norm is 1 (written, as Anserini's {@code ImpactSimilarity} writes it, so an impact
 * index has the same files as Anserini's).
 */
public final class ImpactSimilarity extends Similarity {
  @Override
  public long computeNorm(FieldInvertState state) {
    return 1;
  }

  @Override
  public SimScorer scorer(float boost, CollectionStatistics collectionStats,
      TermStatistics... termStats) {
    return new SimScorer() {
      @Override
      public float score(float freq, long norm) {
        return freq * boost;
      }

      @Override
      public Explanation explain(Explanation freq, long norm) {
        return Explanation.match(score(freq.getValue().floatValue(), norm),
            "impact, computed as boost * freq from:", Explanation.match(boost, "boost"), freq);
      }
    };
  }

  @Override
  public String toString() {
    return "impact";
  }
}
