package io.trawl.search;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.index.IndexFields;
import java.io.IOException;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;

/**
 * The oracles of lexical retrieval, for tests and benchmarks only: Anserini's exhaustive sort
 * (every matching document scored by Lucene, sorted by score then external docid) and Lucene's
 * own searcher in place of the eager scorer.
 */
public final class LexicalOracles {
  /** Score descending, then the external docid ascending (Anserini's tie-break). */
  private static final Sort SCORE_THEN_DOCID = new Sort(SortField.FIELD_SCORE,
      new SortField(IndexFields.ID, SortField.Type.STRING));

  private LexicalOracles() {}

  /** Anserini's way: Lucene's exhaustive field sort by (score, docid). Exact but slow. */
  static LexicalRetriever.Hits exhaustiveSort(LexicalRetriever r, org.apache.lucene.search.Query q, int k)
      throws IOException {
    TopFieldDocs td = r.searcher().search(q, k, SCORE_THEN_DOCID, true);
    ScoreDoc[] sd = td.scoreDocs;
    int n = sd.length;
    int[] docs = new int[n];
    float[] scores = new float[n];
    BytesRef[] ids = new BytesRef[n];
    for (int i = 0; i < n; i++) {
      docs[i] = sd[i].doc;
      scores[i] = sd[i].score;
      ids[i] = BytesRef.deepCopyOf((BytesRef) ((FieldDoc) sd[i]).fields[1]);
    }
    return new LexicalRetriever.Hits(docs, scores, ids, n);
  }

  /**
   * {@code r} (a lexical retriever) searching through Lucene's searcher alone, never the eager
   * scorer: the same run, by the other path.
   */
  public static Retriever luceneOnly(Retriever r) {
    LexicalRetriever lexical = (LexicalRetriever) r;
    return new Retriever() {
      @Override
      public RankedList retrieve(Query query, int k) {
        return lexical.retrieveWithLucene(query, k);
      }

      @Override
      public String spec() {
        return lexical.spec();
      }
    };
  }
}
