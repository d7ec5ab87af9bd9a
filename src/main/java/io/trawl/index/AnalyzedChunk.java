package io.trawl.index;

import io.trawl.core.InputException;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.BytesTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.AttributeFactory;
import org.apache.lucene.util.BytesRef;

/**
 * The analyzed text fields of a run of consecutive documents, as compact token lists: analysis
 * runs on worker threads, and the single indexing thread replays the tokens into Lucene in
 * corpus order ({@link Replay}).
 *
 * <p>Each (document, text field) holds either the analyzer's token sequence as it came out (term,
 * position increment, frequency 1), or, in <b>counting mode</b> (frequencies only: no positions, no
 * term vectors), one token per distinct term with Lucene's {@link TermFrequencyAttribute} set to
 * its number of occurrences. Lucene's inverter then adds each distinct term once per document;
 * the field length (norm) is the sum of the frequencies, i.e. the number of tokens, and postings
 * (documents and frequencies) are the same. A field whose analysis yields an overlapping token
 * (position increment 0, which BM25 discounts from the length) or a custom frequency is kept as
 * its plain sequence instead, so the index is identical either way.
 */
final class AnalyzedChunk {
  List<SourceDocument> docs;
  int fieldsPerDoc;
  byte[] bytes = new byte[1 << 15];
  int bytesUsed;
  int[] start = new int[1 << 12];
  int[] length = new int[1 << 12];
  int[] posInc = new int[1 << 12];
  int[] freq = new int[1 << 12];
  int tokens;
  /** Per (document, field): one past its last token. */
  int[] ends = new int[0];
  /** Where this chunk goes back when consumed (its arrays are reused: less garbage). */
  private final Queue<AnalyzedChunk> recycled;

  private AnalyzedChunk(Queue<AnalyzedChunk> recycled) {
    this.recycled = recycled;
  }

  private void reset(List<SourceDocument> docs, int fieldsPerDoc) {
    this.docs = docs;
    this.fieldsPerDoc = fieldsPerDoc;
    if (ends.length < docs.size() * fieldsPerDoc) {
      ends = new int[docs.size() * fieldsPerDoc];
    }
    tokens = 0;
    bytesUsed = 0;
  }

  /** Hands the buffers back for another chunk; this chunk must not be used afterwards. */
  void recycle() {
    docs = null;
    recycled.offer(this);
  }

  /** First token of (document, field) number {@code slot}. */
  int begin(int slot) {
    return slot == 0 ? 0 : ends[slot - 1];
  }

  private void grow(int minTokens, int minBytes) {
    if (minTokens > start.length) {
      int n = ArrayUtil.oversize(minTokens, Integer.BYTES);
      start = Arrays.copyOf(start, n);
      length = Arrays.copyOf(length, n);
      posInc = Arrays.copyOf(posInc, n);
      freq = Arrays.copyOf(freq, n);
    }
    if (minBytes > bytes.length) {
      bytes = ArrayUtil.grow(bytes, minBytes);
    }
  }

  private void add(byte[] b, int off, int len, int inc, int f) {
    if (tokens == start.length || bytesUsed + len > bytes.length) {
      grow(tokens + 1, bytesUsed + len);
    }
    System.arraycopy(b, off, bytes, bytesUsed, len);
    start[tokens] = bytesUsed;
    length[tokens] = len;
    posInc[tokens] = inc;
    freq[tokens] = f;
    bytesUsed += len;
    tokens++;
  }

  /**
   * Analyzes the text fields of {@code docs} (per document: {@code texts} gives the field texts,
   * in the order of {@code names}). One instance per thread (it reuses its term counter).
   */
  static final class Builder {
    private final Analyzer analyzer;
    private final boolean counting;
    private final TermCounter counter = new TermCounter();
    private final Queue<AnalyzedChunk> recycled;
    private int maxTokens;
    private int maxBytes;

    Builder(Analyzer analyzer, boolean counting, Queue<AnalyzedChunk> recycled) {
      this.analyzer = analyzer;
      this.counting = counting;
      this.recycled = recycled;
    }

    interface Texts {
      String text(SourceDocument d, int field);
    }

    AnalyzedChunk analyze(List<SourceDocument> docs, String[] names, Texts texts) throws IOException {
      AnalyzedChunk c = recycled.poll();
      if (c == null) {
        c = new AnalyzedChunk(recycled);
        // as large as the largest chunk so far: no growing from scratch
        c.grow(maxTokens, maxBytes);
      }
      c.reset(docs, names.length);
      int slot = 0;
      for (SourceDocument d : docs) {
        for (int f = 0; f < names.length; f++) {
          try {
            String text = texts.text(d, f);
            if (!counting || !count(names[f], text, c)) {
              sequence(names[f], text, c);
            }
          } catch (IllegalArgumentException e) {
            throw new InputException(d.file(), d.line(), "cannot index document '" + d.id() + "': "
                + e.getMessage());
          }
          c.ends[slot++] = c.tokens;
        }
      }
      maxTokens = Math.max(maxTokens, c.tokens);
      maxBytes = Math.max(maxBytes, c.bytesUsed);
      return c;
    }

