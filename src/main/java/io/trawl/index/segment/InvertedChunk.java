package io.trawl.index.segment;

import io.trawl.core.InputException;
import io.trawl.corpus.SourceDocument;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

/**
 * A run of consecutive documents whose text fields are analyzed <em>and inverted</em> on a worker
 * thread, for {@link SegmentBuilder}, which joins chunks in corpus order into one Lucene segment.
 *
 * <p>Per text field ({@link FieldChunk}) a chunk holds its own small dictionary
 * ({@link ByteDictionary}: terms in order of first occurrence, with their hashes), and per term its postings within the chunk as one run of
 * variable-length integers (per document: its gap from the previous one shifted left by one, the
 * low bit set when the frequency is 1, else the frequency follows; then the position gaps). The
 * first document's number and frequency are kept apart ({@code firstDoc}, {@code firstFreq}) so
 * that the builder can write them as a gap from the term's previous document; the rest is copied
 * as it is. Per document: the norm (computed by the similarity from the
 * same {@link FieldInvertState} figures as Lucene's inverter: tokens, overlaps) and, with term
 * vectors, the document's terms in byte order with their frequencies and positions.
 *
 * <p>Lucene's rules for the token stream are kept: the first position increment must be positive,
 * increments must not be negative, a custom term frequency cannot go with positions, a term longer
 * than {@link ByteDictionary#MAX_TERM_BYTES} is refused; each breach is an {@link IllegalArgumentException} with
 * Lucene's wording, turned into an {@link InputException} that names the document.
 */
final class InvertedChunk {
  List<SourceDocument> docs;
  final FieldChunk[] fields;
  private final Queue<InvertedChunk> recycled;

  private InvertedChunk(int fieldCount, boolean freqs, boolean positions, boolean vectors,
      Queue<InvertedChunk> recycled) {
    fields = new FieldChunk[fieldCount];
    for (int i = 0; i < fieldCount; i++) {
      fields[i] = new FieldChunk(freqs, positions, vectors);
    }
    this.recycled = recycled;
  }

  /** A chunk that marks the end of a queue. */
  static InvertedChunk end() {
    return new InvertedChunk(0, false, false, false, new java.util.concurrent.ConcurrentLinkedQueue<>());
  }

  /** Users still to {@link #release} this chunk (the postings and the stored-fields writers). */
  final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();

  /** One user is done; the last hands the buffers back for another chunk. */
  void release() {
    if (users.decrementAndGet() == 0) {
      recycle();
    }
  }

  /** Hands the buffers back for another chunk; this chunk must not be used afterwards. */
  void recycle() {
    docs = null;
    recycled.offer(this);
  }

  /** One text field of a chunk, inverted. Arrays are reused from chunk to chunk. */
  static final class FieldChunk {
    final boolean freqs;
    final boolean positions;
    final boolean vectors;
    int docCount;
    /** Documents with at least one token in this field. */
    int docsWithTokens;

    /** The field's terms in this chunk, in order of first occurrence. */
    final ByteDictionary dict = new ByteDictionary(1 << 10, 1 << 14);

    // per term: postings within the chunk
    int[] docFreq = new int[1 << 10];
    int[] totalFreq = new int[1 << 10];
    int[] firstDoc = new int[1 << 10];
    int[] firstFreq = new int[1 << 10];
    int[] lastDoc = new int[1 << 10];
    /** Bytes of the term's postings after its first document number: [postStart, postEnd). */
    int[] postStart = new int[1 << 10];
    int[] postEnd = new int[1 << 10];
    byte[] post = new byte[1 << 16];
    int postUsed;

    /**
     * Per document: its norm (0 for a field without tokens, as Lucene); BM25's norms are one byte
     * (a compact array, read at random while postings are written).
     */
    byte[] norms = new byte[1 << 10];

