package io.trawl.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sparse term -> float weight vector with the exact arithmetic of Anserini's feature vectors
 * (used by RM3 and Rocchio): weights are floats, norms are summed in double and divided in double
 * then narrowed to float, and pruning keeps the {@code k} largest weights with ties broken by term
 * (ascending {@link String#compareTo}). Iteration order is insertion order.
 */
final class TermVector {
  private Map<String, Float> weights = new LinkedHashMap<>();

  void add(String term, float w) {
    Float old = weights.get(term);
    weights.put(term, old == null ? w : old + w);
  }

  float get(String term) {
    Float w = weights.get(term);
    return w == null ? 0f : w;
  }

  Set<String> terms() {
    return weights.keySet();
  }

  int size() {
    return weights.size();
  }

  /**
   * A feedback document's vector (Anserini's feedback term filter): its terms of 2-20 characters
   * that {@code accept} admits and that occur in at most 10% of the documents, each with its
   * frequency in the document.
   */
  static TermVector fromDocument(org.apache.lucene.index.IndexReader reader,
      org.apache.lucene.index.Terms terms, DocFreqs dfs, java.util.function.Predicate<String> accept)
      throws java.io.IOException {
    TermVector f = new TermVector();
    int numDocs = reader.numDocs();
    org.apache.lucene.index.TermsEnum te = terms.iterator();
    org.apache.lucene.util.BytesRef text;
    while ((text = te.next()) != null) {
      String term = text.utf8ToString();
      if (term.length() < 2 || term.length() > 20 || !accept.test(term)) {
        continue;
      }
      int df = dfs.docFreq(term, text);
      float ratio = (float) df / numDocs;
      if (ratio > 0.1f) {
        continue;
      }
      f.add(term, (float) (int) te.totalTermFreq());
    }
    return f;
  }

  static TermVector fromTerms(List<String> terms) {
    TermVector v = new TermVector();
    for (String t : terms) {
      v.add(t, 1.0f);
    }
    return v;
  }

  /** Terms by weight descending, ties by term ascending. */
  List<Map.Entry<String, Float>> ordered() {
    List<Map.Entry<String, Float>> list = new ArrayList<>(weights.entrySet());
    list.sort((x, y) -> {
      float a = x.getValue();
      float b = y.getValue();
      if (a == b) {
        return x.getKey().compareTo(y.getKey());
      }
      return a > b ? -1 : 1;
    });
    return list;
  }

  TermVector pruneToSize(int k) {
    Map<String, Float> pruned = new LinkedHashMap<>();
    for (Map.Entry<String, Float> e : ordered()) {
      pruned.put(e.getKey(), e.getValue());
      if (pruned.size() >= k) {
        break;
      }
    }
    weights = pruned;
    return this;
  }

  double l1Norm() {
    double n = 0;
    for (float w : weights.values()) {
      n += Math.abs(w);
    }
    return n;
  }

  double l2Norm() {
    double n = 0;
    for (float w : weights.values()) {
      n += Math.pow(w, 2.0);
    }
    return Math.sqrt(n);
  }

  TermVector scaleToUnitL1Norm() {
    double norm = l1Norm();
    weights.replaceAll((t, w) -> (float) (w / norm));
    return this;
  }

  TermVector scaleToUnitL2Norm() {
    double norm = l2Norm();
    weights.replaceAll((t, w) -> (float) (w / norm));
    return this;
  }

  /** {@code xWeight * x + (1 - xWeight) * y}, computed in double and narrowed to float per term. */
  static TermVector interpolate(TermVector x, TermVector y, float xWeight) {
    TermVector z = new TermVector();
    java.util.LinkedHashSet<String> vocab = new java.util.LinkedHashSet<>(x.terms());
    vocab.addAll(y.terms());
    for (String t : vocab) {
      z.add(t, (float) (xWeight * x.get(t) + (1.0 - xWeight) * y.get(t)));
    }
    return z;
  }
}
