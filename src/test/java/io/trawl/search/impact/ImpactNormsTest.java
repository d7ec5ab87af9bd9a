package io.trawl.search.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.index.IndexFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eager scorer reads norms from its own in-memory copy: on an index where a third of the
 * documents have no {@code contents} (no norm), every query's hits and float scores must still be
 * Lucene's own, at a block size small enough for many blocks.
 */
class ImpactNormsTest {
  private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"};

  @Test
  void scoresEqualLucenesWhereSomeDocumentsHaveNoNorm(@TempDir Path dir) throws IOException {
    BM25Similarity bm25 = new BM25Similarity(0.9f, 0.4f);
    int n = 3000;
    try (Directory d = FSDirectory.open(dir);
        IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()).setSimilarity(bm25))) {
      SplittableRandom rnd = new SplittableRandom(5);
      for (int i = 0; i < n; i++) {
        Document doc = new Document();
        String id = String.format(java.util.Locale.ROOT, "doc%05d", i);
        doc.add(new StringField(IndexFields.ID, id, Field.Store.YES));
        doc.add(new SortedDocValuesField(IndexFields.ID, new BytesRef(id)));
        if (i % 3 != 0) {
          StringBuilder text = new StringBuilder();
          int len = 1 + rnd.nextInt(60); // lengths spread over many norm values
          for (int t = 0; t < len; t++) {
            // skewed: early words frequent, later ones rare
            text.append(WORDS[Math.min(WORDS.length - 1, (int) (-Math.log(1 - rnd.nextDouble()) * 1.5))]).append(' ');
          }
          doc.add(new TextField(IndexFields.CONTENTS, text.toString(), Field.Store.NO));
        }
        w.addDocument(doc);
      }
      w.forceMerge(1);
    }
    try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
      NumericDocValues norms = r.leaves().get(0).reader().getNormValues(IndexFields.CONTENTS);
      int withNorm = 0;
      while (norms.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
        withNorm++;
      }
      assertTrue(withNorm < n, "some documents have no norm");
      IndexSearcher s = new IndexSearcher(r);
      s.setSimilarity(bm25);
      ImpactScorer eager = ImpactScorer.open(s, 6);
      assertNotNull(eager, "a one-segment index with ids qualifies");
      int compared = 0;
      for (int a = 0; a < WORDS.length; a++) {
        for (int b = a; b < WORDS.length; b++) {
          BooleanQuery.Builder qb = new BooleanQuery.Builder();
          qb.add(new TermQuery(new Term(IndexFields.CONTENTS, WORDS[a])), BooleanClause.Occur.SHOULD);
          if (b != a) {
            qb.add(new TermQuery(new Term(IndexFields.CONTENTS, WORDS[b])), BooleanClause.Occur.SHOULD);
          }
          BooleanQuery q = qb.build();
          TopDocs lucene = s.search(q, 100);
          ImpactScorer.Top top = eager.search(ImpactScorer.plan(q), 100);
          assertEquals(lucene.scoreDocs.length, top.size(), q.toString());
          for (int i = 0; i < top.size(); i++) {
            // ids follow document order here, so Lucene's tie order (doc id) is the eager one (id)
            assertEquals(lucene.scoreDocs[i].doc, top.docs()[i], q + " rank " + i);
            assertEquals(lucene.scoreDocs[i].score, top.scores()[i], 0f, q + " rank " + i);
            compared++;
          }
        }
      }
      assertTrue(compared > 1000, "compared " + compared + " hits");
    }
  }
}