    // tokens of the chunk in document order, then grouped by term (stable: documents and positions
    // stay in order within a term)
    private int tokens;
    private int[] tokTerm = new int[1 << 14];
    private int[] tokPos = new int[1 << 14];
    private int[] tokFreq = new int[1 << 14];
    private int[] tokDoc = new int[1 << 14];
    private int[] byTermDoc = new int[1 << 14];
    /** Positions of the tokens grouped by term (read by term vectors). */
    int[] byTermPos = new int[1 << 14];
    private int[] byTermFreq = new int[1 << 14];
    private int[] termTokens = new int[1 << 10];
    private int[] termNext = new int[1 << 10];

    // term vectors: per document, its (term, freq, first position index) in term byte order
    /** One past each document's last (term, document) pair. */
    int[] vecEnd = new int[1 << 10];
    int[] vecTerm = new int[1 << 12];
    int[] vecFreq = new int[1 << 12];
    int[] vecPos = new int[1 << 12];
    private int[] pairDoc = new int[1 << 12];
    private int[] pairFreq = new int[1 << 12];
    private int[] pairPos = new int[1 << 12];
    private int[] termPairStart = new int[(1 << 10) + 1];
    private int[] order = new int[1 << 10];
    private int pairs;

    FieldChunk(boolean freqs, boolean positions, boolean vectors) {
      this.freqs = freqs;
      this.positions = positions;
      this.vectors = vectors;
    }

    private void reset(int docs) {
      dict.clear();
      tokens = 0;
      postUsed = 0;
      pairs = 0;
      docCount = docs;
      docsWithTokens = 0;
      if (norms.length < docs) {
        norms = new byte[ArrayUtil.oversize(docs, 1)];
        vecEnd = new int[norms.length];
      }
    }

    /** Grows the per-term arrays to hold term {@code id} (new in the dictionary). */
    private void newTerm(int id) {
      if (id < docFreq.length) {
        return;
      }
      int n = ArrayUtil.oversize(id + 1, Integer.BYTES);
      docFreq = Arrays.copyOf(docFreq, n);
      totalFreq = Arrays.copyOf(totalFreq, n);
      firstDoc = Arrays.copyOf(firstDoc, n);
      firstFreq = Arrays.copyOf(firstFreq, n);
      lastDoc = Arrays.copyOf(lastDoc, n);
      postStart = Arrays.copyOf(postStart, n);
      postEnd = Arrays.copyOf(postEnd, n);
      termTokens = Arrays.copyOf(termTokens, n);
      termNext = Arrays.copyOf(termNext, n);
      termPairStart = new int[n + 1];
      order = new int[n];
    }

    private void addToken(int doc, int term, int pos, int freq) {
      if (tokens == tokTerm.length) {
        int n = ArrayUtil.oversize(tokens + 1, Integer.BYTES);
        tokTerm = Arrays.copyOf(tokTerm, n);
        tokPos = Arrays.copyOf(tokPos, n);
        tokFreq = Arrays.copyOf(tokFreq, n);
        tokDoc = Arrays.copyOf(tokDoc, n);
        byTermDoc = new int[n];
        byTermPos = new int[n];
        byTermFreq = new int[n];
      }
      tokTerm[tokens] = term;
      tokPos[tokens] = pos;
      tokFreq[tokens] = freq;
      tokDoc[tokens] = doc;
      tokens++;
    }

