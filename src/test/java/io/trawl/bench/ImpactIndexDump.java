package io.trawl.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * What an impact index holds, independent of how it was written (Anserini's IndexWriter or
 * Trawl's segment writer, whose internal docids and doc values differ in kind): the statistics of
 * {@code contents}, the norms, and per term (in byte order) its document frequency, total
 * frequency and a hash of its postings as (external docid, frequency) pairs. Two indexes with the
 * same dump hold the same impacts for the same documents.
 *
 * <p>Usage: {@code ImpactIndexDump INDEX [OUT]} (stdout without OUT).
 */
public final class ImpactIndexDump {
  private ImpactIndexDump() {}

  public static void dump(Path index, Writer out) throws IOException {
    PrintWriter w = new PrintWriter(out);
    try (FSDirectory dir = FSDirectory.open(index); DirectoryReader r = DirectoryReader.open(dir)) {
      String[] ids = new String[r.maxDoc()];
      StoredFields sf = r.storedFields();
      for (int d = 0; d < r.maxDoc(); d++) {
        ids[d] = sf.document(d).get("id");
      }
      Terms terms = MultiTerms.getTerms(r, "contents");
      w.printf("documents %d%n", r.numDocs());
      w.printf("contents.docCount %d%n", terms.getDocCount());
      w.printf("contents.sumTotalTermFreq %d%n", terms.getSumTotalTermFreq());
      w.printf("contents.sumDocFreq %d%n", terms.getSumDocFreq());
      w.printf("contents.uniqueTerms %d%n", terms.size());
      TreeMap<Long, Long> norms = new TreeMap<>();
      for (var leaf : r.leaves()) {
        LeafReader lr = leaf.reader();
        NumericDocValues nv = lr.getNormValues("contents");
        if (nv == null) {
          continue;
        }
        for (int d = nv.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = nv.nextDoc()) {
          norms.merge(nv.longValue(), 1L, Long::sum);
        }
      }
      w.printf("contents.norms %s%n", norms);
      TermsEnum te = terms.iterator();
      BytesRef t;
      PostingsEnum pe = null;
      while ((t = te.next()) != null) {
        // postings as (external id, freq), hashed in external-id order
        TreeMap<String, Integer> post = new TreeMap<>();
        for (var leaf : r.leaves()) {
          TermsEnum lte = leaf.reader().terms("contents").iterator();
          if (!lte.seekExact(t)) {
            continue;
          }
          pe = lte.postings(pe, PostingsEnum.FREQS);
          for (int d = pe.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = pe.nextDoc()) {
            post.put(ids[leaf.docBase + d], pe.freq());
          }
        }
        long h = 1125899906842597L;
        for (var e : post.entrySet()) {
          h = 31 * h + e.getKey().hashCode();
          h = 31 * h + e.getValue();
        }
        w.printf("%s\t%d\t%d\t%016x%n", t.utf8ToString(), te.docFreq(), te.totalTermFreq(), h);
      }
    }
    w.flush();
  }

  public static void main(String[] args) throws IOException {
    if (args.length > 1) {
      try (Writer out = java.nio.file.Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
        dump(Path.of(args[0]), out);
      }
    } else {
      Writer out = new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8);
      dump(Path.of(args[0]), out);
      out.flush();
    }
  }
}
