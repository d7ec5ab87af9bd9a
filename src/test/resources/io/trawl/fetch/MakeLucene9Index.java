// Writes the Lucene 9 index of FetchTest.aLucene9IndexFromAnseriniOpensAndSearches (run once; the
// tarball is committed): Anserini's layout of 2022 (id: keyword, stored, sorted doc values;
// contents: indexed with frequencies and positions, norms; raw: stored), written by Lucene 9.3.0
// as Anserini 0.20 wrote its prebuilt indexes. The texts are already Porter-stemmed and without
// stopwords, so Lucene 9's StandardAnalyzer without stopwords gives the tokens Anserini's English
// analyzer would.
//
//   java -cp ~/.m2/repository/org/apache/lucene/lucene-core/9.3.0/lucene-core-9.3.0.jar \
//     MakeLucene9Index.java /tmp/lucene9 && tar czf lucene9-anserini.tar.gz -C /tmp lucene9
import java.nio.file.Path;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

public class MakeLucene9Index {
  public static void main(String[] args) throws Exception {
    String[][] docs = {
      {"7067032", "supersonic boundari layer transit", "Supersonic boundary layers and their transition."},
      {"7067056", "heat transfer boundari layer boundari layer", "Heat transfer in a boundary layer of a boundary layer."},
      {"8", "wing low speed", "Wings at low speed."},
    };
    IndexWriterConfig c = new IndexWriterConfig(new StandardAnalyzer(CharArraySet.EMPTY_SET));
    try (IndexWriter w = new IndexWriter(FSDirectory.open(Path.of(args[0])), c)) {
      for (String[] d : docs) {
        Document doc = new Document();
        doc.add(new StringField("id", d[0], Field.Store.YES));
        doc.add(new SortedDocValuesField("id", new BytesRef(d[0])));
        doc.add(new TextField("contents", d[1], Field.Store.NO));
        doc.add(new StoredField("raw", "{\"id\": \"" + d[0] + "\", \"contents\": \"" + d[2] + "\"}"));
        w.addDocument(doc);
      }
      w.forceMerge(1);
    }
  }
}
