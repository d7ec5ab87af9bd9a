package io.trawl.index;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SourceDocument;
import io.trawl.index.segment.Schema;
import io.trawl.index.segment.SegmentPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.FixedBitSet;

/**
 * Builds a Lucene index from a corpus, in parallel and deterministically, and atomically.
 *
 * <p><b>Fields</b> ({@link IndexFields}): {@code id} (keyword, stored, sorted doc values),
 * {@code contents} (analyzed; frequencies, optionally positions and term vectors; norms for BM25),
 * or, for a pre-encoded corpus ({@link Corpus#impact()}), the impacts: its pseudo-document split at
 * whitespace, so a term's frequency is its quantised weight, and every norm 1
 * ({@link ImpactSimilarity}), as Anserini's {@code IndexCollection -impact -pretokenized} writes;
 * {@code title} (multifield layout only, same options), {@code raw} (stored raw document).
 *
 * <p>The fields are defined once, in {@link #schema()}; the segment writer
 * ({@link io.trawl.index.segment}) writes what Lucene's IndexWriter would write for them.
 *
 * <p><b>Determinism</b>: internal docids follow corpus order for any thread count, because BM25
 * ties are broken by internal docid. The corpus is read on one thread, analyzed and inverted in
 * chunks on worker threads, and joined in corpus order into one segment written through Lucene's
 * default codec once, at the end, without merges ({@link SegmentPipeline}). Should the segment
 * outgrow the memory budget, it is written out and another begun, and the segments (adjacent, in
 * corpus order) are merged into one at the end by IndexWriter. What is written does not depend on
 * the chunking or the thread count.
 *
 * <p><b>Atomicity</b>: the index is built in a hidden sibling folder and renamed into place when
 * complete ({@link StagedFolder}); on failure (or Ctrl-C, SIGTERM) the temporary folder is removed.
 * An existing index is replaced only with {@link Options#force}, and only if it is a Trawl/Lucene
 * index or an empty folder.
 *
 * <p><b>Duplicates</b>: a docid seen twice is an error; with {@link OnError#SKIP} only its first
 * copy is kept and the rest are counted.
 */
public final class Indexer {
  /** Documents per chunk handed to a worker for analysis. */
  public static final int DEFAULT_CHUNK_DOCS = 1024;
  /** Characters (text + raw) per chunk at most, whatever the document count. */
  public static final long DEFAULT_CHUNK_CHARS = 4L << 20;

  /** What to index and how. Fluent setters; defaults match Anserini's BM25 regressions. */
  public static final class Options {
    Corpus corpus;
    String input;
    Path index;
    Layout layout = Layout.FLAT;
    int threads = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    String stemmer = "porter";
    boolean keepStopwords;
    boolean storePositions;
    boolean storeDocvectors;
    boolean storeRaw = true;
    boolean force;
    OnError onError = OnError.FAIL;
    int chunkDocs = DEFAULT_CHUNK_DOCS;
    long chunkChars = DEFAULT_CHUNK_CHARS;
    PrintWriter progress;
    io.trawl.core.Progress.Mode progressMode = io.trawl.core.Progress.Mode.OFF;
    double ramBufferMB;

    /**
     * The memory budget per segment, and IndexWriter's RAM buffer for the final merge (0:
     * automatic); small values are for tests (many segments).
     */
    Options ramBufferMB(double mb) {
      this.ramBufferMB = mb;
      return this;
    }

    public Options corpus(Corpus corpus, String input) {
      this.corpus = corpus;
      this.input = input;
      return this;
    }

    public Options index(Path index) {
      this.index = index;
      return this;
    }

    public Options layout(Layout layout) {
      this.layout = layout;
      return this;
    }

