package io.trawl.index;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.store.FSDirectory;

/**
 * Statistics of a Lucene index, read from the index itself: the document count and, per indexed
 * field, how many documents have a term in it, the number of distinct terms, the total number of
 * term occurrences and of postings. For {@code contents} these are the numbers Anserini's
 * {@code IndexReaderUtils} prints as "documents (non-empty)", "unique terms" and "total terms".
 *
 * @param documents live documents
 * @param fields per indexed field, sorted by name
 */
public record IndexStats(long documents, Map<String, FieldStats> fields) {

  /** Statistics of one indexed field. */
  @JsonPropertyOrder({"documents", "uniqueTerms", "totalTerms", "postings"})
  public record FieldStats(long documents, long uniqueTerms, long totalTerms, long postings) {}

  /** Statistics of the field, or all zeros when it does not exist. */
  public FieldStats field(String name) {
    return fields.getOrDefault(name, new FieldStats(0, 0, 0, 0));
  }

  /** Reads the statistics of the index in {@code dir}. */
  public static IndexStats of(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw TrawlException.invalid(dir + ": no such index folder");
    }
    try (FSDirectory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
      return of(r);
    } catch (org.apache.lucene.index.IndexNotFoundException e) {
      throw TrawlException.invalid(dir + ": not a Lucene index");
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, dir + ": cannot read index: " + e.getMessage(), e);
    }
  }

  public static IndexStats of(IndexReader reader) throws IOException {
    Map<String, FieldStats> fields = new TreeMap<>();
    for (FieldInfo fi : FieldInfos.getMergedFieldInfos(reader)) {
      if (fi.getIndexOptions() == IndexOptions.NONE) {
        continue;
      }
      Terms terms = MultiTerms.getTerms(reader, fi.name);
      if (terms == null) {
        fields.put(fi.name, new FieldStats(0, 0, 0, 0));
        continue;
      }
      long unique = terms.size();
      if (unique < 0) {
        unique = 0;
        TermsEnum te = terms.iterator();
        while (te.next() != null) {
          unique++;
        }
      }
      fields.put(fi.name, new FieldStats(terms.getDocCount(), unique, terms.getSumTotalTermFreq(),
          terms.getSumDocFreq()));
    }
    return new IndexStats(reader.numDocs(), new LinkedHashMap<>(fields));
  }
}
