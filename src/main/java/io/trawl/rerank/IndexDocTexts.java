package io.trawl.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Document texts from a Trawl index: the docid is looked up in the {@link IndexFields#ID} field and
 * the text taken from the stored {@link IndexFields#RAW} document. A JSON raw document gives
 * {@code contents}, else {@code title + " " + text} (BEIR), else {@code text}; anything else is used
 * as it is.
 */
public final class IndexDocTexts implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  public IndexDocTexts(Path dir) {
    this.dir = dir;
    if (!Files.isDirectory(dir)) {
      throw new InputException(dir.toString(), "no such index folder");
    }
    try {
      this.reader = DirectoryReader.open(FSDirectory.open(dir));
    } catch (IOException e) {
      throw new InputException(dir.toString(), "not a Lucene index: " + e.getMessage());
    }
    this.searcher = new IndexSearcher(reader);
  }

  /** The text of a docid, or null when the index does not hold it. */
  public String text(String docid) {
    try {
      TopDocs hits = searcher.search(new TermQuery(new Term(IndexFields.ID, docid)), 1);
      if (hits.scoreDocs.length == 0) {
        return null;
      }
      Document d = searcher.storedFields().document(hits.scoreDocs[0].doc);
      String raw = d.get(IndexFields.RAW);
      if (raw == null) {
        throw new InputException(dir.toString(), "document '" + docid + "' has no stored '"
            + IndexFields.RAW + "' field (index built without raw documents?)");
      }
      return textOfRaw(raw);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, dir + ": cannot read: " + e.getMessage(), e);
    }
  }

  static String textOfRaw(String raw) {
    String t = raw.stripLeading();
    if (t.startsWith("{")) {
      try {
        JsonNode n = JSON.readTree(t);
        String text = CandidateFiles.docText(n);
        if (text != null) {
          return text;
        }
      } catch (IOException e) {
        // not JSON after all: use as is
      }
    }
    return raw;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // read-only
    }
  }
}
