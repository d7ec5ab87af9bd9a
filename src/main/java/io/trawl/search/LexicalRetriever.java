package io.trawl.search;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.ScoreTies;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.BytesRef;

/**
 * Lexical retrieval over a Lucene index with Anserini's exact semantics: a bag-of-words query
 * ({@link BagOfWords}) scored by a Lucene {@link Similarity} (BM25, query likelihood), optionally
 * expanded by pseudo-relevance feedback ({@link Feedback}: RM3, Rocchio); hits ordered by score
 * descending then external docid ascending; scores rounded and tie-nudged by {@link ScoreTies};
 * with {@code removeQuery}, a hit whose docid equals the query id is dropped (after ranking, so
 * the others keep their scores).
 */
public final class LexicalRetriever implements Retriever {
  /** Score descending, then the external docid ascending (Anserini's tie-break). */
  static final Sort SCORE_THEN_DOCID = new Sort(SortField.FIELD_SCORE,
      new SortField(IndexFields.ID, SortField.Type.STRING));

  /** Pseudo-relevance feedback: turns the first-stage ranking into a new query. */
  interface Feedback {
    /** How many first-stage hits the feedback reads. */
    int depth();

    org.apache.lucene.search.Query expand(LuceneIndex index, String queryText, Hits firstStage);

    String spec();
  }

  /** A ranking: Lucene docs, float scores and external ids, best first. */
  record Hits(int[] docs, float[] scores, BytesRef[] ids, int size) {}

  private final LuceneIndex index;
  private final IndexSearcher searcher;
  private final Map<String, Float> fields;
  private final boolean removeQuery;
  private final Feedback feedback;
  private final String spec;

  LexicalRetriever(LuceneIndex index, Similarity similarity, String baseSpec, SearchOptions options,
      Feedback feedback) {
    this.index = index;
    this.searcher = new IndexSearcher(index.reader());
    this.searcher.setSimilarity(similarity);
    this.fields = options.fields();
    this.removeQuery = options.removeQuery();
    this.feedback = feedback;
    this.spec = feedback == null ? baseSpec : feedback.spec();
    IndexSearcher.setMaxClauseCount(Math.max(IndexSearcher.getMaxClauseCount(), 1 << 16));
  }

  @Override
  public String spec() {
    return spec;
  }

  LuceneIndex index() {
    return index;
  }

  @Override
  public RankedList retrieve(Query query, int k) {
    if (k <= 0) {
      throw TrawlException.invalid("hits must be positive, got " + k);
    }
    org.apache.lucene.search.Query q = BagOfWords.build(fields, index.analyzer(), query.text());
    if (feedback != null) {
      Hits first = search(q, feedback.depth());
      q = feedback.expand(index, query.text(), first);
    }
    Hits hits = search(q, k);
    ScoreTies.adjust(hits.scores(), hits.size());
    List<Candidate> out = new ArrayList<>(hits.size());
    for (int i = 0; i < hits.size(); i++) {
      String id = hits.ids()[i].utf8ToString();
      if (removeQuery && id.equals(query.id())) {
        continue;
      }
      out.add(new Candidate(id, hits.scores()[i]));
    }
    return new RankedList(query.id(), out);
  }

  /** Top {@code k} by score, ties by external docid ascending. */
  Hits search(org.apache.lucene.search.Query q, int k) {
    try {
      TopFieldDocs td = searcher.search(q, k, SCORE_THEN_DOCID, true);
      ScoreDoc[] sd = td.scoreDocs;
      int n = sd.length;
      int[] docs = new int[n];
      float[] scores = new float[n];
      BytesRef[] ids = new BytesRef[n];
      boolean haveIds = true;
      for (int i = 0; i < n; i++) {
        docs[i] = sd[i].doc;
        scores[i] = sd[i].score;
        Object key = ((FieldDoc) sd[i]).fields[1];
        if (key instanceof BytesRef b) {
          ids[i] = BytesRef.deepCopyOf(b);
        } else {
          haveIds = false;
        }
      }
      if (!haveIds) {
        ids = index.idBytes(docs, n);
      }
      return new Hits(docs, scores, ids, n);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "search failed: " + e.getMessage(), e);
    }
  }
}
