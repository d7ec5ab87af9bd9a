package io.trawl.corpus;

import io.trawl.core.Ids;
import io.trawl.core.InputException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams the documents of an input across its files, applying the {@link OnError} policy and
 * common checks (non-empty id without NUL or whitespace ({@link Ids}), no NUL in text). Counts
 * documents and skipped errors; keeps the first {@value #KEPT_MESSAGES} error messages for the
 * report. Documents with nothing to index are returned like any other: what counts as empty
 * depends on the layout, so the indexer decides.
 */
public final class CorpusReader implements AutoCloseable {
  public static final int KEPT_MESSAGES = 10;
  /** Lucene's limit on the length of one term (the id is indexed as one term). */
  public static final int MAX_ID_BYTES = 32766;

  private final Corpus corpus;
  private final String input;
  private final OnError onError;
  private final List<String> files;
  private final long totalBytes;
  private final AtomicLong consumedBytes = new AtomicLong();
  private final List<String> errorMessages = new ArrayList<>();
  private int fileIndex;
  private DocumentReader current;
  private volatile long documents;
  private long errors;

  CorpusReader(Corpus corpus, String input, OnError onError) {
    this.corpus = corpus;
    this.input = input;
    this.onError = onError;
    this.files = Sources.files(input);
    this.totalBytes = Sources.size(files);
  }

  /** The next document, or null when every file is read. */
  public SourceDocument next() {
    while (true) {
      if (current == null) {
        if (fileIndex >= files.size()) {
          return null;
        }
        String file = files.get(fileIndex++);
        InputStream in = Sources.open(file, consumedBytes);
        current = corpus.open(file, in);
      }
      SourceDocument doc;
      try {
        doc = current.next();
        if (doc != null) {
          check(doc);
        }
      } catch (InputException e) {
        if (onError == OnError.FAIL) {
          throw e;
        }
        errors++;
        boolean broken = current.broken();
        if (errorMessages.size() < KEPT_MESSAGES) {
          errorMessages.add(e.getMessage() + (broken ? " (rest of file skipped)" : ""));
        }
        if (broken) {
          current.close();
          current = null;
        }
        continue;
      }
      if (doc == null) {
        current.close();
        current = null;
        continue;
      }
      documents++;
      return doc;
    }
  }

  private static void check(SourceDocument doc) {
    String id = doc.id();
    if (id == null || id.isBlank()) {
      throw new InputException(doc.file(), doc.line(), "document has an empty id");
    }
    if (id.length() > MAX_ID_BYTES / 3 && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new InputException(doc.file(), doc.line(), "docid longer than " + MAX_ID_BYTES + " bytes");
    }
    String bad = Ids.problem("docid", id);
    if (bad != null) {
      throw new InputException(doc.file(), doc.line(), bad);
    }
    if (id.indexOf('\0') >= 0 || doc.contents().indexOf('\0') >= 0
        || doc.title().indexOf('\0') >= 0) {
      throw new InputException(doc.file(), doc.line(), "document '" + id + "' holds a NUL character");
    }
  }

  public Corpus corpus() {
    return corpus;
  }

  public String input() {
    return input;
  }

  public List<String> files() {
    return Collections.unmodifiableList(files);
  }

  /** Documents returned so far. */
  public long documents() {
    return documents;
  }

  /** Documents (or file tails) skipped because of errors ({@link OnError#SKIP}). */
  public long errors() {
    return errors;
  }

  /** The first few error messages. */
  public List<String> errorMessages() {
    return Collections.unmodifiableList(errorMessages);
  }

  /** Stored bytes of all files (0 when unknown, e.g. built-in collections). */
  public long totalBytes() {
    return totalBytes;
  }

  /** Stored bytes read so far; safe to call from another thread. */
  public long consumedBytes() {
    return consumedBytes.get();
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