    public Options threads(int threads) {
      if (threads < 1 || threads > 512) {
        throw TrawlException.invalid("--threads must be between 1 and 512, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Options stemmer(String stemmer) {
      this.stemmer = stemmer.toLowerCase(Locale.ROOT);
      return this;
    }

    public Options keepStopwords(boolean keep) {
      this.keepStopwords = keep;
      return this;
    }

    public Options storePositions(boolean store) {
      this.storePositions = store;
      return this;
    }

    public Options storeDocvectors(boolean store) {
      this.storeDocvectors = store;
      return this;
    }

    public Options storeRaw(boolean store) {
      this.storeRaw = store;
      return this;
    }

    public Options force(boolean force) {
      this.force = force;
      return this;
    }

    public Options onError(OnError onError) {
      this.onError = onError;
      return this;
    }

    /** Chunk size (documents and characters) per worker task; small values are for tests. */
    public Options chunk(int docs, long chars) {
      if (docs < 1 || chars < 1) {
        throw new IllegalArgumentException("chunk sizes must be positive: " + docs + ", " + chars);
      }
      this.chunkDocs = docs;
      this.chunkChars = chars;
      return this;
    }

    /** Where progress and warnings go (null: nowhere), and how progress shows ({@link io.trawl.core.Progress}). */
    public Options progress(PrintWriter out, io.trawl.core.Progress.Mode mode) {
      this.progress = out;
      this.progressMode = mode;
      return this;
    }
  }

  /** The outcome of a build: its metadata and the warnings printed. */
  public record Result(Path index, IndexMetadata metadata, List<String> warnings) {}

  private final Options o;
  private final Analyzer analyzer;
  /** Whose norms are written: BM25's, or 1 for an impact corpus ({@link Corpus#impact()}). */
  private final Similarity similarity;
  private volatile SegmentPipeline pipeline;
  private volatile IndexWriter writer;
  /** Empty documents skipped so far, and where the first one was (written by the reader thread). */
  private volatile long emptySkipped;
  private volatile String firstEmpty;
  private volatile Path temp;
  private volatile StagedFolder staged;
  /** Segments written before the final merge (1 when the RAM buffer held the whole corpus). */
  long flushedSegments;

  public Indexer(Options options) {
    if (options.corpus == null || options.input == null) {
      throw new IllegalArgumentException("no corpus given");
    }
    if (options.index == null) {
      throw new IllegalArgumentException("no index folder given");
    }
    if (options.layout == Layout.MULTIFIELD && !options.corpus.hasTitles()) {
      throw TrawlException.invalid("layout multifield needs a corpus format with titles (beir); "
          + options.corpus.format() + " has none");
    }
    this.o = options;
    boolean impact = options.corpus.impact();
    this.analyzer = impact ? Analyzers.whitespace()
        : Analyzers.english(options.stemmer, options.keepStopwords);
    this.similarity = impact ? new ImpactSimilarity() : new BM25Similarity();
  }

  /** The analyzer's name in the metadata ({@link Analyzers#describe}, or {@code whitespace}). */
  private String analyzerName() {
    return o.corpus.impact() ? Analyzers.WHITESPACE : Analyzers.describe(o.stemmer, o.keepStopwords);
  }

  /**
   * The index's fields and where their values come from: the one place that defines them (see
   * the package comment of {@link io.trawl.index.segment} on changing it).
   */
  Schema schema() {
    List<Schema.Text> text = o.layout == Layout.MULTIFIELD
        ? List.of(new Schema.Text(IndexFields.TITLE, SourceDocument::title),
            new Schema.Text(IndexFields.CONTENTS, SourceDocument::contents))
        : List.of(new Schema.Text(IndexFields.CONTENTS, this::flatText));
    List<Schema.Stored> stored = o.storeRaw
        ? List.of(new Schema.Stored(IndexFields.RAW, SourceDocument::raw)) : List.of();
    return new Schema(IndexFields.ID, text, stored, o.storePositions, o.storeDocvectors);
  }

  /** Builds the index; see the class comment for the guarantees. */
  public Result run() {
    emptySkipped = 0;
    firstEmpty = null;
    Path target = o.index.toAbsolutePath().normalize();
    checkTarget(target);
    long t0 = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    io.trawl.core.Progress progress = io.trawl.core.Progress.to(o.progress, o.progressMode, "indexing", "docs", 0);
    try (StagedFolder folder = StagedFolder.create(target, this::rollback)) {
      staged = folder;
      temp = folder.path();
      try (FSDirectory dir = FSDirectory.open(temp)) {
        return build(dir, target, t0, progress, warnings);
      } catch (RuntimeException | IOException | Error e) {
        folder.whenShutDown(e); // stopped by a signal: the failure is the cleanup's doing
        rollback();
        throw e;
      }
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(target), e);
    } finally {
      progress.close();
      staged = null;
      temp = null;
    }
  }

