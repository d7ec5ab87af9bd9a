package io.trawl.search;

import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
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
 * RM3 pseudo-relevance feedback (Lavrenko and Croft, 2001; Abdul-Jaleel et al., 2004, "UMass at
 * TREC 2004"), as Anserini implements it. From the top {@code fbDocs} first-stage hits, each
 * document's term vector on {@code contents} (terms of 2..20 chars matching {@code [a-z0-9]+}
 * whose document frequency is at most 10% of the collection; weight = term frequency) is pruned to
 * its {@code fbTerms} heaviest terms. The relevance model is
 * {@code P(t|R) = sum_d (tf(t,d) / |d|_1) * score(d)}, pruned to {@code fbTerms} and L1-normalised;
 * the new query is {@code w * q + (1 - w) * P(.|R)} with {@code q} the L1-normalised query term
 * counts and {@code w = originalQueryWeight}, run as SHOULD term queries on {@code contents}
 * boosted by those weights. Feedback needs term vectors in the index.
 */
final class Rm3Feedback implements LexicalRetriever.Feedback {
  private static final Pattern TERM = Pattern.compile("[a-z0-9]+");

  private final int fbTerms;
  private final int fbDocs;
  private final float originalQueryWeight;
  private final String spec;

  Rm3Feedback(int fbTerms, int fbDocs, float originalQueryWeight, String spec) {
    if (fbTerms <= 0 || fbDocs <= 0) {
      throw TrawlException.invalid("rm3: fbTerms and fbDocs must be positive");
    }
    if (!(originalQueryWeight >= 0 && originalQueryWeight <= 1)) {
      throw TrawlException.invalid("rm3: originalQueryWeight must be in [0, 1], got " + originalQueryWeight);
    }
    this.fbTerms = fbTerms;
    this.fbDocs = fbDocs;
    this.originalQueryWeight = originalQueryWeight;
    this.spec = spec;
  }

  @Override
  public int depth() {
    return fbDocs;
  }

  @Override
  public String spec() {
    return spec;
  }

  @Override
  public Query expand(LuceneIndex index, String queryText, LexicalRetriever.Hits first) {
    TermVector qfv = TermVector.fromTerms(
        BagOfWords.analyze(index.analyzer(), IndexFields.CONTENTS, queryText)).scaleToUnitL1Norm();
    TermVector rm = relevanceModel(index, first);
    TermVector mixed = TermVector.interpolate(qfv, rm, originalQueryWeight);
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : mixed.terms()) {
      b.add(new BoostQuery(new TermQuery(new Term(IndexFields.CONTENTS, t)), mixed.get(t)),
          BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private TermVector relevanceModel(LuceneIndex index, LexicalRetriever.Hits first) {
    int n = Math.min(first.size(), fbDocs);
    IndexReader reader = index.reader();
    TermVector[] vectors = new TermVector[n];
    Set<String> vocab = new LinkedHashSet<>();
    try {
      TermVectors tvs = reader.termVectors();
      DocFreqs dfs = new DocFreqs(reader, IndexFields.CONTENTS);
      for (int i = 0; i < n; i++) {
        Terms terms = tvs.get(first.docs()[i], IndexFields.CONTENTS);
        if (terms == null) {
          throw TrawlException.invalid("index " + index.path() + " has no document vectors for field '"
              + IndexFields.CONTENTS + "': RM3 needs them (rebuild it with trawl index --store-docvectors)");
        }
        vectors[i] = TermVector.fromDocument(reader, terms, dfs, t -> TERM.matcher(t).matches()).pruneToSize(fbTerms);
        vocab.addAll(vectors[i].terms());
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read document vectors: " + e.getMessage(), e);
    }
    float[] norms = new float[n];
    for (int i = 0; i < n; i++) {
      norms[i] = (float) vectors[i].l1Norm();
    }
    TermVector f = new TermVector();
    for (String t : vocab) {
      float w = 0.0f;
      for (int i = 0; i < n; i++) {
        if (norms[i] > 0.001f) {
          w += (vectors[i].get(t) / norms[i]) * first.scores()[i];
        }
      }
      f.add(t, w);
    }
    f.pruneToSize(fbTerms);
    f.scaleToUnitL1Norm();
    return f;
  }
}