    /** Groups the tokens by term and writes each term's postings; then the term vectors. */
    private void invert() {
      int terms = dict.size;
      Arrays.fill(termTokens, 0, terms, 0);
      for (int k = 0; k < tokens; k++) {
        termTokens[tokTerm[k]]++;
      }
      int sum = 0;
      for (int t = 0; t < terms; t++) {
        termNext[t] = sum;
        sum += termTokens[t];
      }
      for (int k = 0; k < tokens; k++) {
        int i = termNext[tokTerm[k]]++;
        byTermDoc[i] = tokDoc[k];
        byTermPos[i] = tokPos[k];
        byTermFreq[i] = tokFreq[k];
      }
      int begin = 0;
      for (int t = 0; t < terms; t++) {
        int end = begin + termTokens[t];
        termPairStart[t] = pairs;
        postStart[t] = postUsed;
        int df = 0;
        int ttf = 0;
        int prev = -1;
        int i = begin;
        while (i < end) {
          int d = byTermDoc[i];
          int j = i;
          int f = 0;
          while (j < end && byTermDoc[j] == d) {
            f += byTermFreq[j];
            j++;
          }
          ensurePost(5 + (freqs ? 5 : 0) + (positions ? 5 * (j - i) : 0));
          if (prev < 0) {
            firstDoc[t] = d;
            firstFreq[t] = f;
          } else if (freqs) {
            // the gap and whether the frequency is 1 in one number (most are 1)
            writeVInt((d - prev) << 1 | (f == 1 ? 1 : 0));
            if (f != 1) {
              writeVInt(f);
            }
          } else {
            writeVInt(d - prev);
          }
          if (positions) {
            int last = 0;
            for (int m = i; m < j; m++) {
              writeVInt(byTermPos[m] - last);
              last = byTermPos[m];
            }
          }
          if (vectors) {
            addPair(d, f, i);
          }
          prev = d;
          df++;
          ttf += f;
          i = j;
        }
        lastDoc[t] = prev;
        docFreq[t] = df;
        totalFreq[t] = ttf;
        postEnd[t] = postUsed;
        begin = end;
      }
      termPairStart[terms] = pairs;
      if (vectors) {
        vectors();
      }
    }

    private void addPair(int doc, int freq, int pos) {
      if (pairs == pairDoc.length) {
        int n = ArrayUtil.oversize(pairs + 1, Integer.BYTES);
        pairDoc = Arrays.copyOf(pairDoc, n);
        pairFreq = Arrays.copyOf(pairFreq, n);
        pairPos = Arrays.copyOf(pairPos, n);
        vecTerm = new int[n];
        vecFreq = new int[n];
        vecPos = new int[n];
      }
      pairDoc[pairs] = doc;
      pairFreq[pairs] = freq;
      pairPos[pairs] = pos;
      pairs++;
    }

    /** Per document, its terms in byte order: the pairs re-grouped by document, terms sorted. */
    private void vectors() {
      int terms = dict.size;
      Arrays.fill(vecEnd, 0, docCount, 0);
      for (int p = 0; p < pairs; p++) {
        vecEnd[pairDoc[p]]++;
      }
      int sum = 0;
      for (int d = 0; d < docCount; d++) {
        int n = vecEnd[d];
        vecEnd[d] = sum; // next free slot for now; the end once filled
        sum += n;
      }
      for (int t = 0; t < terms; t++) {
        order[t] = t;
      }
      dict.sort(order, terms);
      for (int r = 0; r < terms; r++) {
        int t = order[r];
        for (int p = termPairStart[t], end = termPairStart[t + 1]; p < end; p++) {
          int slot = vecEnd[pairDoc[p]]++;
          vecTerm[slot] = t;
          vecFreq[slot] = pairFreq[p];
          vecPos[slot] = pairPos[p];
        }
      }
    }

    /** First (term, document) pair of document {@code doc} in the vector arrays. */
    int vecBegin(int doc) {
      return doc == 0 ? 0 : vecEnd[doc - 1];
    }

    private void ensurePost(int extra) {
      if (postUsed + extra > post.length) {
        post = ArrayUtil.grow(post, postUsed + extra);
      }
    }