    /** Adds one token per distinct term with its count; false (nothing added) if it cannot. */
    private boolean count(String field, String text, AnalyzedChunk c) throws IOException {
      counter.clear();
      try (TokenStream ts = analyzer.tokenStream(field, text)) {
        TermToBytesRefAttribute term = ts.getAttribute(TermToBytesRefAttribute.class);
        PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
        TermFrequencyAttribute tf = ts.addAttribute(TermFrequencyAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          if (pos.getPositionIncrement() < 1 || tf.getTermFrequency() != 1) {
            // overlap or custom frequency: replay the plain sequence (Lucene judges it)
            while (ts.incrementToken()) {
              // drain: the analyzer is reused and must see the end of its stream
            }
            ts.end();
            return false;
          }
          counter.add(term.getBytesRef());
        }
        ts.end();
      }
      for (int i = 0; i < counter.size; i++) {
        c.add(counter.pool, counter.start[i], counter.length[i], 1, counter.count[i]);
      }
      return true;
    }

    private void sequence(String field, String text, AnalyzedChunk c) throws IOException {
      try (TokenStream ts = analyzer.tokenStream(field, text)) {
        TermToBytesRefAttribute term = ts.getAttribute(TermToBytesRefAttribute.class);
        PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
        TermFrequencyAttribute tf = ts.addAttribute(TermFrequencyAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          BytesRef b = term.getBytesRef();
          c.add(b.bytes, b.offset, b.length, pos.getPositionIncrement(), tf.getTermFrequency());
        }
        ts.end();
      }
    }
  }

  /** Counts the distinct terms of one field (open addressing over the term bytes). */
  static final class TermCounter {
    byte[] pool = new byte[1 << 12];
    int poolUsed;
    int[] start = new int[64];
    int[] length = new int[64];
    int[] count = new int[64];
    int[] hashes = new int[64];
    int[] slots = new int[64];
    int size;
    private int[] table = new int[256]; // entry + 1; 0 = free
    private int mask = 255;

    /** Empties the counter; clears only the slots in use (a long document leaves a big table). */
    void clear() {
      for (int e = 0; e < size; e++) {
        table[slots[e]] = 0;
      }
      size = 0;
      poolUsed = 0;
    }

    void add(BytesRef b) {
      int h = hash(b.bytes, b.offset, b.length);
      int i = h & mask;
      while (true) {
        int e = table[i] - 1;
        if (e < 0) {
          break;
        }
        if (hashes[e] == h && Arrays.equals(pool, start[e], start[e] + length[e],
            b.bytes, b.offset, b.offset + b.length)) {
          count[e]++;
          return;
        }
        i = (i + 1) & mask;
      }
      if (size == start.length) {
        int n = size * 2;
        start = Arrays.copyOf(start, n);
        length = Arrays.copyOf(length, n);
        count = Arrays.copyOf(count, n);
        hashes = Arrays.copyOf(hashes, n);
        slots = Arrays.copyOf(slots, n);
      }
      if (poolUsed + b.length > pool.length) {
        pool = ArrayUtil.grow(pool, poolUsed + b.length);
      }
      System.arraycopy(b.bytes, b.offset, pool, poolUsed, b.length);
      start[size] = poolUsed;
      length[size] = b.length;
      count[size] = 1;
      hashes[size] = h;
      slots[size] = i;
      poolUsed += b.length;
      table[i] = ++size;
      if (size * 2 > table.length) {
        rehash();
      }
    }

    private void rehash() {
      table = new int[table.length * 2];
      mask = table.length - 1;
      for (int e = 0; e < size; e++) {
        int i = hashes[e] & mask;
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = e + 1;
        slots[e] = i;
      }
    }

    private static int hash(byte[] b, int off, int len) {
      int h = 0;
      for (int i = off, end = off + len; i < end; i++) {
        h = 31 * h + b[i];
      }
      return h ^ (h >>> 16);
    }
  }

  /**
   * Replays the tokens of one (document, field) to Lucene's inverter: term bytes, position
   * increment and frequency, exactly as analyzed (or counted). Reused for every document.
   */
  static final class Replay extends TokenStream {
    Replay() {
      // plain attribute classes: the term must come from BytesTermAttribute, not a packed token
      super(AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY);
    }

    private final BytesTermAttribute term = addAttribute(BytesTermAttribute.class);
    private final PositionIncrementAttribute pos = addAttribute(PositionIncrementAttribute.class);
    private final TermFrequencyAttribute tf = addAttribute(TermFrequencyAttribute.class);
    private final BytesRef ref = new BytesRef();
    private AnalyzedChunk chunk;
    private int from;
    private int next;
    private int end;

    Replay set(AnalyzedChunk c, int slot) {
      chunk = c;
      from = c.begin(slot);
      end = c.ends[slot];
      next = from;
      return this;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = from;
    }

    @Override
    public boolean incrementToken() {
      if (next >= end) {
        return false;
      }
      // no clearAttributes(): the three attributes below are all that changes (offsets stay 0)
      ref.bytes = chunk.bytes;
      ref.offset = chunk.start[next];
      ref.length = chunk.length[next];
      term.setBytesRef(ref);
      pos.setPositionIncrement(chunk.posInc[next]);
      tf.setTermFrequency(chunk.freq[next]);
      next++;
      return true;
    }
  }
}
