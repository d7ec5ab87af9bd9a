package io.trawl.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.BytesRef;

/**
 * Document frequencies of one field for one feedback computation: the same numbers as
 * {@link IndexReader#docFreq}, but one {@link TermsEnum} per segment is reused (term-vector terms
 * arrive in sorted order, which the block tree seeks cheaply) and answers are cached. Not
 * thread-safe: make one per query.
 */
final class DocFreqs {
  private final List<TermsEnum> enums = new ArrayList<>();
  private final Map<String, Integer> cache = new HashMap<>();

  DocFreqs(IndexReader reader, String field) throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms(field);
      if (terms != null) {
        enums.add(terms.iterator());
      }
    }
  }

  int docFreq(String term, BytesRef bytes) throws IOException {
    Integer cached = cache.get(term);
    if (cached != null) {
      return cached;
    }
    int df = 0;
    for (TermsEnum te : enums) {
      if (te.seekExact(bytes)) {
        df += te.docFreq();
      }
    }
    cache.put(term, df);
    return df;
  }
}
