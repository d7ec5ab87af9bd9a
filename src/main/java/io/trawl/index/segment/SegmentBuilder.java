package io.trawl.index.segment;

import io.trawl.core.InputException;
import io.trawl.corpus.SourceDocument;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.DocValuesConsumer;
import org.apache.lucene.codecs.FieldsConsumer;
import org.apache.lucene.codecs.NormsConsumer;
import org.apache.lucene.codecs.NormsProducer;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.codecs.TermVectorsWriter;
import org.apache.lucene.index.BaseTermsEnum;
import org.apache.lucene.index.EmptyDocValuesProducer;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.Fields;
import org.apache.lucene.index.ImpactsEnum;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.SlowImpactsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.TrackingDirectoryWrapper;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.InfoStream;
import org.apache.lucene.util.StringHelper;
import org.apache.lucene.util.UnicodeUtil;
import org.apache.lucene.util.Version;

/**
 * Writes one Lucene segment straight through the default codec's writers, from chunks inverted on
 * worker threads ({@link InvertedChunk}) and handed over in corpus order: what Lucene's
 * IndexWriter would write for the same documents (same field infos, postings, norms, stored
 * fields, term vectors and doc values; {@code IndexerEqualityTest} compares them field by field),
 * without inverting every token again on one thread.
 *
 * <p>While chunks arrive, their stored fields and term vectors go to the codec's writers (both
 * stream documents in order) on a thread of their own, and each chunk term's postings are appended
 * to the term's postings in the segment's dictionary (slices in one byte pool, encoded as in
 * {@link InvertedChunk}). {@link #finish} sorts the
 * dictionaries and the docids, writes norms, doc values and postings through the codec, then the
 * field infos, the segment info and the commit point ({@code segments_1}).
 *
 * <p>The fields are the {@link Schema}'s: the docid field (keyword, stored, sorted doc values),
 * the text fields, the stored-only fields.
 */
final class SegmentBuilder implements Closeable {
  private final Directory dir;
  private final String name;
  private final TrackingDirectoryWrapper tracking;
  private final String idField;
  private final Codec codec = Codec.getDefault();
  private final FieldInfos fieldInfos;
  private final FieldInfo idInfo;
  /** The stored-only fields, and where their values come from. */
  private final FieldInfo[] storedInfos;
  private final List<Schema.Stored> storedFields;
  private final FieldInfo[] textInfos;
  /** Text fields in name order (term vectors list a document's fields so). */
  private final int[] textByName;
  private final boolean vectors;
  private final boolean positions;
  private final byte[] segmentId = StringHelper.randomId();
  /** The segment info the stored-fields and term-vector writers were opened with. */
  private final SegmentInfo provisional;
  private final StoredFieldsWriter stored;
  private final TermVectorsWriter termVectors;
  private final SlicePool slices = new SlicePool();
  private final FieldPostings[] postings;
  private final Ids ids = new Ids();
  private final byte[] vint = new byte[10];
  private final BytesRef scratch = new BytesRef();
  private int docs;
  /**
   * Stored fields and term vectors are written on a thread of their own (they are independent of
   * the postings, and storing raw documents costs as much as all the rest of this thread's work).
   */
  private final BlockingQueue<InvertedChunk> toStore = new ArrayBlockingQueue<>(4);
  private static final InvertedChunk END = InvertedChunk.end();
  private final Thread storer;
  private volatile Throwable storeFailure;

