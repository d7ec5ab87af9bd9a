package io.trawl.index;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

/**
 * One-pass equivalent of {@code StandardTokenizer -> EnglishPossessiveFilter -> LowerCaseFilter
 * -> [StopFilter(English)] -> [PorterStemFilter]} (see {@link Analyzers#luceneChain}): the same
 * terms, position increments, offsets and types, and the same final offset and position increment
 * in {@link #end()}.
 *
 * <p><b>Fast path (ASCII).</b> The field value is read into a char buffer and cut into regions at
 * ASCII whitespace. No token of Lucene's {@code StandardTokenizer} can contain a whitespace char
 * and a whitespace char is always a one-char non-token match, so the scanner restarts in its
 * initial state after each whitespace char: text between two whitespace chars is tokenized the same
 * whether it is scanned alone or within the whole value. Whitespace-delimited words made only of
 * ASCII chars are scanned here; each word that contains a char &gt;= U+0080 is given, with the
 * whitespace char that ends it, as its own segment to an embedded real Lucene chain ({@link
 * Analyzers#luceneChain}), whose tokens are shifted to the segment's offset and whose stopword gaps
 * are carried across segments. A value that ends with a lone high surrogate goes to the Lucene
 * chain whole: Lucene's scanner then drops earlier tokens depending on how its reads were cut.
 *
 * <p>On ASCII, {@code StandardTokenizer} (the JFlex grammar for Unicode UAX#29 word breaks,
 * longest match) reduces to this: letters {@code [A-Za-z]} and digits join (WB5, WB8-WB10); a
 * single {@code : . '} joins two letters (WB6/WB7, MidLetter, MidNumLet, Single_Quote); a single
 * {@code , ; . '} joins two digits (WB11/WB12, MidNum, MidNumLet, Single_Quote); underscores
 * (ExtendNumLet) join anything alphanumeric and may lead or trail a token (WB13a/WB13b) but a
 * token needs at least one letter or digit; a token is the longest accepted prefix within {@value
 * #MAX_TOKEN_LENGTH} chars of its start (Lucene's scanner buffer is the maximum token length, so a
 * longer word is split there, not skipped); a start that accepts nothing skips one char. Type is
 * {@code <NUM>} when the token has no letter, else {@code <ALPHANUM>}. Then a trailing {@code 's}
 * or {@code 'S} is removed, A-Z are lowercased, stopwords are dropped (their positions are added
 * to the next token's increment, or to the final increment), and the rest are stemmed by Lucene's
 * own {@link PorterStemFilter} behind a fixed-size per-stream cache ({@link StemCache}, 2 MiB).
 * {@code FastEnglishAnalyzerTest} checks all of this differentially against the Lucene chain.
 */
final class FastEnglishTokenizer extends Tokenizer {
  /** Lucene's default maximum token length, which is also StandardTokenizer's scanner buffer. */
  static final int MAX_TOKEN_LENGTH = StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH;

