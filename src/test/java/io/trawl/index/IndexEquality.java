package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.Fields;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.TermVectors;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;

/**
 * Asserts that two single-segment indexes hold the same content: field infos, per-field statistics,
 * every term with its postings (documents, frequencies, positions), norms document by document,
 * stored fields, term vectors and sorted doc values. Returns counts so a caller can check that
 * something was actually compared.
 */
public final class IndexEquality {
  private IndexEquality() {}

  /** What was compared (to guard against comparing two empty things). */
  public record Compared(long terms, long postings, long norms, long storedValues, long vectors) {}

  public static Compared assertSame(LeafReader a, LeafReader b) throws IOException {
    long terms = 0;
    long postings = 0;
    long norms = 0;
    long stored = 0;
    long vectors = 0;
    assertEquals(a.maxDoc(), b.maxDoc(), "maxDoc");
    assertEquals(a.numDocs(), b.numDocs(), "numDocs");
    assertEquals(a.getFieldInfos().size(), b.getFieldInfos().size(), "number of fields");
    for (FieldInfo fa : a.getFieldInfos()) {
      FieldInfo fb = b.getFieldInfos().fieldInfo(fa.name);
      assertNotNull(fb, "field " + fa.name);
      assertEquals(fa.getIndexOptions(), fb.getIndexOptions(), fa.name);
      assertEquals(fa.hasNorms(), fb.hasNorms(), fa.name);
      assertEquals(fa.hasTermVectors(), fb.hasTermVectors(), fa.name);
      assertEquals(fa.getDocValuesType(), fb.getDocValuesType(), fa.name);
      if (fa.getIndexOptions() != IndexOptions.NONE) {
        long[] n = assertSameTerms(fa.name, a.terms(fa.name), b.terms(fa.name),
            fa.getIndexOptions().compareTo(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) >= 0);
        terms += n[0];
        postings += n[1];
      }
      if (fa.hasNorms()) {
        NumericDocValues na = a.getNormValues(fa.name);
        NumericDocValues nb = b.getNormValues(fa.name);
        for (int doc = na.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = na.nextDoc()) {
          assertEquals(doc, nb.nextDoc(), fa.name + " norms: documents");
          assertEquals(na.longValue(), nb.longValue(), fa.name + " norm of doc " + doc);
          norms++;
        }
        assertEquals(DocIdSetIterator.NO_MORE_DOCS, nb.nextDoc(), fa.name + " norms: extra documents");
      }
      if (fa.getDocValuesType() == DocValuesType.SORTED) {
        SortedDocValues da = a.getSortedDocValues(fa.name);
        SortedDocValues db = b.getSortedDocValues(fa.name);
        for (int doc = da.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = da.nextDoc()) {
          assertEquals(doc, db.nextDoc(), fa.name + " doc values: documents");
          assertEquals(da.lookupOrd(da.ordValue()), db.lookupOrd(db.ordValue()), fa.name + " doc " + doc);
        }
        assertEquals(DocIdSetIterator.NO_MORE_DOCS, db.nextDoc());
      }
    }
    StoredFields sa = a.storedFields();
    StoredFields sb = b.storedFields();
    TermVectors va = a.termVectors();
    TermVectors vb = b.termVectors();
    for (int doc = 0; doc < a.maxDoc(); doc++) {
      List<IndexableField> da = sa.document(doc).getFields();
      List<IndexableField> db = sb.document(doc).getFields();
      assertEquals(da.size(), db.size(), "stored fields of doc " + doc);
      for (int i = 0; i < da.size(); i++) {
        assertEquals(da.get(i).name(), db.get(i).name());
        assertEquals(da.get(i).stringValue(), db.get(i).stringValue(), "stored " + da.get(i).name() + " of doc " + doc);
        stored++;
      }
      Fields fa = va.get(doc);
      Fields fb = vb.get(doc);
      if (fa == null) {
        assertNull(fb, "term vectors of doc " + doc);
        continue;
      }
      assertNotNull(fb, "term vectors of doc " + doc);
      List<String> na = new ArrayList<>();
      fa.forEach(na::add);
      List<String> nb = new ArrayList<>();
      fb.forEach(nb::add);
      assertEquals(na, nb, "term vector fields of doc " + doc);
      for (String f : na) {
        assertSameTerms(f + " vector of doc " + doc, fa.terms(f), fb.terms(f), fa.terms(f).hasPositions());
        vectors++;
      }
    }
    return new Compared(terms, postings, norms, stored, vectors);
  }

  private static long[] assertSameTerms(String field, Terms ta, Terms tb, boolean positions)
      throws IOException {
    assertNotNull(ta, field);
    assertNotNull(tb, field);
    assertEquals(ta.size(), tb.size(), field + " unique terms");
    assertEquals(ta.getSumTotalTermFreq(), tb.getSumTotalTermFreq(), field + " total terms");
    assertEquals(ta.getSumDocFreq(), tb.getSumDocFreq(), field + " postings");
    assertEquals(ta.getDocCount(), tb.getDocCount(), field + " documents");
    assertEquals(ta.hasFreqs(), tb.hasFreqs(), field);
    assertEquals(ta.hasPositions(), tb.hasPositions(), field);
    TermsEnum ea = ta.iterator();
    TermsEnum eb = tb.iterator();
    PostingsEnum pa = null;
    PostingsEnum pb = null;
    int flags = positions ? PostingsEnum.POSITIONS : PostingsEnum.FREQS;
    long terms = 0;
    long postings = 0;
    BytesRef term;
    while ((term = ea.next()) != null) {
      BytesRef other = eb.next();
      assertNotNull(other, field + ": missing " + term.utf8ToString());
      assertEquals(term, other, field + " term");
      assertEquals(ea.docFreq(), eb.docFreq(), field + " df of " + term.utf8ToString());
      assertEquals(ea.totalTermFreq(), eb.totalTermFreq(), field + " cf of " + term.utf8ToString());
      pa = ea.postings(pa, flags);
      pb = eb.postings(pb, flags);
      for (int doc = pa.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pa.nextDoc()) {
        assertEquals(doc, pb.nextDoc(), field + " postings of " + term.utf8ToString());
        assertEquals(pa.freq(), pb.freq(), field + " tf of " + term.utf8ToString() + " in " + doc);
        if (positions) {
          int[] xa = new int[pa.freq()];
          int[] xb = new int[pa.freq()];
          for (int i = 0; i < xa.length; i++) {
            xa[i] = pa.nextPosition();
            xb[i] = pb.nextPosition();
          }
          assertArrayEquals(xa, xb, field + " positions of " + term.utf8ToString() + " in " + doc);
        }
        postings++;
      }
      assertEquals(DocIdSetIterator.NO_MORE_DOCS, pb.nextDoc(), field + " extra postings");
      terms++;
    }
    assertNull(eb.next(), field + ": extra terms");
    assertTrue(terms == ta.size() || ta.size() == -1);
    return new long[] {terms, postings};
  }
}