  private Result build(Directory dir, Path target, long t0, io.trawl.core.Progress progress, List<String> warnings)
      throws IOException {
    long read;
    long skipped;
    List<String> errorMessages;
    SegmentPipeline.Written written;
    long t1;
    try (SegmentPipeline p = new SegmentPipeline(dir, schema(), analyzer, similarity, o.threads, o.chunkDocs,
        o.chunkChars, (long) ((o.ramBufferMB > 0 ? o.ramBufferMB : ramBufferMB()) * (1 << 20)))) {
      pipeline = p;
      try (CorpusReader reader = o.corpus.read(o.input, o.onError)) {
        SegmentPipeline pipe = p;
        progress.poll(() -> {
          // the document count is known only at the end: estimated from the share of bytes read
          long total = reader.totalBytes();
          long consumed = reader.consumedBytes();
          if (total > 0 && consumed > 0) {
            progress.total(Math.max(reader.documents(),
                Math.round(reader.documents() * ((double) total / Math.min(consumed, total)))), true);
          }
          progress.update(pipe.added());
        });
        p.add(() -> nextNonEmpty(reader));
        progress.total(p.added(), false);
        progress.label("writing");
        read = reader.documents();
        skipped = reader.errors();
        errorMessages = reader.errorMessages();
      }
      t1 = System.nanoTime();
      written = p.commit();
    } finally {
      pipeline = null;
    }
    long duplicates = 0;
    flushedSegments = written.segments();
    if (written.segments() > 1 || written.repeatedIds() > 0) {
      // rare: a corpus beyond the memory budget (segments joined by one merge, in order) or
      // repeated docids (refused, or later copies removed)
      writer = new IndexWriter(dir, mergeConfig());
      writer.forceMerge(1);
      duplicates = removeDuplicates();
      writer.commit();
      writer.close();
    }
    progress.close();
    long t2 = System.nanoTime();
    long empty = emptySkipped;
    if (read == 0) {
      throw new InputException(o.input, "no documents found");
    }
    if (read == empty) {
      throw new InputException(o.input, "no documents to index: all " + read
          + " are empty (nothing but whitespace in the indexed text); first at " + firstEmpty);
    }
    if (skipped > 0) {
      warnings.add("skipped " + skipped + " bad document(s) or file tail(s); first: "
          + String.join("; ", errorMessages));
    }
    if (duplicates > 0) {
      warnings.add("removed " + duplicates + " later copies of repeated docids (first copy kept)");
    }
    if (empty > 0) {
      warnings.add("skipped " + empty + " empty document(s) (nothing but whitespace in the indexed"
          + " text), as Anserini does; first at " + firstEmpty);
    }
    IndexStats stats = IndexStats.of(temp);
    double indexSeconds = (t1 - t0) / 1e9;
    double mergeSeconds = (t2 - t1) / 1e9;
    double totalSeconds = (System.nanoTime() - t0) / 1e9;
    IndexMetadata meta = new IndexMetadata(
        IndexMetadata.SCHEMA,
        IndexMetadata.currentTrawlVersion(),
        Instant.now().toString(),
        BuiltinCollections.isBuiltin(o.input) || "-".equals(o.input) ? o.input
            : Path.of(o.input).toAbsolutePath().normalize().toString(),
        o.corpus.format(),
        o.layout.toString(),
        analyzerName(),
        o.corpus.impact() ? "none" : o.stemmer,
        o.corpus.impact() || o.keepStopwords,
        o.layout == Layout.FLAT && o.corpus.titleInContents(),
        o.storePositions,
        o.storeDocvectors,
        o.storeRaw,
        o.corpus.impact(),
        stats.documents(),
        empty,
        skipped,
        duplicates,
        stats.field(IndexFields.CONTENTS).uniqueTerms(),
        stats.field(IndexFields.CONTENTS).totalTerms(),
        stats.fields(),
        o.threads,
        new IndexMetadata.Timings(round(indexSeconds), round(mergeSeconds), round(totalSeconds),
            Math.round(stats.documents() / Math.max(totalSeconds, 1e-9))));
    meta.write(temp);
    moveIntoPlace(temp, target);
    if (o.progress != null) {
      for (String w : warnings) {
        o.progress.println("trawl: warning: " + w);
      }
      o.progress.flush();
    }
    return new Result(target, meta, warnings);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** The next document to index: empty ones are skipped and counted (on the reader thread). */
  private SourceDocument nextNonEmpty(CorpusReader reader) {
    SourceDocument d;
    while ((d = reader.next()) != null && isEmpty(d)) {
      if (emptySkipped++ == 0) {
        firstEmpty = d.location() + " (" + d.id() + ")";
      }
    }
    return d;
  }

  /**
   * Anserini's empty document (its generator's {@code EmptyDocumentException}): the text of the
   * {@code contents} field is nothing but characters up to U+0020 ({@link String#trim()}). The
   * multifield layout looks at the text alone, so a document with only a title is empty too, as
   * in Anserini's multifield BEIR collection. Such documents are skipped and counted; a document
   * whose text is only stopwords is not empty (it is indexed, with no terms).
   */
  private boolean isEmpty(SourceDocument d) {
    boolean textOnly = o.layout == Layout.MULTIFIELD || o.corpus.titleInContents();
    return trimsToNothing(d.contents()) && (textOnly || trimsToNothing(d.title()));
  }

  /** {@code s.trim().isEmpty()} without the copy. */
  private static boolean trimsToNothing(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > ' ') {
        return false;
      }
    }
    return true;
  }