  private static final String TYPE_ALPHANUM = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.ALPHANUM];
  private static final String TYPE_NUM = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.NUM];
  private static final CharArraySet STOP = EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;

  // ASCII character classes (UAX#29 word-break properties restricted to ASCII)
  private static final byte OTHER = 0;
  private static final byte LETTER = 1;      // ALetter
  private static final byte DIGIT = 2;       // Numeric
  private static final byte UNDERSCORE = 3;  // ExtendNumLet
  private static final byte MID_LETTER = 4;  // ':' MidLetter
  private static final byte MID_NUM = 5;     // ',' ';' MidNum
  private static final byte MID_BOTH = 6;    // '.' MidNumLet, '\'' Single_Quote
  private static final byte SPACE = 7;       // region separators: ' ' \t \n \u000B \f \r
  private static final int CLASSES = 8;
  private static final byte[] CLASS = new byte[65536]; // indexed by any char: no bounds check
  /** Lowercased letter or digit for ASCII letters and digits, else 0. */
  private static final char[] ALNUM_LOWER = new char[65536];

  // scanner states
  private static final int START = 0;
  private static final int LEAD_UNDERSCORE = 1;
  private static final int IN_LETTER = 2;
  private static final int IN_DIGIT = 3;
  private static final int IN_UNDERSCORE = 4;
  private static final int LETTER_MID = 5;
  private static final int DIGIT_MID = 6;
  private static final int DEAD = -1;
  private static final int[] NEXT = new int[7 * CLASSES];
  private static final boolean[] ACCEPT = {false, false, true, true, true, false, false};

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      CLASS[c] = LETTER;
      CLASS[c - 32] = LETTER;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] = DIGIT;
      ALNUM_LOWER[c] = c;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      ALNUM_LOWER[c] = c;
      ALNUM_LOWER[c - 32] = c;
    }
    CLASS['_'] = UNDERSCORE;
    CLASS[':'] = MID_LETTER;
    CLASS[','] = MID_NUM;
    CLASS[';'] = MID_NUM;
    CLASS['.'] = MID_BOTH;
    CLASS['\''] = MID_BOTH;
    for (char c : new char[] {' ', '\t', '\n', '\u000B', '\f', '\r'}) {
      CLASS[c] = SPACE;
    }
    Arrays.fill(NEXT, DEAD);
    for (int s : new int[] {START, LEAD_UNDERSCORE, IN_LETTER, IN_DIGIT, IN_UNDERSCORE}) {
      NEXT[s * CLASSES + LETTER] = IN_LETTER;
      NEXT[s * CLASSES + DIGIT] = IN_DIGIT;
    }
    NEXT[START * CLASSES + UNDERSCORE] = LEAD_UNDERSCORE;
    NEXT[LEAD_UNDERSCORE * CLASSES + UNDERSCORE] = LEAD_UNDERSCORE;
    NEXT[IN_LETTER * CLASSES + UNDERSCORE] = IN_UNDERSCORE;
    NEXT[IN_DIGIT * CLASSES + UNDERSCORE] = IN_UNDERSCORE;
    NEXT[IN_UNDERSCORE * CLASSES + UNDERSCORE] = IN_UNDERSCORE;
    NEXT[IN_LETTER * CLASSES + MID_LETTER] = LETTER_MID;
    NEXT[IN_LETTER * CLASSES + MID_BOTH] = LETTER_MID;
    NEXT[IN_DIGIT * CLASSES + MID_NUM] = DIGIT_MID;
    NEXT[IN_DIGIT * CLASSES + MID_BOTH] = DIGIT_MID;
    NEXT[LETTER_MID * CLASSES + LETTER] = IN_LETTER;
    NEXT[DIGIT_MID * CLASSES + DIGIT] = IN_DIGIT;
  }

  private final CharTermAttribute termAtt = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offsetAtt = addAttribute(OffsetAttribute.class);
  private final PositionIncrementAttribute posIncAtt = addAttribute(PositionIncrementAttribute.class);
  private final TypeAttribute typeAtt = addAttribute(TypeAttribute.class);

  private final boolean porter;
  private final boolean removeStopwords;

  /** The whole field value. */
  private char[] buf = new char[4096];
  private int len;
  /** Next char to scan. */
  private int pos;
  /** End of the current ASCII region (exclusive); a fallback segment [regionEnd, segmentEnd) follows. */
  private int regionEnd;
  private int segmentEnd;
  /** Offset reported by end(): len, or as the Lucene chain reported for a last segment. */
  private int finalOffset;
  // results of scanGeneral
  private int genLength;
  private boolean genLetter;
  private long genK0;
  private long genK1;
  /** Positions of dropped stopwords not yet added to an increment. */
  private int pendingSkip;

  // fallback: the real Lucene chain over one segment
  private final StandardTokenizer innerSource = new StandardTokenizer();
  private final TokenStream inner;
  private final CharTermAttribute innerTerm;
  private final OffsetAttribute innerOffset;
  private final PositionIncrementAttribute innerPosInc;
  private final TypeAttribute innerType;
  private final SliceReader slice = new SliceReader();
  private boolean inInner;
  private int innerBase;

  // stemming: Lucene's PorterStemFilter over a one-term stream, behind the cache
  private final OneTerm stemInput;
  private final TokenStream stemmer;
  private final StemCache cache;

  // counters for tests: tokens emitted by the fast path and by the fallback, fallback segments
  long fastTokens;
  long fallbackTokens;
  long fallbackSegments;
  long stemMisses;

  FastEnglishTokenizer(boolean porter, boolean keepStopwords) {
    this(porter, keepStopwords, StemCache.DEFAULT_BITS);
  }

  /** With a stem cache of 2^cacheBits sets (tests use a tiny one to exercise eviction). */
  FastEnglishTokenizer(boolean porter, boolean keepStopwords, int cacheBits) {
    this.porter = porter;
    this.removeStopwords = !keepStopwords;
    inner = Analyzers.luceneChain(innerSource, porter, keepStopwords);
    innerTerm = inner.getAttribute(CharTermAttribute.class);
    innerOffset = inner.getAttribute(OffsetAttribute.class);
    innerPosInc = inner.getAttribute(PositionIncrementAttribute.class);
    innerType = inner.getAttribute(TypeAttribute.class);
    stemInput = porter ? new OneTerm() : null;
    stemmer = porter ? new PorterStemFilter(stemInput) : null;
    cache = porter || removeStopwords ? new StemCache(cacheBits) : null;
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    if (inInner) {
      inInner = false;
      inner.close();
    }
    int n = 0;
    while (true) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int r = input.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    len = n;
    pos = 0;
    pendingSkip = 0;
    finalOffset = n;
    if (n > 0 && Character.isHighSurrogate(buf[n - 1])) {
      // Lucene's scanner drops tokens before a lone high surrogate at the end of input, depending
      // on how its reads were cut: give the whole value to the Lucene chain
      regionEnd = 0;
      segmentEnd = n;
    } else {
      findRegion();
    }
  }

  /** Emits the next token of the current fallback segment, or ends the segment and returns false. */
  private boolean nextInner() throws IOException {
    if (inner.incrementToken()) {
      termAtt.copyBuffer(innerTerm.buffer(), 0, innerTerm.length());
      posIncAtt.setPositionIncrement(innerPosInc.getPositionIncrement() + pendingSkip);
      pendingSkip = 0;
      offsetAtt.setOffset(correctOffset(innerBase + innerOffset.startOffset()),
          correctOffset(innerBase + innerOffset.endOffset()));
      typeAtt.setType(innerType.type());
      fallbackTokens++;
      return true;
    }
    inner.end();
    pendingSkip += innerPosInc.getPositionIncrement();
    if (segmentEnd == len) {
      finalOffset = innerBase + innerOffset.endOffset();
    }
    inner.close();
    inInner = false;
    pos = segmentEnd;
    findRegion();
    return false;
  }

  /**
   * The general scanner: the longest accepted prefix of buf[p, limit), lowercased and
   * possessive-stripped into t; returns its end, or -1 when nothing is accepted, and sets
   * genLength, genLetter, genK0, genK1.
   */
  private int scanGeneral(int p, int limit, char[] t) {
    final char[] b = buf;
    int state = START;
    int q = p;
    int accept = -1;
    boolean letter = false;
    boolean acceptLetter = false;
    while (q < limit) {
      byte cl = CLASS[b[q]];
      state = NEXT[state * CLASSES + cl];
      if (state < 0) {
        break;
      }
      letter |= cl == LETTER;
      q++;
      if (ACCEPT[state]) {
        accept = q;
        acceptLetter = letter;
      }
    }
    if (accept < 0) {
      return -1;
    }
    int tl = accept - p;
    for (int i = 0; i < tl; i++) {
      char c = b[p + i];
      t[i] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
    }
    if (tl >= 2 && t[tl - 1] == 's' && t[tl - 2] == '\'') {
      tl -= 2; // EnglishPossessiveFilter ('s or 'S, before lowercasing)
    }
    long k0 = 0;
    long k1 = 0;
    for (int i = Math.max(0, tl - 16); i < tl; i++) {
      k1 = (k1 << 8) | (k0 >>> 56);
      k0 = (k0 << 8) | t[i];
    }
    genLength = tl;
    genLetter = acceptLetter;
    genK0 = k0;
    genK1 = k1;
    return accept;
  }

  /** Sets regionEnd/segmentEnd for the ASCII region starting at pos. */
  private void findRegion() {
    final char[] b = buf;
    final int n = len;
    int k = pos;
    while (k + 4 <= n && (b[k] | b[k + 1] | b[k + 2] | b[k + 3]) < 0x80) {
      k += 4;
    }
    while (k < n && b[k] < 0x80) {
      k++;
    }
    if (k == n) {
      regionEnd = n;
      segmentEnd = n;
      return;
    }
    int start = k;
    while (start > pos && !isSpace(b[start - 1])) {
      start--;
    }
    int end = k + 1;
    while (end < n && !isSpace(b[end])) {
      end++;
    }
    regionEnd = start;
    // the segment includes its terminating whitespace char: Lucene's scanner drops a token that is
    // followed by a lone high surrogate at the end of input, but not one followed by whitespace
    segmentEnd = end < n ? end + 1 : end;
  }

  private static boolean isSpace(char c) {
    return CLASS[c] == SPACE;
  }

  @Override
  public boolean incrementToken() throws IOException {
    clearAttributes();
    final char[] b = buf;
    while (true) {
      if (inInner) {
        if (nextInner()) {
          return true;
        }
        continue;
      }
      final int end = regionEnd;
      int p = pos;
      // skip chars that cannot start a token (OTHER, mids, spaces): one-char non-token matches
      while (p < end) {
        byte cl = CLASS[b[p]];
        if (cl >= LETTER && cl <= UNDERSCORE) {
          break;
        }
        p++;
      }
      if (p >= end) {
        pos = end;
        if (end >= len) {
          return false;
        }
        startInner();
        continue;
      }
      final int limit = Math.min(end, p + MAX_TOKEN_LENGTH);
      char[] t = termAtt.buffer();
      if (t.length < MAX_TOKEN_LENGTH) {
        t = termAtt.resizeBuffer(MAX_TOKEN_LENGTH);
      }
      // common case: a run of letters and digits that no joiner extends; lowercase it and pack its
      // last 16 chars, one per byte, into (k1, k0) as the cache key
      int q = p;
      boolean letter = false;
      boolean simple = false;
      long k0 = 0;
      long k1 = 0;
      if (CLASS[b[p]] != UNDERSCORE) {
        int bits = 0;
        while (q < limit) {
          char c = ALNUM_LOWER[b[q]];
          if (c == 0) {
            break;
          }
          t[q - p] = c;
          bits |= c;
          k1 = (k1 << 8) | (k0 >>> 56);
          k0 = (k0 << 8) | c;
          q++;
        }
        letter = (bits & 0x40) != 0; // letters have bit 0x40, digits not
        simple = true;
        if (q < limit) {
          byte cl = CLASS[b[q]];
          if (cl == UNDERSCORE) {
            simple = false;
          } else if (cl >= MID_LETTER && cl <= MID_BOTH && q + 1 < limit) {
            byte next = CLASS[b[q + 1]];
            simple = next != LETTER && next != DIGIT; // a mid char only joins before a letter or digit
          }
        }
      }
      final int acceptEnd;
      int tl;
      if (simple) {
        acceptEnd = q;
        tl = q - p;
      } else {
        acceptEnd = scanGeneral(p, limit, t);
        if (acceptEnd < 0) {
          pos = p + 1; // leading underscores without a letter or digit: one-char non-token
          continue;
        }
        tl = genLength;
        letter = genLetter;
        k0 = genK0;
        k1 = genK1;
      }
      pos = acceptEnd;
      if (cache == null) {
        termAtt.setLength(tl);
      } else if (!(tl <= StemCache.MAX_KEY ? stem(t, tl, k0, k1) : stemUncached(t, tl))) {
        pendingSkip++;
        continue;
      }
      posIncAtt.setPositionIncrement(1 + pendingSkip);
      pendingSkip = 0;
      offsetAtt.setOffset(correctOffset(p), correctOffset(acceptEnd));
      typeAtt.setType(letter ? TYPE_ALPHANUM : TYPE_NUM);
      fastTokens++;
      return true;
    }
  }

  /**
   * Puts the stem of t[0, tl) (at most {@link StemCache#MAX_KEY} chars, packed in k1, k0) in the
   * term attribute, whose buffer t is, and returns true, or returns false for a stopword to drop.
   */
  private boolean stem(char[] t, int tl, long k0, long k1) throws IOException {
    final StemCache c = cache;
    final long[] tab = c.table;
    int slot = c.set(k0, k1);
    if (tab[slot] != k0 || tab[slot + 1] != k1) {
      slot += 4;
      if (tab[slot] != k0 || tab[slot + 1] != k1) {
        return stemMiss(t, tl, k0, k1);
      }
    }
    long s0 = tab[slot + 2];
    if (s0 < 0) {
      if (s0 == StemCache.STOP) {
        return false;
      }
      termAtt.setLength((int) s0 & 0xFF); // the stem is a prefix of the word, already in t
      return true;
    }
    long s1 = tab[slot + 3];
    for (int i = 0; i < 8; i++) {
      t[i] = (char) ((s0 >>> (i << 3)) & 0xFF);
      t[i + 8] = (char) ((s1 >>> (i << 3)) & 0xFF);
    }
    termAtt.setLength(StemCache.length(s0, s1));
    return true;
  }

  private boolean stemMiss(char[] t, int tl, long k0, long k1) throws IOException {
    stemMisses++;
    final StemCache c = cache;
    if (removeStopwords && STOP.contains(t, 0, tl)) {
      c.put(k0, k1, StemCache.STOP, 0);
      return false;
    }
    if (!porter) {
      c.put(k0, k1, StemCache.PREFIX | tl, 0);
      termAtt.setLength(tl);
      return true;
    }
    stemInput.set(t, tl);
    stemmer.incrementToken();
    final char[] stem = stemInput.term.buffer();
    final int sl = stemInput.term.length();
    if (sl <= tl && Arrays.equals(stem, 0, sl, t, 0, sl)) {
      c.put(k0, k1, StemCache.PREFIX | sl, 0);
    } else if (sl <= StemCache.MAX_KEY) {
      long s0 = 0;
      long s1 = 0;
      boolean packable = sl > 0;
      for (int i = 0; i < sl; i++) {
        char ch = stem[i];
        packable &= ch != 0 && ch <= 0x7F; // always true for the stem of an ASCII word
        if (i < 8) {
          s0 |= (long) ch << (i << 3);
        } else {
          s1 |= (long) ch << ((i - 8) << 3);
        }
      }
      if (packable) {
        c.put(k0, k1, s0, s1);
      }
    }
    termAtt.copyBuffer(stem, 0, sl);
    return true;
  }

  /** As {@link #stem} without the cache. */
  private boolean stemUncached(char[] t, int tl) throws IOException {
    stemMisses++;
    if (removeStopwords && STOP.contains(t, 0, tl)) {
      return false;
    }
    if (porter) {
      stemInput.set(t, tl);
      stemmer.incrementToken();
      termAtt.copyBuffer(stemInput.term.buffer(), 0, stemInput.term.length());
    } else {
      termAtt.setLength(tl);
    }
    return true;
  }

  private void startInner() throws IOException {
    slice.set(buf, regionEnd, segmentEnd);
    innerBase = regionEnd;
    innerSource.setReader(slice);
    inner.reset();
    inInner = true;
    fallbackSegments++;
  }

  @Override
  public void end() throws IOException {
    super.end();
    int fo = correctOffset(finalOffset);
    offsetAtt.setOffset(fo, fo);
    posIncAtt.setPositionIncrement(posIncAtt.getPositionIncrement() + pendingSkip);
  }

  @Override
  public void close() throws IOException {
    super.close();
    if (inInner) {
      inInner = false;
      inner.close();
    }
    if (buf.length > (1 << 20)) {
      buf = new char[4096]; // do not keep a huge value's buffer per thread
    }
  }

  /** Reader over a slice of a char array. */
  private static final class SliceReader extends Reader {
    private char[] a;
    private int p;
    private int end;

    void set(char[] a, int from, int to) {
      this.a = a;
      this.p = from;
      this.end = to;
    }

    @Override
    public int read(char[] cbuf, int off, int n) {
      if (p >= end) {
        return -1;
      }
      int k = Math.min(n, end - p);
      System.arraycopy(a, p, cbuf, off, k);
      p += k;
      return k;
    }

    @Override
    public void close() {}
  }

  /** A token stream that yields one given term, as input to PorterStemFilter. */
  private static final class OneTerm extends TokenStream {
    final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private boolean ready;

    void set(char[] t, int tl) {
      term.copyBuffer(t, 0, tl);
      ready = true;
    }

    @Override
    public boolean incrementToken() {
      boolean r = ready;
      ready = false;
      return r;
    }
  }

  /**
   * Bounded two-way set-associative cache from a lowercased, possessive-stripped ASCII word of at
   * most {@link #MAX_KEY} chars to its stem (the word itself without stemming) or to "stopword".
   * A word and its stem are packed one char per byte into two longs each, the word's last char in
   * the lowest byte of k0, the stem's first char in the lowest byte of s0 (such words contain no
   * NUL, so zero bytes pad and the length is implicit; a stem that is a prefix of its word, the
   * usual case, is stored as {@code PREFIX | length} and costs no copy on a hit); an entry is 4 longs and a set of two entries is one 64-byte cache line, so a hit
   * touches one line. A new entry goes in front of its set and pushes the older one back, dropping
   * the older one's partner: frequent words stay, the memory is fixed ({@code 64 << bits} bytes).
   */
  static final class StemCache {
    static final int MAX_KEY = 16;
    static final long STOP = -1L;
    /** Marks s0 = PREFIX | length: the stem is the word's prefix of that length. */
    static final long PREFIX = Long.MIN_VALUE;
    static final int DEFAULT_BITS = 15; // 2^15 sets x 64 bytes = 2 MiB
    final long[] table;
    private final int shift;

    StemCache(int bits) {
      table = new long[8 << bits];
      shift = 64 - bits;
    }

    /** Index in table of the set for this key. */
    int set(long k0, long k1) {
      long h = (k0 * 0x9E3779B97F4A7C15L) ^ (k1 * 0xC2B2AE3D27D4EB4FL);
      h ^= h >>> 29;
      h *= 0xBF58476D1CE4E5B9L;
      return (int) (h >>> shift) << 3;
    }

    void put(long k0, long k1, long s0, long s1) {
      final long[] tab = table;
      int i = set(k0, k1);
      System.arraycopy(tab, i, tab, i + 4, 4);
      tab[i] = k0;
      tab[i + 1] = k1;
      tab[i + 2] = s0;
      tab[i + 3] = s1;
    }

    /** Number of chars packed in (s0, s1). */
    static int length(long s0, long s1) {
      if (s1 != 0) {
        return 8 + ((71 - Long.numberOfLeadingZeros(s1)) >>> 3);
      }
      return (71 - Long.numberOfLeadingZeros(s0)) >>> 3;
    }
  }
}