    private void writeVInt(int v) {
      while ((v & ~0x7F) != 0) {
        post[postUsed++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      post[postUsed++] = (byte) v;
    }
  }

  /**
   * Analyzes and inverts chunks; one instance per worker thread (it reuses its buffers through the
   * recycled chunks).
   */
  static final class Builder {
    private final Analyzer analyzer;
    private final Similarity similarity;
    private final List<Schema.Text> fields;
    private final IndexOptions indexOptions;
    private final boolean vectors;
    private final Queue<InvertedChunk> recycled;
    private final BytesRef scratch = new BytesRef(new byte[256]);

    Builder(Analyzer analyzer, Similarity similarity, Schema schema, Queue<InvertedChunk> recycled) {
      this.analyzer = analyzer;
      this.similarity = similarity;
      this.fields = schema.text();
      this.indexOptions = schema.textType().indexOptions();
      this.vectors = schema.vectors();
      this.recycled = recycled;
    }

    InvertedChunk invert(List<SourceDocument> docs) throws IOException {
      InvertedChunk c = recycled.poll();
      if (c == null) {
        boolean positions = indexOptions.compareTo(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) >= 0;
        c = new InvertedChunk(fields.size(), true, positions, vectors, recycled);
      }
      c.docs = docs;
      for (int f = 0; f < fields.size(); f++) {
        FieldChunk fc = c.fields[f];
        String name = fields.get(f).name();
        java.util.function.Function<SourceDocument, String> text = fields.get(f).value();
        fc.reset(docs.size());
        for (int d = 0; d < docs.size(); d++) {
          SourceDocument doc = docs.get(d);
          try {
            long norm = analyze(fc, name, d, text.apply(doc));
            if (norm != (byte) norm) {
              throw new IllegalStateException("norm " + norm + " does not fit a byte: " + similarity);
            }
            fc.norms[d] = (byte) norm;
          } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InputException(doc.file(), doc.line(), "cannot index document '" + doc.id()
                + "': " + e.getMessage());
          }
        }
        fc.invert();
      }
      return c;
    }

    /** Adds one document's tokens of one field; returns its norm. */
    private long analyze(FieldChunk fc, String field, int doc, String text) throws IOException {
      int position = -1;
      int length = 0;
      int overlaps = 0;
      try (TokenStream ts = analyzer.tokenStream(field, text)) {
        TermToBytesRefAttribute term = ts.getAttribute(TermToBytesRefAttribute.class);
        CharTermAttribute chars = term instanceof CharTermAttribute c ? c : null;
        PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
        TermFrequencyAttribute tf = ts.addAttribute(TermFrequencyAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          int inc = pos.getPositionIncrement();
          if (inc < 0) {
            throw new IllegalArgumentException("position increments (and gaps) must be >= 0 (got "
                + inc + ") for field '" + field + "'");
          }
          if (position + inc < 0 || (position < 0 && inc == 0)) {
            throw new IllegalArgumentException("first position increment must be > 0 (got 0) for field '"
                + field + "'");
          }
          position = Math.addExact(position, inc);
          if (inc == 0) {
            overlaps++;
          }
          int freq = tf.getTermFrequency();
          if (freq != 1 && fc.positions) {
            throw new IllegalArgumentException("field '" + field + "': cannot index positions while"
                + " using custom TermFrequencyAttribute");
          }
          length = Math.addExact(length, freq);
          BytesRef b = chars != null ? null : term.getBytesRef();
          int id = chars != null ? fc.dict.addChars(chars.buffer(), chars.length(), scratch)
              : fc.dict.add(b.bytes, b.offset, b.length);
          if (id < 0) {
            id = -1 - id;
          } else {
            fc.newTerm(id);
          }
          fc.addToken(doc, id, position, freq);
        }
        ts.end();
      }
      if (length == 0) {
        return 0;
      }
      fc.docsWithTokens++;
      // the figures BM25 reads for fields with frequencies (the maximum term frequency and the
      // unique term count are only read for fields without frequencies, refused above)
      return similarity.computeNorm(new FieldInvertState(Version.LATEST.major, field, indexOptions,
          position, length, overlaps, 0, 0, 0));
    }
  }
}
