package io.trawl.index;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.CorpusReader;
import io.trawl.corpus.OnError;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FilterMergePolicy;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NIOFSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.IOUtils;

/**
 * Builds a Lucene index from a corpus, in parallel and deterministically, and atomically.
 *
 * <p><b>Fields</b> ({@link IndexFields}): {@code id} (keyword, stored, sorted doc values),
 * {@code contents} (analyzed; frequencies, optionally positions and term vectors; norms for BM25),
 * {@code title} (multifield layout only, same options), {@code raw} (stored raw document).
 *
 * <p><b>Determinism</b>: internal docids follow corpus order for any thread count, because BM25
 * ties are broken by internal docid. One thread reads the corpus and cuts it into contiguous
 * chunks; worker threads analyze and invert chunks ({@link InvertedChunk}: the costly part); the
 * calling thread joins them, in corpus order, into one segment ({@link SegmentBuilder}) written
 * through Lucene's default codec once, at the end, without merges (a stored-fields thread writes
 * stored fields and term vectors meanwhile). Should the segment outgrow the memory budget, it is
 * written out and another begun, and the segments (adjacent, in corpus order) are merged into one
 * at the end. What is written does not depend on the chunking or the thread count.
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
  /** With chunk segments, how far chunks may grow beyond their initial size. */
  public static final int CHUNK_GROWTH = 32;
  /** With chunk segments, the upper bound on characters per chunk: bounds memory. */
  public static final long MAX_CHUNK_CHARS = 16L << 20;

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
    boolean liveProgress;
    double ramBufferMB;
    String pipeline;

    /**
     * Which pipeline (see {@link Indexer#indexAll}): "auto" (= "direct"), "writer" or "segments";
     * for tests and measurements. Default: the system property {@code trawl.index.pipeline}, else
     * auto.
     */
    Options pipeline(String pipeline) {
      this.pipeline = pipeline;
      return this;
    }

    /**
     * The writer's RAM buffer, and the direct pipeline's memory budget per segment (0: automatic);
     * small values are for tests (many flushes or segments).
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

    /** Where progress and warnings go (null: nowhere); live = redraw a status line (terminal). */
    public Options progress(PrintWriter out, boolean live) {
      this.progress = out;
      this.liveProgress = live;
      return this;
    }
  }

  /** The outcome of a build: its metadata and the warnings printed. */
  public record Result(Path index, IndexMetadata metadata, List<String> warnings) {}

  private final Options o;
  private final Analyzer analyzer;
  private final FieldType textType;
  /** Frequencies only (no positions, no term vectors): workers hand over counted terms. */
  private final boolean counting;
  /** How the index is written (see {@link #indexAll}). */
  private enum Pipeline { DIRECT, WRITER, SEGMENTS }

  private final Pipeline pipelineKind;
  private volatile SegmentBuilder segment;
  /** Direct segments written so far (more than one only when the corpus outgrows the budget). */
  private final List<org.apache.lucene.index.SegmentCommitInfo> written = new ArrayList<>();
  private long repeatedIds;
  private Directory directDir;
  private FieldInfos directFields;
  private Path chunkRoot;
  private final List<Path> chunks = new ArrayList<>();
  private volatile IndexWriter writer;
  private final AtomicLong indexed = new AtomicLong();
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
    this.analyzer = Analyzers.english(options.stemmer, options.keepStopwords);
    FieldType t = new FieldType();
    t.setTokenized(true);
    t.setStored(false);
    t.setIndexOptions(options.storePositions ? IndexOptions.DOCS_AND_FREQS_AND_POSITIONS
        : IndexOptions.DOCS_AND_FREQS);
    if (options.storeDocvectors) {
      t.setStoreTermVectors(true);
      t.setStoreTermVectorPositions(options.storePositions);
    }
    t.freeze();
    this.textType = t;
    this.counting = !options.storePositions && !options.storeDocvectors;
    String pipeline = options.pipeline != null ? options.pipeline
        : System.getProperty("trawl.index.pipeline", "auto");
    this.pipelineKind = switch (pipeline) {
      // measured on 2 cores (1M passages): the direct segment is the fastest for every storage
      // option; the single writer and chunk segments stay for comparisons
      case "auto", "direct" -> Pipeline.DIRECT;
      case "segments" -> Pipeline.SEGMENTS;
      case "writer" -> Pipeline.WRITER;
      default -> throw new IllegalArgumentException(
          "trawl.index.pipeline: auto, direct, writer or segments, not " + pipeline);
    };
  }

  /** Builds the index; see the class comment for the guarantees. */
  public Result run() {
    indexed.set(0);
    emptySkipped = 0;
    firstEmpty = null;
    Path target = o.index.toAbsolutePath().normalize();
    checkTarget(target);
    long t0 = System.nanoTime();
    List<String> warnings = new ArrayList<>();
    Progress progress = new Progress(o.progress, o.liveProgress);
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
      throw new TrawlException(TrawlException.RUNTIME, target + ": indexing failed: " + e.getMessage(), e);
    } finally {
      progress.stop();
      staged = null;
      temp = null;
    }
  }

  private Result build(Directory dir, Path target, long t0, Progress progress, List<String> warnings)
      throws IOException {
    chunks.clear();
    if (pipelineKind == Pipeline.DIRECT) {
      written.clear();
      repeatedIds = 0;
      directDir = dir;
      directFields = fieldInfos();
      segment = new SegmentBuilder(dir, directFields, textFields(), SegmentBuilder.segmentName(0));
    } else {
      writer = new IndexWriter(dir, mainConfig());
    }
    if (pipelineKind == Pipeline.SEGMENTS) {
      // hidden name: Lucene ignores it in the index folder; removed before the index moves in place
      chunkRoot = Files.createDirectory(temp.resolve(".chunks"));
    }
    long read;
    long skipped;
    List<String> errorMessages;
    try (CorpusReader reader = o.corpus.read(o.input, o.onError)) {
      progress.start(reader, indexed::get);
      indexAll(reader);
      progress.phase("writing");
      read = reader.documents();
      skipped = reader.errors();
      errorMessages = reader.errorMessages();
    }
    long t1 = System.nanoTime();
    long duplicates = 0;
    if (pipelineKind == Pipeline.DIRECT) {
      finishSegment();
      SegmentBuilder.commit(dir, written, written.size());
      flushedSegments = written.size();
      if (written.size() > 1 || repeatedIds > 0) {
        // rare: a corpus beyond the memory budget (segments joined by one merge, in order) or
        // repeated docids (failed or removed by IndexWriter, as in the other pipelines)
        writer = new IndexWriter(dir, mainConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND));
        writer.forceMerge(1);
        duplicates = removeDuplicates();
        writer.commit();
        writer.close();
      }
    } else {
      if (pipelineKind == Pipeline.SEGMENTS) {
        flushedSegments = chunks.size();
        mergeChunks();
      } else {
        writer.flush();
        flushedSegments = writer.getSegmentInfosCounter();
      }
      writer.forceMerge(1);
      duplicates = removeDuplicates();
      writer.commit();
      writer.close();
    }
    progress.stop();
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
        Analyzers.describe(o.stemmer, o.keepStopwords),
        o.stemmer,
        o.keepStopwords,
        o.layout == Layout.FLAT && o.corpus.titleInContents(),
        o.storePositions,
        o.storeDocvectors,
        o.storeRaw,
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
    for (String w : warnings) {
      progress.warn(w);
    }
    return new Result(target, meta, warnings);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /**
   * The pipeline: a reader thread cuts the corpus into contiguous chunks and hands each to a worker
   * thread; this thread takes the results in corpus order. At most a few chunks are in flight, so
   * memory stays bounded. Three ways, the same index:
   *
   * <ul>
   *   <li><b>direct segment</b> (the default): workers analyze and invert ({@link InvertedChunk});
   *       this thread appends each chunk's postings to the segment's ({@link SegmentBuilder}) and
   *       queues its stored fields and term vectors for the stored-fields thread; the segment's
   *       norms, doc values and postings are written through the codec at the end. Measured on 2
   *       cores (1M passages) faster than the other two for every storage option.
   *   <li><b>one writer</b> (opt-in, {@code -Dtrawl.index.pipeline=writer}): workers analyze
   *       ({@link AnalyzedChunk}; counted terms when only frequencies are indexed); this thread
   *       adds the analyzed documents to one IndexWriter in corpus order. Its limit: inversion,
   *       stored fields and the final flush all run on this one thread.
   *   <li><b>chunk segments</b> (opt-in, {@code -Dtrawl.index.pipeline=segments}): each worker
   *       indexes its chunk into a segment of its own on disk, in the temporary folder; at the end
   *       one merge joins them all, in corpus order, into one segment. Nothing is serial but the
   *       merge, which re-encodes every posting: on 2 cores it was slower and costlier for every
   *       storage option (1M passages), so it is only worth trying on many cores.
   * </ul>
   */
  private void indexAll(CorpusReader reader) throws IOException {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(o.threads, r -> {
      Thread t = new Thread(r, "trawl-index-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    BlockingQueue<Future<?>> queue = new ArrayBlockingQueue<>(o.threads + 2);
    Future<?> end = CompletableFuture.completedFuture(null);
    Function<List<SourceDocument>, Callable<?>> task;
    boolean growChunks;
    String[] names = textFields();
    AnalyzedChunk.Builder.Texts texts = o.layout == Layout.MULTIFIELD
        ? (d, f) -> f == 0 ? d.title() : d.contents()
        : (d, f) -> flatText(d);
    if (pipelineKind == Pipeline.DIRECT) {
      Queue<InvertedChunk> recycled = new ConcurrentLinkedQueue<>();
      ThreadLocal<InvertedChunk.Builder> builders = ThreadLocal.withInitial(() ->
          new InvertedChunk.Builder(analyzer, SIMILARITY, names, textType.indexOptions(),
              textType.storeTermVectors(), recycled));
      task = c -> () -> builders.get().invert(c, texts);
      growChunks = false;
    } else if (pipelineKind == Pipeline.SEGMENTS) {
      AtomicInteger seq = new AtomicInteger();
      task = c -> {
        int k = seq.getAndIncrement();
        return () -> indexChunk(k, c);
      };
      growChunks = true;
    } else {
      Queue<AnalyzedChunk> recycled = new ConcurrentLinkedQueue<>();
      ThreadLocal<AnalyzedChunk.Builder> builders = ThreadLocal.withInitial(() ->
          new AnalyzedChunk.Builder(analyzer, counting, recycled));
      task = c -> () -> builders.get().analyze(c, names, texts);
      growChunks = false;
    }
    Thread readerThread = new Thread(() -> {
      try {
        List<SourceDocument> chunk = new ArrayList<>();
        long chars = 0;
        long total = 0;
        int chunkDocs = o.chunkDocs;
        long chunkChars = o.chunkChars;
        SourceDocument d;
        while ((d = reader.next()) != null) {
          if (isEmpty(d)) {
            if (emptySkipped++ == 0) {
              firstEmpty = d.location() + " (" + d.id() + ")";
            }
            continue;
          }
          chunk.add(d);
          total++;
          chars += d.contents().length() + d.title().length() + (o.storeRaw ? d.raw().length() : 0);
          if (chunk.size() >= chunkDocs || chars >= chunkChars) {
            queue.put(pool.submit(task.apply(chunk)));
            chunk = new ArrayList<>();
            chars = 0;
            if (growChunks) {
              // chunk segments: chunks grow with the corpus (a quarter of what was read), so small
              // corpora spread over all threads and large ones do not make thousands of segments
              long grown = Math.min(total / 4, (long) o.chunkDocs * CHUNK_GROWTH);
              if (grown > chunkDocs) {
                chunkChars = Math.min(Math.max(chunkChars, o.chunkChars * grown / o.chunkDocs),
                    MAX_CHUNK_CHARS);
                chunkDocs = (int) grown;
              }
            }
          }
        }
        if (!chunk.isEmpty()) {
          queue.put(pool.submit(task.apply(chunk)));
        }
        queue.put(end);
      } catch (InterruptedException e) {
        // the indexing thread gave up
      } catch (Throwable t) {
        try {
          queue.put(CompletableFuture.failedFuture(t));
        } catch (InterruptedException e) {
          // the indexing thread gave up
        }
      }
    }, "trawl-read");
    readerThread.setDaemon(true);
    readerThread.start();
    try {
      Reusable fields = new Reusable(true);
      while (true) {
        Future<?> f;
        try {
          f = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TrawlException(TrawlException.RUNTIME, "indexing interrupted");
        }
        if (f == end) {
          break;
        }
        Object result = get(f);
        if (result instanceof Chunk chunk) {
          chunks.add(chunk.dir());
          indexed.addAndGet(chunk.docs());
          continue;
        }
        if (result instanceof InvertedChunk ic) {
          int count = ic.docs.size();
          segment.add(ic); // releases the chunk when written
          indexed.addAndGet(count);
          if (segment.ramBytesUsed() > directBudget()) {
            finishSegment();
            segment = new SegmentBuilder(directDir, directFields, textFields(),
                SegmentBuilder.segmentName(written.size()));
          }
          continue;
        }
        AnalyzedChunk c = (AnalyzedChunk) result;
        int slot = 0;
        for (SourceDocument d : c.docs) {
          try {
            writer.addDocument(fields.set(d, c, slot));
          } catch (IllegalArgumentException e) {
            throw new InputException(d.file(), d.line(), "cannot index document '" + d.id() + "': "
                + e.getMessage());
          }
          slot += c.fieldsPerDoc;
          indexed.incrementAndGet();
        }
        c.recycle();
      }
    } finally {      readerThread.interrupt();
      try {
        // the reader must be done before the corpus is closed (unless it is stuck on input)
        readerThread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Future<?> f : queue) {
        f.cancel(true);
      }
      pool.shutdownNow();
    }
  }

  /** Writes out the direct segment being built (if it holds documents). */
  private void finishSegment() throws IOException {
    SegmentBuilder s = segment;
    try {
      SegmentBuilder.Written w = s.finish();
      if (w != null) {
        written.add(w.info());
        repeatedIds += w.repeatedIds();
      }
    } finally {
      segment = null;
      s.close();
    }
  }

  /**
   * How much a direct segment may hold in memory before it is written out and another started
   * (joined by one merge at the end): the writer pipeline's RAM buffer, 1,536 MB at most.
   */
  private long directBudget() {
    return (long) ((o.ramBufferMB > 0 ? o.ramBufferMB : ramBufferMB()) * (1 << 20));
  }

  /** BM25's norms (Anserini's default similarity; the norm does not depend on k1 and b). */
  private static final BM25Similarity SIMILARITY = new BM25Similarity();

  /** The text fields, in the order of the chunks' fields. */
  private String[] textFields() {
    return o.layout == Layout.MULTIFIELD
        ? new String[] {IndexFields.TITLE, IndexFields.CONTENTS} : new String[] {IndexFields.CONTENTS};
  }

  /**
   * The field infos IndexWriter gives our documents: one sample document of the same fields
   * ({@link Reusable}), indexed in memory, and its field infos read back.
   */
  private FieldInfos fieldInfos() throws IOException {
    try (Directory mem = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(mem, new IndexWriterConfig(analyzer)
          .setSimilarity(SIMILARITY).setUseCompoundFile(false))) {
        w.addDocument(new Reusable(false).set(new SourceDocument("sample", "sample title",
            "sample text", "{}", "sample", 1)));
      }
      try (DirectoryReader r = DirectoryReader.open(mem)) {
        return r.leaves().get(0).reader().getFieldInfos();
      }
    }
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

  /** A chunk indexed into its own on-disk index (one or more segments, in docid order). */
  private record Chunk(Path dir, int docs) {}

  /** Indexes one chunk into its own index inside the temporary folder (chunk segments). */
  private Chunk indexChunk(int seq, List<SourceDocument> docs) throws IOException {
    Path path = chunkRoot.resolve(String.format(Locale.ROOT, "%06d", seq));
    IndexWriterConfig c = new IndexWriterConfig(analyzer)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setSimilarity(new BM25Similarity())
        .setRAMBufferSizeMB(1024)
        .setMergeScheduler(new SerialMergeScheduler())
        .setMergePolicy(NoMergePolicy.INSTANCE)
        .setUseCompoundFile(false)
        .setCommitOnClose(false);
    try (Directory dir = new NIOFSDirectory(path); IndexWriter w = new IndexWriter(dir, c)) {
      Reusable fields = new Reusable(false);
      for (SourceDocument d : docs) {
        try {
          w.addDocument(fields.set(d));
        } catch (IllegalArgumentException e) {
          throw new InputException(d.file(), d.line(), "cannot index document '" + d.id() + "': "
              + e.getMessage());
        }
      }
      w.commit();
    }
    return new Chunk(path, docs.size());
  }

  /**
   * Merges every chunk segment, in corpus order, into the single segment of the index: one merge
   * (stored fields and term vectors are copied in bulk). Chunk files are read with plain file
   * reads, not memory maps, so they do not count as resident memory.
   */
  private void mergeChunks() throws IOException {
    List<Directory> dirs = new ArrayList<>();
    List<DirectoryReader> readers = new ArrayList<>();
    try {
      List<CodecReader> leaves = new ArrayList<>();
      for (Path p : chunks) {
        Directory d = new NIOFSDirectory(p);
        dirs.add(d);
        DirectoryReader r = DirectoryReader.open(d);
        readers.add(r);
        for (LeafReaderContext leaf : r.leaves()) {
          leaves.add((CodecReader) leaf.reader());
        }
      }
      if (!leaves.isEmpty()) {
        writer.addIndexes(leaves.toArray(new CodecReader[0]));
      }
    } finally {
      IOUtils.close(readers);
      IOUtils.close(dirs);
    }
    chunks.clear();
    StagedFolder.deleteRecursively(chunkRoot);
  }

  /**
   * Lucene's default turns {@code addIndexes(CodecReader...)} into one merge (one segment) per
   * reader; this makes it a single merge of all readers, in the order given (docids follow it).
   */
  static final class SingleMergeOfAddedReaders extends FilterMergePolicy {
    SingleMergeOfAddedReaders(MergePolicy in) {
      super(in);
    }

    @Override
    public MergeSpecification findMerges(CodecReader... readers) {
      MergeSpecification spec = new MergeSpecification();
      spec.add(new OneMerge(readers));
      return spec;
    }
  }

  /** The future's value; its failure rethrown as it was (IOException, unchecked), else wrapped. */
  static <T> T get(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "indexing interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      rethrowIfUncheckedOrIo(c);
      throw new TrawlException(TrawlException.RUNTIME, "indexing failed: " + c, c);
    }
  }

  /** Rethrows {@code t} as it is if it is an IOException, a RuntimeException or an Error. */
  static void rethrowIfUncheckedOrIo(Throwable t) throws IOException {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }

  /**
   * One document's fields, refilled for each document (one thread): saves allocating a Document,
   * its fields and a BytesRef per document. The index's fields are defined here once, for both
   * pipelines: the text fields either replay the tokens analyzed by a worker ({@code replay}, the
   * single writer) or take the text to analyze (chunk segments).
   */
  private final class Reusable {
    final StringField id = new StringField(IndexFields.ID, "", Field.Store.YES);
    final SortedDocValuesField idValues = new SortedDocValuesField(IndexFields.ID, new BytesRef());
    final AnalyzedChunk.Replay titleTokens;
    final AnalyzedChunk.Replay contentsTokens;
    final Field title;
    final Field contents;
    final StoredField raw = new StoredField(IndexFields.RAW, "");
    final Document doc = new Document();

    Reusable(boolean replay) {
      titleTokens = replay ? new AnalyzedChunk.Replay() : null;
      contentsTokens = replay ? new AnalyzedChunk.Replay() : null;
      title = replay ? new Field(IndexFields.TITLE, titleTokens, textType)
          : new Field(IndexFields.TITLE, "", textType);
      contents = replay ? new Field(IndexFields.CONTENTS, contentsTokens, textType)
          : new Field(IndexFields.CONTENTS, "", textType);
      doc.add(id);
      doc.add(idValues);
      if (o.layout == Layout.MULTIFIELD) {
        doc.add(title);
      }
      doc.add(contents);
      if (o.storeRaw) {
        doc.add(raw);
      }
    }

    /** The document with its text fields replaying slots of an analyzed chunk. */
    Document set(SourceDocument d, AnalyzedChunk c, int slot) {
      setStored(d);
      if (o.layout == Layout.MULTIFIELD) {
        titleTokens.set(c, slot);
        contentsTokens.set(c, slot + 1);
      } else {
        contentsTokens.set(c, slot);
      }
      return doc;
    }

    /** The document with its text fields to be analyzed by the writer. */
    Document set(SourceDocument d) {
      setStored(d);
      if (o.layout == Layout.MULTIFIELD) {
        title.setStringValue(d.title());
        contents.setStringValue(d.contents());
      } else {
        contents.setStringValue(flatText(d));
      }
      return doc;
    }

    private void setStored(SourceDocument d) {
      id.setStringValue(d.id());
      idValues.setBytesValue(new BytesRef(d.id()));
      if (o.storeRaw) {
        raw.setStringValue(d.raw());
      }
    }
  }

  /**
   * The writer's RAM buffer: large enough that a corpus of a few million passages is flushed as
   * one segment (no merge at all), bounded by a quarter of the heap.
   */
  private static double ramBufferMB() {
    String mb = System.getProperty("trawl.index.ramBufferMB");
    if (mb != null) {
      return Double.parseDouble(mb);
    }
    return Math.max(64, Math.min(1536, Runtime.getRuntime().maxMemory() / 4 / (1 << 20)));
  }

  private IndexWriterConfig mainConfig() {
    // merges only at the end (forceMerge(1) when the RAM buffer was flushed more than once):
    // one merge of all segments, adjacent, in flush (= corpus) order
    LogDocMergePolicy mp = new LogDocMergePolicy();
    mp.setMergeFactor(1000);
    mp.setNoCFSRatio(0.0);
    return new IndexWriterConfig(analyzer)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setSimilarity(new BM25Similarity())
        .setRAMBufferSizeMB(o.ramBufferMB > 0 ? o.ramBufferMB : ramBufferMB())
        .setMergePolicy(new SingleMergeOfAddedReaders(mp))
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
    SegmentBuilder s = segment;
    if (s != null) {
      segment = null;
      try {
        s.close();
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