  /**
   * A builder of the segment called {@code name} (Lucene's names: "_0", "_1", ... base 36).
   *
   * @param fieldInfos the field infos IndexWriter gives the schema's documents
   *     ({@link Schema#fieldInfos}; attributes are set anew by the codec's writers)
   */
  SegmentBuilder(Directory dir, Schema schema, FieldInfos fieldInfos, String name) throws IOException {
    this.dir = dir;
    this.name = name;
    this.tracking = new TrackingDirectoryWrapper(dir);
    List<FieldInfo> copies = new ArrayList<>();
    for (FieldInfo f : fieldInfos) {
      copies.add(new FieldInfo(f.name, f.number, f.hasTermVectors(), f.omitsNorms(), f.hasPayloads(),
          f.getIndexOptions(), f.getDocValuesType(), f.docValuesSkipIndexType(), -1, new HashMap<>(),
          f.getPointDimensionCount(), f.getPointIndexDimensionCount(), f.getPointNumBytes(),
          f.getVectorDimension(), f.getVectorEncoding(), f.getVectorSimilarityFunction(),
          f.isSoftDeletesField(), f.isParentField()));
    }
    this.fieldInfos = new FieldInfos(copies.toArray(new FieldInfo[0]));
    this.idField = schema.id();
    this.idInfo = this.fieldInfos.fieldInfo(schema.id());
    this.storedFields = schema.stored();
    this.storedInfos = new FieldInfo[storedFields.size()];
    for (int i = 0; i < storedInfos.length; i++) {
      storedInfos[i] = this.fieldInfos.fieldInfo(storedFields.get(i).name());
    }
    int textFields = schema.text().size();
    this.textInfos = new FieldInfo[textFields];
    this.postings = new FieldPostings[textFields];
    Integer[] byName = new Integer[textFields];
    for (int i = 0; i < textFields; i++) {
      textInfos[i] = this.fieldInfos.fieldInfo(schema.text().get(i).name());
      postings[i] = new FieldPostings(textInfos[i]);
      byName[i] = i;
    }
    Arrays.sort(byName, (a, b) -> textInfos[a].name.compareTo(textInfos[b].name));
    this.textByName = Arrays.stream(byName).mapToInt(Integer::intValue).toArray();
    this.vectors = this.fieldInfos.hasTermVectors();
    this.positions = textInfos[0].getIndexOptions()
        .compareTo(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) >= 0;
    this.provisional = segmentInfo(-1, new HashMap<>());
    StoredFieldsWriter s = null;
    TermVectorsWriter v = null;
    try {
      s = codec.storedFieldsFormat().fieldsWriter(tracking, provisional, IOContext.DEFAULT);
      v = vectors ? codec.termVectorsFormat().vectorsWriter(tracking, provisional, IOContext.DEFAULT) : null;
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(s, v);
      throw e;
    }
    this.stored = s;
    this.termVectors = v;
    this.storer = new Thread(this::storeLoop, "trawl-store");
    storer.setDaemon(true);
    storer.start();
  }