  private String flatText(SourceDocument d) {
    return o.corpus.titleInContents() ? d.contents() : o.corpus.text(d);
  }

  /**
   * The memory budget per segment: large enough that a corpus of a few million passages is one
   * segment (no merge at all), bounded by a quarter of the heap.
   */
  private static double ramBufferMB() {
    String mb = System.getProperty("trawl.index.ramBufferMB");
    if (mb != null) {
      return Double.parseDouble(mb);
    }
    return Math.max(64, Math.min(1536, Runtime.getRuntime().maxMemory() / 4 / (1 << 20)));
  }

  /** IndexWriter over the written segments: one merge of them all, adjacent, in corpus order. */
  private IndexWriterConfig mergeConfig() {
    LogDocMergePolicy mp = new LogDocMergePolicy();
    mp.setMergeFactor(1000);
    mp.setNoCFSRatio(0.0);
    return new IndexWriterConfig(analyzer)
        .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
        .setSimilarity(similarity)
        .setRAMBufferSizeMB(o.ramBufferMB > 0 ? o.ramBufferMB : ramBufferMB())
        .setMergePolicy(mp)
        .setUseCompoundFile(false);
  }

  /**
   * Finds docids that occur more than once (via the sorted doc values of {@code id}). Fails for
   * {@link OnError#FAIL}; otherwise deletes every copy but the first and returns how many.
   */
  private long removeDuplicates() throws IOException {
    List<Integer> later = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    try (DirectoryReader r = DirectoryReader.open(writer)) {
      if (r.leaves().isEmpty()) {
        return 0;
      }
      LeafReader leaf = r.leaves().get(0).reader();
      SortedDocValues ids = leaf.getSortedDocValues(IndexFields.ID);
      if (ids == null || ids.getValueCount() == leaf.maxDoc()) {
        return 0;
      }
      FixedBitSet seen = new FixedBitSet(ids.getValueCount());
      FixedBitSet reported = new FixedBitSet(ids.getValueCount());
      for (int doc = ids.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = ids.nextDoc()) {
        int ord = ids.ordValue();
        if (seen.getAndSet(ord)) {
          later.add(doc);
          if (!reported.getAndSet(ord) && examples.size() < 5) {
            examples.add("'" + ids.lookupOrd(ord).utf8ToString() + "'");
          }
        }
      }
      if (o.onError == OnError.FAIL) {
        throw new InputException(o.input, later.size() + " duplicate docid(s), e.g. "
            + String.join(", ", examples) + "; use --on-error skip to keep only the first copy of each");
      }
      for (int doc : later) {
        if (writer.tryDeleteDocument(r, doc) < 0) {
          throw new TrawlException(TrawlException.RUNTIME, "could not remove duplicate document " + doc);
        }
      }
    }
    writer.forceMergeDeletes(true);
    writer.forceMerge(1);
    return later.size();
  }

  /** Refuses to build over something that must not be replaced. */
  private void checkTarget(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw TrawlException.invalid(target + " exists and is not a folder");
    }
    if (!o.force) {
      throw TrawlException.invalid(target + " already exists; use --force to replace it");
    }
    if (!replaceable(target)) {
      throw TrawlException.invalid(target + " exists and is neither an index nor empty; not replacing it"
          + " even with --force");
    }
  }

  private static boolean replaceable(Path dir) {
    if (Files.exists(dir.resolve(IndexFields.METADATA_FILE))) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      return names.isEmpty() || names.stream().anyMatch(n -> n.startsWith("segments_"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Renames the finished index into place (see {@link StagedFolder#commit()}). */
  private void moveIntoPlace(Path from, Path target) throws IOException {
    if (Files.exists(target)) {
      checkTarget(target);
    }
    staged.commit();
  }

  private void rollback() {
    SegmentPipeline p = pipeline;
    if (p != null) {
      try {
        p.close();
      } catch (IOException | RuntimeException e) {
        // best effort: the temporary folder is removed anyway
      }
    }
    IndexWriter w = writer;
    if (w != null) {
      try {
        w.rollback();
      } catch (IOException | RuntimeException e) {
        // best effort
      }
    }
  }
}
