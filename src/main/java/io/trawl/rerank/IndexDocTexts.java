package io.trawl.rerank;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.corpus.Corpora;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.SourceDocument;
import io.trawl.index.IndexFields;
import io.trawl.index.IndexMetadata;
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
 * the stored {@link IndexFields#RAW} document is read back with the reader of the corpus format the
 * index was built from ({@link IndexMetadata#format()}), so a reranker gets the same text the flat
 * BM25 layout indexed and dense indexing encodes ({@link Corpus#text}). A Lucene index without
 * Trawl's metadata (e.g. Anserini's) gets the format from the raw document itself: a JSON object
 * with {@code "_id"} is BEIR, another JSON object Anserini JSON, {@code <DOC>} TREC; anything else
 * is used as it is.
 */
public final class IndexDocTexts implements AutoCloseable {
  private final Path dir;
  private final Corpus corpus;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  public IndexDocTexts(Path given) {
    Path dir = io.trawl.search.LuceneIndex.resolve(given);
    this.dir = dir;
    this.corpus = Files.isRegularFile(dir.resolve(IndexFields.METADATA_FILE))
        ? corpusOf(IndexMetadata.read(dir)) : null;
    try {
      this.reader = DirectoryReader.open(FSDirectory.open(dir));
    } catch (IOException e) {
      throw new InputException(dir.toString(), "not a Lucene index: " + e.getMessage());
    }
    this.searcher = new IndexSearcher(reader);
  }

  private static Corpus corpusOf(IndexMetadata m) {
    return m.corpus() != null && BuiltinCollections.isBuiltin(m.corpus())
        ? Corpora.forInput(m.format(), m.corpus()) : Corpora.get(m.format());
  }

  /** The text of a docid, or null when the index does not hold it. */
  public String text(String docid) {
    String raw = raw(docid);
    return raw == null ? null : textOfRaw(raw);
  }

  /** The stored raw document of a docid as read from the corpus, or null when the index does not hold it. */
  public String raw(String docid) {
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
      return raw;
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, dir + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The text of a stored raw document. */
  String textOfRaw(String raw) {
    Corpus c = corpus != null ? corpus : guess(raw);
    SourceDocument d = c == null ? null : c.parseRaw(raw);
    return d == null ? raw : c.text(d);
  }

  /** The corpus format of a raw document from an index without Trawl's metadata, or null. */
  private static Corpus guess(String raw) {
    String t = raw.stripLeading();
    if (t.startsWith("{")) {
      return Corpora.get(t.contains("\"_id\"") ? "beir" : "json");
    }
    if (t.regionMatches(true, 0, "<DOC", 0, 4)) {
      return Corpora.get("trec");
    }
    return null;
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