  private void storeLoop() {
    try {
      while (true) {
        InvertedChunk c = toStore.take();
        if (c == END) {
          return;
        }
        try {
          if (storeFailure == null) {
            store(c);
          }
        } finally {
          c.release();
        }
      }
    } catch (InterruptedException e) {
      // closed
    } catch (Throwable t) {
      storeFailure = t;
      // keep taking chunks so that add() never blocks on a dead thread
      while (true) {
        try {
          InvertedChunk c = toStore.take();
          if (c == END) {
            return;
          }
          c.release();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void store(InvertedChunk c) throws IOException {
    for (int d = 0, n = c.docs.size(); d < n; d++) {
      SourceDocument doc = c.docs.get(d);
      stored.startDocument();
      stored.writeField(idInfo, doc.id());
      for (int f = 0; f < storedInfos.length; f++) {
        stored.writeField(storedInfos[f], storedFields.get(f).value().apply(doc));
      }
      stored.finishDocument();
      if (vectors) {
        vectors(c, d);
      }
    }
  }

  private void checkStored() throws IOException {
    Throwable t = storeFailure;
    if (t != null) {
      SegmentPipeline.rethrowIfUncheckedOrIo(t);
      throw new IOException(t);
    }
  }

  private SegmentInfo segmentInfo(int maxDoc, Map<String, String> attributes) {
    Map<String, String> diagnostics = new HashMap<>();
    diagnostics.put("source", "flush");
    diagnostics.put("lucene.version", Version.LATEST.toString());
    diagnostics.put("os", System.getProperty("os.name", ""));
    diagnostics.put("java.runtime.version", Runtime.version().toString());
    diagnostics.put("timestamp", Long.toString(System.currentTimeMillis()));
    return new SegmentInfo(dir, Version.LATEST, Version.LATEST, name, maxDoc, false, false, codec,
        diagnostics, segmentId, attributes, null);
  }

  /** Adds the next chunk (corpus order): its stored fields, term vectors, postings and norms. */
  void add(InvertedChunk c) throws IOException {
    int base = docs;
    int n = c.docs.size();
    if ((long) base + n > org.apache.lucene.index.IndexWriter.MAX_DOCS) {
      throw new IllegalArgumentException("more than " + org.apache.lucene.index.IndexWriter.MAX_DOCS
          + " documents: one Lucene index cannot hold them");
    }
    checkStored();
    for (int d = 0; d < n; d++) {
      ids.add(c.docs.get(d));
    }
    c.users.set(2);
    put(c);
    try {
      for (int f = 0; f < postings.length; f++) {
        postings[f].add(c.fields[f], base);
      }
    } finally {
      c.release();
    }
    docs = base + n;
  }

  private void put(InvertedChunk c) throws IOException {
    try {
      toStore.put(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("indexing interrupted");
    }
  }

  /** Waits for the stored-fields thread to write everything queued. */
  private void drainStored() throws IOException {
    put(END);
    try {
      storer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("indexing interrupted");
    }
    checkStored();
  }

  private void vectors(InvertedChunk c, int d) throws IOException {
    int fields = 0;
    for (InvertedChunk.FieldChunk fc : c.fields) {
      if (fc.vecEnd[d] > fc.vecBegin(d)) {
        fields++;
      }
    }
    termVectors.startDocument(fields);
    for (int f : textByName) {
      InvertedChunk.FieldChunk fc = c.fields[f];
      int begin = fc.vecBegin(d);
      int end = fc.vecEnd[d];
      if (end == begin) {
        continue;
      }
      termVectors.startField(textInfos[f], end - begin, positions, false, false);
      for (int s = begin; s < end; s++) {
        int freq = fc.vecFreq[s];
        termVectors.startTerm(fc.dict.term(fc.vecTerm[s], scratch), freq);
        if (positions) {
          for (int m = fc.vecPos[s], e = m + freq; m < e; m++) {
            termVectors.addPosition(fc.byTermPos[m], -1, -1, null);
          }
        }
        termVectors.finishTerm();
      }
      termVectors.finishField();
    }
    termVectors.finishDocument();
  }

  /** The segment as written: for the commit point; and how many documents repeat a docid. */
  record Written(SegmentCommitInfo info, long repeatedIds) {}

  /**
   * Memory held for the segment so far, roughly: postings, dictionaries, docids, norms. The
   * caller writes the segment out (and starts another) when it passes its budget.
   */
  long ramBytesUsed() {
    long bytes = slices.bytes() + ids.pool.length + 8L * ids.start.length;
    for (FieldPostings p : postings) {
      bytes += p.dict.ramBytesUsed() + 29L * p.docFreq.length + p.norms.length;
    }
    return bytes;
  }

  /**
   * Writes the rest of the segment; {@link #commit} makes it (with any earlier ones) the index.
   * Returns null for a segment without documents.
   */
  Written finish() throws IOException {
    lapStart = System.nanoTime();
    drainStored();
    stored.finish(docs);
    if (termVectors != null) {
      termVectors.finish(docs);
    }
    closeWriters();
    if (docs == 0) {
      for (String f : tracking.getCreatedFiles()) {
        dir.deleteFile(f);
      }
      return null;
    }
    lap("stored fields and term vectors drained (postings in memory: " + (slices.bytes() >> 20)
        + " MiB)");
    SegmentInfo si = segmentInfo(docs, new HashMap<>(provisional.getAttributes()));
    SegmentWriteState state = new SegmentWriteState(InfoStream.NO_OUTPUT, tracking, si, fieldInfos,
        null, IOContext.DEFAULT);
    Norms norms = new Norms();
    // the text fields' postings (the long part) on this thread; meanwhile a helper sorts the docids
    // and writes norms and doc values; the docids' postings come last (field order) and wait for it
    ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "trawl-finish");
      t.setDaemon(true);
      return t;
    });
    long duplicates;
    try {
      Future<Long> sortedIds = helper.submit(() -> {
        long repeated = ids.sort(docs);
        lap("docids sorted");
        return repeated;
      });
      Future<?> normsAndValues = helper.submit(() -> {
        try (NormsConsumer nc = codec.normsFormat().normsConsumer(state)) {
          for (FieldInfo fi : textInfos) {
            nc.addNormsField(fi, norms);
          }
        }
        try (DocValuesConsumer dv = codec.docValuesFormat().fieldsConsumer(state)) {
          dv.addSortedField(idInfo, new EmptyDocValuesProducer() {
            @Override
            public SortedDocValues getSorted(FieldInfo field) {
              return ids.docValues();
            }
          });
        }
        lap("norms and doc values");
        return null;
      });
      for (FieldPostings p : postings) {
        p.sort();
      }
      lap("terms sorted");
      try (FieldsConsumer fc = codec.postingsFormat().fieldsConsumer(state)) {
        fc.write(new SegmentFields(() -> await(sortedIds)), norms);
      }
      lap("postings");
      await(normsAndValues);
      duplicates = await(sortedIds);
    } finally {
      helper.shutdownNow();
    }
    codec.fieldInfosFormat().write(tracking, si, "", fieldInfos, IOContext.DEFAULT);
    si.setFiles(new ArrayList<>(tracking.getCreatedFiles()));
    codec.segmentInfoFormat().write(dir, si, IOContext.DEFAULT);
    dir.sync(si.files());
    lap("synced");
    return new Written(new SegmentCommitInfo(si, 0, 0, -1, -1, -1, StringHelper.randomId()), duplicates);
  }

  /** Commits the segments (in docid order) as the index: writes {@code segments_1}. */
  static void commit(Directory dir, List<SegmentCommitInfo> segments, long counter) throws IOException {
    SegmentInfos infos = new SegmentInfos(Version.LATEST.major);
    infos.counter = counter;
    for (SegmentCommitInfo s : segments) {
      infos.add(s);
    }
    infos.commit(dir);
  }

  private static final boolean STATS = Boolean.getBoolean("trawl.index.stats");
  private long lapStart = System.nanoTime();

  /** With {@code -Dtrawl.index.stats=true}: how long each step of {@link #finish} took. */
  private void lap(String what) {
    if (STATS) {
      long now = System.nanoTime();
      System.err.printf(java.util.Locale.ROOT, "segment: %s in %.2f s%n", what, (now - lapStart) / 1e9);
      lapStart = now;
    }
  }

  @Override
  public void close() throws IOException {
    storer.interrupt();
    try {
      storer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeWriters();
  }

  private boolean writersClosed;

  private void closeWriters() throws IOException {
    if (!writersClosed) {
      writersClosed = true;
      IOUtils.close(stored, termVectors);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // postings of one text field

  /** The segment's dictionary of one text field, its postings (in slices) and norms. */
  private final class FieldPostings {
    final FieldInfo info;
    final boolean freqs;
    final boolean positions;
    /** The segment's terms of this field. */
    final ByteDictionary dict = new ByteDictionary(1 << 12, 1 << 16);
    int[] docFreq = new int[1 << 12];
    long[] totalFreq = new long[1 << 12];
    int[] lastDoc = new int[1 << 12];
    int[] head = new int[1 << 12];
    int[] cur = new int[1 << 12];
    int[] used = new int[1 << 12];
    byte[] level = new byte[1 << 12];
    byte[] norms = new byte[1 << 12];
    /** Term ids in byte order (after {@link #sort}). */
    int[] sorted;
    long sumTotalTermFreq;
    long sumDocFreq;
    int docCount;

    FieldPostings(FieldInfo info) {
      this.info = info;
      this.freqs = info.getIndexOptions().compareTo(IndexOptions.DOCS_AND_FREQS) >= 0;
      this.positions = info.getIndexOptions().compareTo(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) >= 0;
    }

    void add(InvertedChunk.FieldChunk fc, int base) {
      ByteDictionary terms = fc.dict;
      for (int t = 0; t < terms.size; t++) {
        int g = dict.add(terms.bytes, terms.start[t], terms.length[t], terms.hash[t]);
        if (g < 0) {
          g = -1 - g;
        } else {
          newTerm(g);
        }
        int doc = base + fc.firstDoc[t];
        int gap = doc - lastDoc[g];
        int n;
        if (freqs) {
          int f = fc.firstFreq[t];
          n = vint(gap << 1 | (f == 1 ? 1 : 0), 0);
          if (f != 1) {
            n = vint(f, n);
          }
        } else {
          n = vint(gap, 0);
        }
        append(g, vint, 0, n);
        append(g, fc.post, fc.postStart[t], fc.postEnd[t] - fc.postStart[t]);
        lastDoc[g] = base + fc.lastDoc[t];
        docFreq[g] += fc.docFreq[t];
        totalFreq[g] += fc.totalFreq[t];
      }
      int n = fc.docCount;
      if (base + n > norms.length) {
        norms = Arrays.copyOf(norms, ArrayUtil.oversize(base + n, 1));
      }
      System.arraycopy(fc.norms, 0, norms, base, n);
      docCount += fc.docsWithTokens;
    }

    private int vint(int v, int n) {
      while ((v & ~0x7F) != 0) {
        vint[n++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      vint[n++] = (byte) v;
      return n;
    }

    /** A new term {@code e}: its per-term arrays, its first slice. */
    private void newTerm(int e) {
      if (e == docFreq.length) {
        int n = ArrayUtil.oversize(e + 1, Integer.BYTES);
        docFreq = Arrays.copyOf(docFreq, n);
        totalFreq = Arrays.copyOf(totalFreq, n);
        lastDoc = Arrays.copyOf(lastDoc, n);
        head = Arrays.copyOf(head, n);
        cur = Arrays.copyOf(cur, n);
        used = Arrays.copyOf(used, n);
        level = Arrays.copyOf(level, n);
      }
      lastDoc[e] = -1;
      int slice = slices.alloc(0);
      head[e] = slice;
      cur[e] = slice;
      used[e] = 0;
      level[e] = 0;
    }

    private void append(int g, byte[] src, int off, int len) {
      int addr = cur[g];
      int lvl = level[g];
      int u = used[g];
      while (len > 0) {
        int cap = SlicePool.payload(lvl);
        if (u == cap) {
          int next = Math.min(lvl + 1, SlicePool.MAX_LEVEL);
          int slice = slices.alloc(next);
          slices.setNext(addr, cap, slice);
          addr = slice;
          lvl = next;
          u = 0;
          cap = SlicePool.payload(lvl);
        }
        int n = Math.min(cap - u, len);
        slices.write(addr, u, src, off, n);
        u += n;
        off += n;
        len -= n;
      }
      cur[g] = addr;
      level[g] = (byte) lvl;
      used[g] = u;
    }

    void sort() {
      dict.freeze(); // no more lookups
      int size = dict.size;
      sorted = new int[size];
      for (int i = 0; i < size; i++) {
        sorted[i] = i;
        sumTotalTermFreq += totalFreq[i];
        sumDocFreq += docFreq[i];
      }
      dict.sort(sorted, size);
    }

    Terms terms() {
      return new Terms() {
        @Override
        public TermsEnum iterator() {
          return new FieldTermsEnum(FieldPostings.this);
        }

        @Override
        public long size() {
          return dict.size;
        }

        @Override
        public long getSumTotalTermFreq() {
          return freqs ? sumTotalTermFreq : sumDocFreq;
        }

        @Override
        public long getSumDocFreq() {
          return sumDocFreq;
        }

        @Override
        public int getDocCount() {
          return docCount;
        }

        @Override
        public boolean hasFreqs() {
          return freqs;
        }

        @Override
        public boolean hasOffsets() {
          return false;
        }

        @Override
        public boolean hasPositions() {
          return positions;
        }

        @Override
        public boolean hasPayloads() {
          return false;
        }
      };
    }
  }

  /** Terms read once, in order, by the codec's writer: no seeking. */
  private abstract static class ForwardTermsEnum extends BaseTermsEnum {
    @Override
    public ImpactsEnum impacts(int flags) throws IOException {
      return new SlowImpactsEnum(postings(null, flags));
    }

    @Override
    public SeekStatus seekCeil(BytesRef text) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void seekExact(long ord) {
      throw new UnsupportedOperationException();
    }
  }

  /** Postings without offsets or payloads, read forward. */
  private abstract static class PlainPostings extends PostingsEnum {
    @Override
    public int startOffset() {
      return -1;
    }

    @Override
    public int endOffset() {
      return -1;
    }

    @Override
    public BytesRef getPayload() {
      return null;
    }

    @Override
    public int advance(int target) throws IOException {
      return slowAdvance(target);
    }
  }

  /** Sorted terms of one text field, with their postings read back from the slices. */
  private final class FieldTermsEnum extends ForwardTermsEnum {
    private final FieldPostings p;
    private final BytesRef term = new BytesRef();
    private int ord = -1;
    private int t;

    FieldTermsEnum(FieldPostings p) {
      this.p = p;
    }

    @Override
    public BytesRef next() {
      if (++ord >= p.dict.size) {
        return null;
      }
      t = p.sorted[ord];
      return p.dict.term(t, term);
    }

    @Override
    public BytesRef term() {
      return term;
    }

    @Override
    public long ord() {
      return ord;
    }

    @Override
    public int docFreq() {
      return p.docFreq[t];
    }

    @Override
    public long totalTermFreq() {
      return p.freqs ? p.totalFreq[t] : p.docFreq[t];
    }

    @Override
    public PostingsEnum postings(PostingsEnum reuse, int flags) {
      SlicePostings e = reuse instanceof SlicePostings s && s.p == p ? s : new SlicePostings(p);
      e.reset(t);
      return e;
    }



  }

  /** One term's postings, decoded from its slices. */
  private final class SlicePostings extends PlainPostings {
    final FieldPostings p;
    private final SlicePool.Reader in = slices.reader();
    private int left;
    private int doc;
    private int freq;
    private int positionsLeft;
    private int position;
    private int df;

    SlicePostings(FieldPostings p) {
      this.p = p;
    }

    void reset(int t) {
      in.reset(p.head[t], p.cur[t], p.used[t]);
      df = p.docFreq[t];
      left = df;
      doc = -1;
      positionsLeft = 0;
    }

    @Override
    public int nextDoc() {
      while (positionsLeft > 0) {
        in.readVInt();
        positionsLeft--;
      }
      if (left == 0) {
        return doc = NO_MORE_DOCS;
      }
      left--;
      if (p.freqs) {
        int code = in.readVInt();
        doc += code >>> 1;
        freq = (code & 1) != 0 ? 1 : in.readVInt();
      } else {
        doc += in.readVInt();
        freq = 1;
      }
      positionsLeft = p.positions ? freq : 0;
      position = 0;
      return doc;
    }

    @Override
    public int nextPosition() {
      positionsLeft--;
      position += in.readVInt();
      return position;
    }

    @Override
    public int freq() {
      return freq;
    }




    @Override
    public int docID() {
      return doc;
    }


    @Override
    public long cost() {
      return df;
    }
  }

  private static <T> T await(Future<T> f) throws IOException {
    return SegmentPipeline.get(f);
  }

  /** Something to wait for before the docids' postings are read. */
  private interface Ready {
    void await() throws IOException;
  }

  /** The postings of every field: the text fields and the docids. */
  private final class SegmentFields extends Fields {
    private final Map<String, Terms> byName = new TreeMap<>();
    private final Ready idsSorted;

    SegmentFields(Ready idsSorted) {
      for (FieldPostings p : postings) {
        byName.put(p.info.name, p.terms());
      }
      byName.put(idField, null);
      this.idsSorted = idsSorted;
    }

    @Override
    public Iterator<String> iterator() {
      return byName.keySet().iterator();
    }

    @Override
    public Terms terms(String field) throws IOException {
      lap("postings before " + field);
      if (field.equals(idField)) {
        idsSorted.await();
        return ids.terms();
      }
      return byName.get(field);
    }

    @Override
    public int size() {
      return byName.size();
    }
  }

  /** The norms of the text fields: every document has one (0 when the field has no tokens). */
  private final class Norms extends NormsProducer {
    @Override
    public NumericDocValues getNorms(FieldInfo field) {
      byte[] values = null;
      for (FieldPostings p : postings) {
        if (p.info.name.equals(field.name)) {
          values = p.norms;
        }
      }
      byte[] v = values;
      return new NumericDocValues() {
        private int doc = -1;

        @Override
        public long longValue() {
          return v[doc];
        }

        @Override
        public boolean advanceExact(int target) {
          doc = target;
          return true;
        }

        @Override
        public int docID() {
          return doc;
        }

        @Override
        public int nextDoc() {
          return advance(doc + 1);
        }

        @Override
        public int advance(int target) {
          return doc = target < docs ? target : NO_MORE_DOCS;
        }

        @Override
        public long cost() {
          return docs;
        }
      };
    }

    @Override
    public void checkIntegrity() {}

    @Override
    public void close() {}
  }

  // ---------------------------------------------------------------------------------------------
  // docids: the id field's postings and sorted doc values

  /** Every document's docid (UTF-8), then sorted: ordinals, and documents per ordinal. */
  private static final class Ids {
    byte[] pool = new byte[1 << 16];
    int poolUsed;
    int[] start = new int[1 << 12];
    int[] length = new int[1 << 12];
    int count;
    /** Documents in docid order (equal docids: in document order). */
    int[] byId;
    /** Per ordinal: its first position in {@link #byId}; one more entry at the end. */
    int[] ordStart;
    int[] ordOfDoc;
    int ords;

    void add(SourceDocument d) {
      String id = d.id();
      int max = id.length() * 3;
      if (poolUsed + max > pool.length) {
        pool = ArrayUtil.grow(pool, poolUsed + max);
      }
      int end = UnicodeUtil.UTF16toUTF8(id, 0, id.length(), pool, poolUsed);
      int len = end - poolUsed;
      if (len > ByteDictionary.MAX_TERM_BYTES) {
        throw new InputException(d.file(), d.line(), "cannot index document: its docid is longer than "
            + ByteDictionary.MAX_TERM_BYTES + " bytes (UTF-8)");
      }
      if (count == start.length) {
        int n = ArrayUtil.oversize(count + 1, Integer.BYTES);
        start = Arrays.copyOf(start, n);
        length = Arrays.copyOf(length, n);
      }
      start[count] = poolUsed;
      length[count] = len;
      poolUsed = end;
      count++;
    }

    private boolean same(int a, int b) {
      return ByteDictionary.sameBytes(pool, start[a], length[a], pool, start[b], length[b]);
    }

    /** Sorts the docids; returns how many documents repeat an earlier docid. */
    long sort(int docs) {
      byId = new int[docs];
      for (int i = 0; i < docs; i++) {
        byId[i] = i;
      }
      ByteDictionary.sortByBytes(byId, docs, pool, start, length);
      ordOfDoc = new int[docs];
      ordStart = new int[docs + 1];
      long repeated = 0;
      int ord = -1;
      for (int i = 0; i < docs; i++) {
        if (i == 0 || !same(byId[i - 1], byId[i])) {
          ord++;
          ordStart[ord] = i;
        } else {
          repeated++;
        }
        ordOfDoc[byId[i]] = ord;
      }
      ords = ord + 1;
      ordStart[ords] = docs;
      if (repeated > 0) {
        // equal docids: their documents in document order (the sort need not keep it)
        for (int o = 0; o < ords; o++) {
          if (ordStart[o + 1] - ordStart[o] > 1) {
            Arrays.sort(byId, ordStart[o], ordStart[o + 1]);
          }
        }
      }
      return repeated;
    }

    BytesRef value(int ord, BytesRef into) {
      int d = byId[ordStart[ord]];
      into.bytes = pool;
      into.offset = start[d];
      into.length = length[d];
      return into;
    }

    SortedDocValues docValues() {
      return new SortedDocValues() {
        private final BytesRef value = new BytesRef();
        private int doc = -1;

        @Override
        public int ordValue() {
          return ordOfDoc[doc];
        }

        @Override
        public BytesRef lookupOrd(int ord) {
          return value(ord, value);
        }

        @Override
        public int getValueCount() {
          return ords;
        }

        @Override
        public boolean advanceExact(int target) {
          doc = target;
          return true;
        }

        @Override
        public int docID() {
          return doc;
        }

        @Override
        public int nextDoc() {
          return advance(doc + 1);
        }

        @Override
        public int advance(int target) {
          return doc = target < count ? target : NO_MORE_DOCS;
        }

        @Override
        public long cost() {
          return count;
        }
      };
    }

    Terms terms() {
      return new Terms() {
        @Override
        public TermsEnum iterator() {
          return new ForwardTermsEnum() {
            private final BytesRef term = new BytesRef();
            private int ord = -1;

            @Override
            public BytesRef next() {
              return ++ord < ords ? value(ord, term) : null;
            }

            @Override
            public BytesRef term() {
              return term;
            }

            @Override
            public long ord() {
              return ord;
            }

            @Override
            public int docFreq() {
              return ordStart[ord + 1] - ordStart[ord];
            }

            @Override
            public long totalTermFreq() {
              return docFreq();
            }

            @Override
            public PostingsEnum postings(PostingsEnum reuse, int flags) {
              int from = ordStart[ord];
              int to = ordStart[ord + 1];
              return new PlainPostings() {
                private int i = from - 1;
                private int doc = -1;

                @Override
                public int nextDoc() {
                  return doc = ++i < to ? byId[i] : NO_MORE_DOCS;
                }

                @Override
                public int docID() {
                  return doc;
                }


                @Override
                public long cost() {
                  return to - from;
                }

                @Override
                public int freq() {
                  return 1;
                }

                @Override
                public int nextPosition() {
                  return -1;
                }



              };
            }



          };
        }

        @Override
        public long size() {
          return ords;
        }

        @Override
        public long getSumTotalTermFreq() {
          return count;
        }

        @Override
        public long getSumDocFreq() {
          return count;
        }

        @Override
        public int getDocCount() {
          return count;
        }

        @Override
        public boolean hasFreqs() {
          return false;
        }

        @Override
        public boolean hasOffsets() {
          return false;
        }

        @Override
        public boolean hasPositions() {
          return false;
        }

        @Override
        public boolean hasPayloads() {
          return false;
        }
      };
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Growing byte runs in one pool: each run is a chain of slices (4 bytes at a slice's end address
   * the next one), slices grow from 16 to 2,048 bytes, so rare terms waste little and frequent
   * ones few links. A slice address is its byte offset divided by 8 (pages of 64 KiB; slices never
   * cross a page).
   */
  static final class SlicePool {
    static final int PAGE_BITS = 16;
    static final int PAGE = 1 << PAGE_BITS;
    static final int MAX_LEVEL = 7;
    private byte[][] pages = new byte[16][];
    private int page = -1;
    private int pageUsed = PAGE;

    static int size(int level) {
      return 16 << level;
    }

    static int payload(int level) {
      return (16 << level) - 4;
    }

    int alloc(int level) {
      int size = size(level);
      if (pageUsed + size > PAGE) {
        page++;
        if (page == pages.length) {
          pages = Arrays.copyOf(pages, pages.length * 2);
        }
        if ((long) page << PAGE_BITS >= (1L << 34)) {
          throw new IllegalStateException("postings need more than 16 GiB in memory");
        }
        pages[page] = new byte[PAGE];
        pageUsed = 0;
      }
      long abs = ((long) page << PAGE_BITS) + pageUsed;
      pageUsed += size;
      return (int) (abs >>> 3);
    }

    void write(int slice, int at, byte[] src, int off, int len) {
      long abs = ((long) slice << 3) + at;
      System.arraycopy(src, off, pages[(int) (abs >>> PAGE_BITS)], (int) (abs & (PAGE - 1)), len);
    }

    void setNext(int slice, int at, int next) {
      long abs = ((long) slice << 3) + at;
      byte[] p = pages[(int) (abs >>> PAGE_BITS)];
      int o = (int) (abs & (PAGE - 1));
      p[o] = (byte) (next >>> 24);
      p[o + 1] = (byte) (next >>> 16);
      p[o + 2] = (byte) (next >>> 8);
      p[o + 3] = (byte) next;
    }

    Reader reader() {
      return new Reader();
    }

    long bytes() {
      return (long) (page + 1) << PAGE_BITS;
    }

    /** Reads one run from its first slice to its last (where {@code used} bytes are written). */
    final class Reader {
      private byte[] bytes;
      private int pos;
      private int end;
      private int level;
      private int last;
      private int lastUsed;

      void reset(int head, int last, int lastUsed) {
        this.last = last;
        this.lastUsed = lastUsed;
        enter(head, 0);
      }

      private void enter(int s, int lvl) {
        level = lvl;
        long abs = (long) s << 3;
        bytes = pages[(int) (abs >>> PAGE_BITS)];
        pos = (int) (abs & (PAGE - 1));
        end = pos + (s == last ? lastUsed : payload(lvl));
      }

      private byte readByte() {
        if (pos == end) {
          int next = ((bytes[end] & 0xff) << 24) | ((bytes[end + 1] & 0xff) << 16)
              | ((bytes[end + 2] & 0xff) << 8) | (bytes[end + 3] & 0xff);
          enter(next, Math.min(level + 1, MAX_LEVEL));
        }
        return bytes[pos++];
      }

      int readVInt() {
        byte b = readByte();
        int v = b & 0x7F;
        for (int shift = 7; b < 0; shift += 7) {
          b = readByte();
          v |= (b & 0x7F) << shift;
        }
        return v;
      }
    }
  }
}
