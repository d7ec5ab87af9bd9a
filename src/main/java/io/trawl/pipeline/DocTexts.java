package io.trawl.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import io.trawl.search.LuceneIndex;
import java.io.IOException;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Document texts for rerankers, from the index's stored raw documents ({@link IndexFields#RAW}).
 * A JSON raw document gives its {@code contents} (Anserini JSON) or {@code title} and
 * {@code text} joined by a space (BEIR); any other raw document is used as it is.
 */
final class DocTexts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LuceneIndex index;
  private final IndexSearcher searcher;
  private final StoredFields stored;

  DocTexts(LuceneIndex index) {
    this.index = index;
    this.searcher = new IndexSearcher(index.reader());
    try {
      this.stored = index.reader().storedFields();
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, index.path() + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The text of {@code docId}; fails when the document or its raw text is not in the index. */
  String text(String docId) {
    try {
      TopDocs td = searcher.search(new TermQuery(new Term(IndexFields.ID, docId)), 1);
      if (td.scoreDocs.length == 0) {
        throw TrawlException.invalid("document '" + docId + "' is not in index " + index.path());
      }
      Document d = stored.document(td.scoreDocs[0].doc);
      String raw = d.get(IndexFields.RAW);
      if (raw == null) {
        throw TrawlException.invalid("index " + index.path()
            + " has no stored raw documents (built with --no-store-raw); rerankers need them");
      }
      return fromRaw(raw);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, index.path() + ": cannot read: " + e.getMessage(), e);
    }
  }

  static String fromRaw(String raw) {
    String t = raw.strip();
    if (!t.startsWith("{")) {
      return raw;
    }
    try {
      JsonNode n = JSON.readTree(t);
      if (n.hasNonNull("contents")) {
        return n.get("contents").asText();
      }
      String title = n.path("title").asText("");
      String text = n.path("text").asText("");
      if (!title.isEmpty() || !text.isEmpty()) {
        return title.isEmpty() ? text : text.isEmpty() ? title : title + " " + text;
      }
      return raw;
    } catch (IOException e) {
      return raw;
    }
  }
}
