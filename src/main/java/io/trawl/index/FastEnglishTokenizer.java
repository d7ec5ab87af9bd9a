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
 * whitespace char that ends it, as its own segment to an embedded real Lucene chain ({@link Analyzers#luceneChain}), whose tokens are
 * shifted to the segment's offset and whose stopword gaps are carried across segments.
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
 * own {@link PorterStemFilter} behind a bounded per-stream memo. {@code FastEnglishAnalyzerTest}
 * checks all of this differentially against the Lucene chain.
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
  private static final byte[] CLASS = new byte[128];

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

  // stemming: Lucene's PorterStemFilter over a one-term stream, memoized
  private final OneTerm stemInput;
  private final TokenStream stemmer;
  private final TermMemo memo;

  // counters for tests: tokens emitted by the fast path and by the fallback, fallback segments
  long fastTokens;
  long fallbackTokens;
  long fallbackSegments;

  FastEnglishTokenizer(boolean porter, boolean keepStopwords) {
    this.porter = porter;
    this.removeStopwords = !keepStopwords;
    inner = Analyzers.luceneChain(innerSource, porter, keepStopwords);
    innerTerm = inner.getAttribute(CharTermAttribute.class);
    innerOffset = inner.getAttribute(OffsetAttribute.class);
    innerPosInc = inner.getAttribute(PositionIncrementAttribute.class);
    innerType = inner.getAttribute(TypeAttribute.class);
    if (porter) {
      stemInput = new OneTerm();
      stemmer = new PorterStemFilter(stemInput);
      memo = new TermMemo();
    } else {
      stemInput = null;
      stemmer = null;
      memo = null;
    }
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

  /** Sets regionEnd/segmentEnd for the ASCII region starting at pos. */
  private void findRegion() {
    final char[] b = buf;
    final int n = len;
    int k = pos;
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
    return c < 0x80 && CLASS[c] == SPACE;
  }

  @Override
  public boolean incrementToken() throws IOException {
    clearAttributes();
    final char[] b = buf;
    while (true) {
      if (inInner) {
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
      // longest accepted prefix within MAX_TOKEN_LENGTH chars
      final int limit = Math.min(end, p + MAX_TOKEN_LENGTH);
      int state = START;
      int q = p;
      int acceptEnd = -1;
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
          acceptEnd = q;
          acceptLetter = letter;
        }
      }
      if (acceptEnd < 0) {
        pos = p + 1; // leading underscores without a letter or digit: one-char non-token
        continue;
      }
      pos = acceptEnd;
      final int rawLen = acceptEnd - p;
      char[] t = termAtt.resizeBuffer(rawLen);
      for (int i = 0; i < rawLen; i++) {
        char c = b[p + i];
        t[i] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
      }
      int tl = rawLen;
      if (tl >= 2 && t[tl - 1] == 's' && t[tl - 2] == '\'') {
        tl -= 2; // EnglishPossessiveFilter ('s or 'S, before lowercasing)
      }
      if (porter) {
        char[] stem = stemOrStop(t, tl);
        if (stem == null) {
          pendingSkip++;
          continue;
        }
        termAtt.copyBuffer(stem, 0, stem.length);
      } else {
        if (removeStopwords && STOP.contains(t, 0, tl)) {
          pendingSkip++;
          continue;
        }
        termAtt.setLength(tl);
      }
      posIncAtt.setPositionIncrement(1 + pendingSkip);
      pendingSkip = 0;
      offsetAtt.setOffset(correctOffset(p), correctOffset(acceptEnd));
      typeAtt.setType(acceptLetter ? TYPE_ALPHANUM : TYPE_NUM);
      fastTokens++;
      return true;
    }
  }

  /** The stem of t[0, tl), or null when it is a stopword to drop. */
  private char[] stemOrStop(char[] t, int tl) throws IOException {
    if (tl > TermMemo.MAX_KEY) {
      return computeStemOrStop(t, tl);
    }
    int h = 0;
    for (int i = 0; i < tl; i++) {
      h = 31 * h + t[i];
    }
    int slot = memo.find(t, tl, h);
    char[] v = memo.value(slot);
    if (v == null) {
      v = computeStemOrStop(t, tl);
      memo.put(slot, Arrays.copyOf(t, tl), v == null ? TermMemo.STOP : v, h);
      return v;
    }
    return v == TermMemo.STOP ? null : v;
  }

  private char[] computeStemOrStop(char[] t, int tl) throws IOException {
    if (removeStopwords && STOP.contains(t, 0, tl)) {
      return null;
    }
    stemInput.set(t, tl);
    stemmer.incrementToken();
    return Arrays.copyOf(stemInput.term.buffer(), stemInput.term.length());
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
   * Bounded open-addressing memo from a (lowercased, possessive-stripped) word to its stem or to
   * {@link #STOP}; cleared when full, so memory stays bounded for any input.
   */
  static final class TermMemo {
    static final char[] STOP = new char[0];
    static final int MAX_KEY = 32;
    private static final int BITS = 16;
    private static final int MAX_SIZE = (1 << BITS) / 2;
    private final char[][] keys = new char[1 << BITS][];
    private final char[][] values = new char[1 << BITS][];
    private final int[] hashes = new int[1 << BITS];
    private int size;

    /** The slot holding t[0, tl), or the empty slot where it would go. */
    int find(char[] t, int tl, int h) {
      int mask = keys.length - 1;
      int i = (h * 0x9E3779B9) >>> (32 - BITS);
      while (true) {
        char[] k = keys[i];
        if (k == null) {
          return i;
        }
        if (hashes[i] == h && k.length == tl && Arrays.equals(k, 0, tl, t, 0, tl)) {
          return i;
        }
        i = (i + 1) & mask;
      }
    }

    char[] value(int slot) {
      return values[slot];
    }

    void put(int slot, char[] key, char[] value, int h) {
      if (size >= MAX_SIZE) {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
        slot = find(key, key.length, h);
      }
      keys[slot] = key;
      values[slot] = value;
      hashes[slot] = h;
      size++;
    }
  }
}
