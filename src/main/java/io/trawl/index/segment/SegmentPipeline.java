package io.trawl.index.segment;

import io.trawl.core.TrawlException;
import io.trawl.corpus.SourceDocument;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.Directory;

/**
 * Writes a stream of documents into an empty folder as a Lucene index of one segment (more when
 * they outgrow the memory budget), without IndexWriter, in parallel and deterministically: the
 * documents' internal ids follow their order for any thread count and chunking.
 *
 * <p>A reader thread takes the documents and cuts them into contiguous chunks (at most
 * {@code chunkDocs} documents or {@code chunkChars} characters) and hands each to a worker thread,
 * which analyzes and inverts it ({@link InvertedChunk}: the costly part); the calling thread
 * takes the chunks in order and appends them to the segment ({@link SegmentBuilder}), whose own
 * thread meanwhile writes stored fields and term vectors. At most {@code threads + 2} chunks are
 * in flight, and their buffers are reused, so memory stays bounded. When the segment holds more
 * than {@code budgetBytes} it is written out and another begun. {@link #commit} writes the last
 * one and commits them ({@code segments_1}); joining several into one, and removing repeated
 * docids, is the caller's business (IndexWriter's {@code forceMerge}).
 *
 * <p>Norms are those of the similarity given: BM25's by default (Lucene's {@link BM25Similarity};
 * the norm does not depend on k1 and b), or an impact index's (every norm 1).
 */
public final class SegmentPipeline implements Closeable {
  /** What was written: the segments (in docid order) and how many documents repeat a docid. */
  public record Written(int segments, long repeatedIds) {}

  /** Where the documents come from: {@code null} at the end. Called on the reader thread. */
  public interface Source {
    SourceDocument next();
  }

  /** The similarity whose norms are written (Anserini's default: BM25). */
  private final Similarity similarity;

  private final Directory dir;
  private final Schema schema;
  private final Analyzer analyzer;
  private final int threads;
  private final int chunkDocs;
  private final long chunkChars;
  private final long budgetBytes;
  private final AtomicLong added = new AtomicLong();
  private final List<SegmentCommitInfo> written = new ArrayList<>();
  private long repeated;
  private FieldInfos fieldInfos;
  private volatile SegmentBuilder segment;

  public SegmentPipeline(Directory dir, Schema schema, Analyzer analyzer, int threads, int chunkDocs,
      long chunkChars, long budgetBytes) {
    this(dir, schema, analyzer, new BM25Similarity(), threads, chunkDocs, chunkChars, budgetBytes);
  }

  /** As above, with the similarity whose norms are written (BM25's, or impact norms). */
  public SegmentPipeline(Directory dir, Schema schema, Analyzer analyzer, Similarity similarity,
      int threads, int chunkDocs, long chunkChars, long budgetBytes) {
    if (threads < 1 || chunkDocs < 1 || chunkChars < 1 || budgetBytes < 1) {
      throw new IllegalArgumentException("threads, chunk sizes and budget must be positive: " + threads
          + ", " + chunkDocs + ", " + chunkChars + ", " + budgetBytes);
    }
    this.dir = dir;
    this.schema = schema;
    this.analyzer = analyzer;
    this.similarity = similarity;
    this.threads = threads;
    this.chunkDocs = chunkDocs;
    this.chunkChars = chunkChars;
    this.budgetBytes = budgetBytes;
  }

  /** Documents added to the index so far (for progress; any thread may read it). */
  public long added() {
    return added.get();
  }

  /**
   * Adds every document of {@code source} (call once): segments are written out as they outgrow
   * the budget, the last one by {@link #commit}.
   */
  public void add(Source source) throws IOException {
    fieldInfos = schema.fieldInfos(analyzer, similarity);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trawl-index-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    BlockingQueue<Future<InvertedChunk>> queue = new ArrayBlockingQueue<>(threads + 2);
    Future<InvertedChunk> end = CompletableFuture.completedFuture(null);
    Queue<InvertedChunk> recycled = new ConcurrentLinkedQueue<>();
    ThreadLocal<InvertedChunk.Builder> builders = ThreadLocal.withInitial(() ->
        new InvertedChunk.Builder(analyzer, similarity, schema, recycled));
    Thread readerThread = new Thread(() -> {
      try {
        List<SourceDocument> chunk = new ArrayList<>();
        long chars = 0;
        SourceDocument d;
        while ((d = source.next()) != null) {
          chunk.add(d);
          chars += schema.chars(d);
          if (chunk.size() >= chunkDocs || chars >= chunkChars) {
            List<SourceDocument> docs = chunk;
            queue.put(pool.submit(() -> builders.get().invert(docs)));
            chunk = new ArrayList<>();
            chars = 0;
          }
        }
        if (!chunk.isEmpty()) {
          List<SourceDocument> docs = chunk;
          queue.put(pool.submit(() -> builders.get().invert(docs)));
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
    try {
      segment = new SegmentBuilder(dir, schema, fieldInfos, segmentName(0));
      readerThread.start();
      while (true) {
        Future<InvertedChunk> f;
        try {
          f = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TrawlException(TrawlException.RUNTIME, "indexing interrupted");
        }
        if (f == end) {
          break;
        }
        InvertedChunk c = get(f);
        int count = c.docs.size();
        segment.add(c); // releases the chunk when written
        added.addAndGet(count);
        if (segment.ramBytesUsed() > budgetBytes) {
          finishSegment();
          segment = new SegmentBuilder(dir, schema, fieldInfos, segmentName(written.size()));
        }
      }
    } finally {
      readerThread.interrupt();
      try {
        // the reader must be done before the source is closed (unless it is stuck on input)
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

  /** Writes out the last segment and commits them all as the index ({@code segments_1}). */
  public Written commit() throws IOException {
    finishSegment();
    SegmentBuilder.commit(dir, written, written.size());
    return new Written(written.size(), repeated);
  }

  /** Writes out the segment being built (if it holds documents). */
  private void finishSegment() throws IOException {
    SegmentBuilder s = segment;
    try {
      SegmentBuilder.Written w = s.finish();
      if (w != null) {
        written.add(w.info());
        repeated += w.repeatedIds();
      }
    } finally {
      segment = null;
      s.close();
    }
  }

  /** Lucene's name of the n-th segment. */
  private static String segmentName(long n) {
    return "_" + Long.toString(n, Character.MAX_RADIX);
  }

  /** Stops: closes the segment being built (from any thread, e.g. a shutdown hook). */
  @Override
  public void close() throws IOException {
    SegmentBuilder s = segment;
    if (s != null) {
      segment = null;
      s.close();
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
}
