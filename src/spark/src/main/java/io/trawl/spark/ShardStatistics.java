package io.trawl.spark;

import io.trawl.search.SearchStatistics;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.util.BytesRef;

/**
 * Field and term statistics summed over the shards of a collection, for the terms of a set of
 * queries: {@code maxDoc}, {@code docCount}, {@code sumTotalTermFreq}, {@code sumDocFreq} per
 * field and {@code docFreq}, {@code totalTermFreq} per term. Sums of integers, so the result is the
 * single index's statistics exactly, whatever the order the shards are merged in.
 */
public final class ShardStatistics implements SearchStatistics, Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, long[]> fields = new HashMap<>();
  private final Map<String, long[]> terms = new HashMap<>();

  private static String key(String field, String text) {
    return field + '\u0000' + text;
  }

  /** One shard's statistics for {@code queryTerms} and their fields. */
  public static ShardStatistics of(IndexReader reader, Set<Term> queryTerms) throws IOException {
    ShardStatistics s = new ShardStatistics();
    for (Term t : queryTerms) {
      String f = t.field();
      if (!s.fields.containsKey(f)) {
        s.fields.put(f, new long[] {reader.maxDoc(), reader.getDocCount(f),
            reader.getSumTotalTermFreq(f), reader.getSumDocFreq(f)});
      }
      String k = key(f, t.text());
      if (!s.terms.containsKey(k)) {
        s.terms.put(k, new long[] {reader.docFreq(t), reader.totalTermFreq(t)});
      }
    }
    return s;
  }

  /** The element-wise sum of two shards' statistics (a new object). */
  public ShardStatistics plus(ShardStatistics o) {
    ShardStatistics s = new ShardStatistics();
    addAll(s.fields, fields);
    addAll(s.fields, o.fields);
    addAll(s.terms, terms);
    addAll(s.terms, o.terms);
    return s;
  }

  private static void addAll(Map<String, long[]> into, Map<String, long[]> from) {
    for (Map.Entry<String, long[]> e : from.entrySet()) {
      long[] v = into.computeIfAbsent(e.getKey(), k -> new long[e.getValue().length]);
      for (int i = 0; i < v.length; i++) {
        v[i] += e.getValue()[i];
      }
    }
  }

  public int termCount() {
    return terms.size();
  }

  /** Collection document frequency of a term (0 if absent or not gathered). */
  public long docFreq(String field, String text) {
    long[] v = terms.get(key(field, text));
    return v == null ? 0 : v[0];
  }

  @Override
  public CollectionStatistics collection(String field, CollectionStatistics local) {
    long[] v = fields.get(field);
    if (v == null) {
      if (local == null) {
        return null;
      }
      throw new IllegalStateException("no collection statistics gathered for field " + field);
    }
    if (v[1] == 0) {
      return null;
    }
    return new CollectionStatistics(field, v[0], v[1], v[2], v[3]);
  }

  @Override
  public TermStatistics term(Term term, TermStatistics local) {
    long[] v = terms.get(key(term.field(), term.text()));
    if (v == null || v[0] == 0) {
      // only reached for a term of this shard: its statistics must have been gathered
      throw new IllegalStateException("no collection statistics gathered for term " + term);
    }
    return new TermStatistics(BytesRef.deepCopyOf(term.bytes()), v[0], v[1]);
  }
}
