package io.trawl.search;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Anserini's bag-of-words query: the query text is analyzed (never parsed: {@code AND}, quotes,
 * {@code :}, {@code *} are just text), and every distinct term becomes a SHOULD {@link TermQuery}
 * boosted by its count in the query. Several fields: one such query per field, each boosted by
 * the field's weight, summed. A query with no terms left (all stopwords) matches nothing.
 *
 * <p>Term and field order follow {@link HashMap} iteration, as Anserini's builder does, so the
 * Lucene query (and its floating-point summation) is the same.
 */
public final class BagOfWords {
  private BagOfWords() {}

  /** The analyzed tokens of {@code text}, in order. */
  public static List<String> analyze(Analyzer analyzer, String field, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot analyze query: " + e.getMessage(), e);
    }
    return out;
  }

  /** The query over one field. */
  public static Query build(String field, Analyzer analyzer, String text) {
    Map<String, Long> counts = new HashMap<>();
    for (String t : analyze(analyzer, field, text)) {
      counts.merge(t, 1L, Long::sum);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : counts.keySet()) {
      b.add(new BoostQuery(new TermQuery(new Term(field, t)), (float) counts.get(t)),
          BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  /** The query over several fields ({@code field -> weight}, iterated as a {@link HashMap}). */
  public static Query build(Map<String, Float> fields, Analyzer analyzer, String text) {
    if (fields.size() == 1) {
      Map.Entry<String, Float> e = fields.entrySet().iterator().next();
      Query q = build(e.getKey(), analyzer, text);
      return e.getValue() == 1.0f ? q : new BoostQuery(q, e.getValue());
    }
    HashMap<String, Float> ordered = new HashMap<>(fields);
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Map.Entry<String, Float> e : ordered.entrySet()) {
      b.add(new BoostQuery(build(e.getKey(), analyzer, text), e.getValue()), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }
}
