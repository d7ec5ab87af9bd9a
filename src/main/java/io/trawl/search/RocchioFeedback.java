package io.trawl.search;

import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermVectors;
import org.apache.lucene.index.Terms;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Rocchio pseudo-relevance feedback (Rocchio, 1971), as Anserini implements it:
 * {@code q' = alpha * q + beta * mean(top docs) - gamma * mean(bottom docs)}, where {@code q} is
 * the L2-normalised query term counts and each mean is over L2-normalised document term vectors
 * on {@code contents} (terms of 2..20 chars with document frequency at most 10% of the
 * collection), pruned to the top {@code topFbTerms} (resp. {@code bottomFbTerms}) terms and
 * L2-normalised. Only terms with a positive weight are kept; the non-relevant part is used only
 * with {@code useNegative=true}. Anserini defaults: 10 terms, 10 docs, alpha 1, beta 0.75,
 * gamma 0.
 */
final class RocchioFeedback implements LexicalRetriever.Feedback {
  private final int topFbTerms;
  private final int topFbDocs;
  private final int bottomFbTerms;
  private final int bottomFbDocs;
  private final float alpha;
  private final float beta;
  private final float gamma;
  private final boolean useNegative;
  private final String spec;

  RocchioFeedback(int topFbTerms, int topFbDocs, int bottomFbTerms, int bottomFbDocs, float alpha,
      float beta, float gamma, boolean useNegative, String spec) {
    if (topFbTerms <= 0 || topFbDocs <= 0 || bottomFbTerms <= 0 || bottomFbDocs < 0) {
      throw TrawlException.invalid("rocchio: term and document counts must be positive");
    }
    this.topFbTerms = topFbTerms;
    this.topFbDocs = topFbDocs;
    this.bottomFbTerms = bottomFbTerms;
    this.bottomFbDocs = bottomFbDocs;
    this.alpha = alpha;
    this.beta = beta;
    this.gamma = useNegative ? gamma : 0f;
    this.useNegative = useNegative;
    this.spec = spec;
  }

  @Override
  public int depth() {
    // bottom documents come from the tail of the first-stage list (Anserini reranks its top 50)
    return useNegative ? Math.max(topFbDocs, 50) : topFbDocs;
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Query expand(LuceneIndex index, String queryText, LexicalRetriever.Hits first) {
    TermVector q = TermVector.fromTerms(
        BagOfWords.analyze(index.analyzer(), IndexFields.CONTENTS, queryText)).scaleToUnitL2Norm();
    TermVector rel = mean(index, first, topFbTerms, topFbDocs, true);
    TermVector nonRel = useNegative ? mean(index, first, bottomFbTerms, bottomFbDocs, false)
        : new TermVector();
    Set<String> vocab = new LinkedHashSet<>(q.terms());
    vocab.addAll(rel.terms());
    vocab.addAll(nonRel.terms());
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : vocab) {
      float w = alpha * q.get(t) + beta * rel.get(t) - gamma * nonRel.get(t);
      if (w > 0) {
        b.add(new BoostQuery(new TermQuery(new Term(IndexFields.CONTENTS, t)), w),
            BooleanClause.Occur.SHOULD);
      }
    }
    return b.build();
  }

  private TermVector mean(LuceneIndex index, LexicalRetriever.Hits hits, int fbTerms, int fbDocs,
      boolean top) {
    int n = Math.min(hits.size(), fbDocs);
    IndexReader reader = index.reader();
    List<TermVector> vectors = new ArrayList<>(n);
    Set<String> vocab = new LinkedHashSet<>();
    try {
      TermVectors tvs = reader.termVectors();
      DocFreqs dfs = new DocFreqs(reader, IndexFields.CONTENTS);
      for (int i = 0; i < n; i++) {
        int doc = top ? hits.docs()[i] : hits.docs()[hits.size() - i - 1];
        Terms terms = tvs.get(doc, IndexFields.CONTENTS);
        if (terms == null) {
          throw TrawlException.invalid("index " + index.path() + " has no document vectors for field '"
              + IndexFields.CONTENTS + "': Rocchio needs them (rebuild it with trawl index --store-docvectors)");
        }
        TermVector v = TermVector.fromDocument(reader, terms, dfs, t -> true);
        vocab.addAll(v.terms());
        vectors.add(v);
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read document vectors: " + e.getMessage(), e);
    }
    float[] norms = new float[n];
    for (int i = 0; i < n; i++) {
      norms[i] = (float) vectors.get(i).l2Norm();
    }
    TermVector f = new TermVector();
    for (String t : vocab) {
      float w = 0.0f;
      for (int i = 0; i < n; i++) {
        if (norms[i] > 0.001f) {
          w += vectors.get(i).get(t) / norms[i];
        }
      }
      f.add(t, w / n);
    }
    f.pruneToSize(fbTerms);
    f.scaleToUnitL2Norm();
    return f;
  }
}
