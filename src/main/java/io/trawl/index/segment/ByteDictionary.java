package io.trawl.index.segment;

import java.util.Arrays;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.MSBRadixSorter;
import org.apache.lucene.util.UnicodeUtil;

/**
 * The one term dictionary of the segment writer: byte strings (UTF-8 terms) numbered 0, 1, 2, ...
 * in order of first addition, kept in one byte array, found through an open-addressing table
 * (linear probing, at most half full). Used per chunk and field by {@link InvertedChunk} (every
 * token is looked up) and per segment and field by {@link SegmentBuilder} (every chunk term is
 * looked up, with the hash the chunk computed).
 *
 * <p>Terms may be added by their characters instead ({@link #addChars}): the lookup then compares
 * characters and hashes them, and UTF-8 is made once per new term instead of once per token. A
 * dictionary is keyed by characters or by bytes from one {@link #clear} to the next (an analyzer
 * gives a field's tokens one way).
 *
 * <p>{@code add} returns the term's id when it is new and {@code -1 - id} when it was there: the
 * caller grows its own per-term arrays when a new id reaches their length.
 *
 * <p>Measured against Lucene's {@code BytesRefHash} (which hashes the bytes itself, keeps them
 * length-prefixed in block pools, and needs UTF-8 per token): see docs/indexing.md, "For
 * maintainers".
 */
final class ByteDictionary {
  /** Lucene's limit on the UTF-8 length of one term (IndexWriter.MAX_TERM_LENGTH). */
  static final int MAX_TERM_BYTES = 32766;

  /** The terms' bytes: term {@code id} is {@code bytes[start[id] .. start[id] + length[id])}. */
  byte[] bytes;
  int bytesUsed;
  int[] start;
  int[] length;
  /** The terms' {@link #hash}es (passed on to a dictionary that adds the same bytes). */
  int[] hash;
  int size;
  private int[] table; // id + 1; 0 = free
  private int mask;

  // keyed by characters: the terms as analyzed (UTF-16), and their character hashes
  private boolean byChars;
  private char[] chars;
  private int charsUsed;
  private int[] charStart;
  private int[] charHash;

  ByteDictionary(int initialTerms, int initialBytes) {
    bytes = new byte[initialBytes];
    start = new int[initialTerms];
    length = new int[initialTerms];
    hash = new int[initialTerms];
    table = new int[initialTerms * 2];
    mask = table.length - 1;
  }

  /** Forgets every term (keeps the arrays). */
  void clear() {
    Arrays.fill(table, 0);
    size = 0;
    bytesUsed = 0;
    charsUsed = 0;
    byChars = false;
  }

  /** Drops the lookup table (no more additions): after the last one, before sorting. */
  void freeze() {
    table = null;
  }

  /** The hash of a term's bytes, the same in every dictionary. */
  static int hash(byte[] b, int off, int len) {
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + b[i];
    }
    return mix(h);
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 15);
  }

  /** Adds {@code b[off..off+len)}: its id if new, else {@code -1 - id}. */
  int add(byte[] b, int off, int len) {
    return add(b, off, len, hash(b, off, len));
  }

  /** {@link #add(byte[], int, int)} with the bytes' {@link #hash} already computed. */
  int add(byte[] b, int off, int len, int h) {
    if (byChars) {
      throw new IllegalStateException("a field's tokens come as characters and as bytes");
    }
    int i = h & mask;
    while (true) {
      int e = table[i] - 1;
      if (e < 0) {
        break;
      }
      if (hash[e] == h && sameBytes(bytes, start[e], length[e], b, off, len)) {
        return -1 - e;
      }
      i = (i + 1) & mask;
    }
    int e = append(b, off, len, h, i);
    if (size * 2 > table.length) {
      rehash(hash);
    }
    return e;
  }

  /**
   * Adds the term whose characters are {@code c[0..len)} (its UTF-8 bytes are what is stored):
   * its id if new, else {@code -1 - id}. {@code scratch} holds the UTF-8 of a new term.
   */
  int addChars(char[] c, int len, BytesRef scratch) {
    if (!byChars) {
      if (size > 0) {
        throw new IllegalStateException("a field's tokens come as characters and as bytes");
      }
      byChars = true;
      if (chars == null) {
        chars = new char[Math.max(16, bytes.length)];
        charStart = new int[start.length];
        charHash = new int[start.length];
      }
    }
    int h = 0;
    for (int k = 0; k < len; k++) {
      h = 31 * h + c[k];
    }
    h = mix(h);
    int i = h & mask;
    while (true) {
      int e = table[i] - 1;
      if (e < 0) {
        break;
      }
      if (charHash[e] == h && sameChars(e, c, len)) {
        return -1 - e;
      }
      i = (i + 1) & mask;
    }
    if (scratch.bytes.length < len * 3) {
      scratch.bytes = new byte[ArrayUtil.oversize(len * 3, 1)];
    }
    int n = UnicodeUtil.UTF16toUTF8(c, 0, len, scratch.bytes);
    int e = append(scratch.bytes, 0, n, hash(scratch.bytes, 0, n), i);
    if (charsUsed + len > chars.length) {
      chars = ArrayUtil.grow(chars, charsUsed + len);
    }
    System.arraycopy(c, 0, chars, charsUsed, len);
    charStart[e] = charsUsed;
    charHash[e] = h;
    charsUsed += len;
    if (size * 2 > table.length) {
      rehash(charHash);
    }
    return e;
  }

  private boolean sameChars(int e, char[] c, int len) {
    int from = charStart[e];
    int end = e + 1 < size ? charStart[e + 1] : charsUsed;
    if (end - from != len) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (chars[from + k] != c[k]) {
        return false;
      }
    }
    return true;
  }

  /** Stores a new term at free table slot {@code i}; returns its id. */
  private int append(byte[] b, int off, int len, int h, int i) {
    if (len > MAX_TERM_BYTES) {
      throw new IllegalArgumentException("a term is longer than " + MAX_TERM_BYTES
          + " bytes (UTF-8); Lucene cannot index it");
    }
    int e = size;
    if (e == start.length) {
      int n = ArrayUtil.oversize(e + 1, Integer.BYTES);
      start = Arrays.copyOf(start, n);
      length = Arrays.copyOf(length, n);
      hash = Arrays.copyOf(hash, n);
      if (charStart != null) {
        charStart = Arrays.copyOf(charStart, n);
        charHash = Arrays.copyOf(charHash, n);
      }
    }
    if (bytesUsed + len > bytes.length) {
      bytes = ArrayUtil.grow(bytes, bytesUsed + len);
    }
    System.arraycopy(b, off, bytes, bytesUsed, len);
    start[e] = bytesUsed;
    length[e] = len;
    hash[e] = h;
    bytesUsed += len;
    table[i] = e + 1;
    size++;
    return e;
  }

  private void rehash(int[] hashes) {
    table = new int[table.length * 2];
    mask = table.length - 1;
    for (int e = 0; e < size; e++) {
      int i = hashes[e] & mask;
      while (table[i] != 0) {
        i = (i + 1) & mask;
      }
      table[i] = e + 1;
    }
  }

  /** Term {@code id}'s bytes, pointed at by {@code into}. */
  BytesRef term(int id, BytesRef into) {
    into.bytes = bytes;
    into.offset = start[id];
    into.length = length[id];
    return into;
  }

  /** Sorts {@code order[0..n)} (term ids) by the terms' unsigned byte order. */
  void sort(int[] order, int n) {
    sortByBytes(order, n, bytes, start, length);
  }

  /** Bytes of memory held, roughly. */
  long ramBytesUsed() {
    return bytes.length + 12L * start.length + (table == null ? 0 : 4L * table.length)
        + (chars == null ? 0 : 2L * chars.length + 8L * charStart.length);
  }

  /**
   * Sorts {@code order[0..n)} (ids of byte strings stored as {@code pool[start[id] ..
   * start[id] + length[id])}) by unsigned byte order; used for terms and docids alike.
   */
  static void sortByBytes(int[] order, int n, byte[] pool, int[] start, int[] length) {
    new MSBRadixSorter(MAX_TERM_BYTES) {
      @Override
      protected void swap(int i, int j) {
        int x = order[i];
        order[i] = order[j];
        order[j] = x;
      }

      @Override
      protected int byteAt(int i, int k) {
        int t = order[i];
        return k < length[t] ? pool[start[t] + k] & 0xff : -1;
      }
    }.sort(0, n);
  }

  /** Whether {@code a[aOff..aOff+aLen)} and {@code b[bOff..bOff+bLen)} hold the same bytes. */
  static boolean sameBytes(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    if (aLen != bLen) {
      return false;
    }
    // a plain loop over short terms (Arrays.equals's vectorized mismatch stood out in profiles)
    for (int k = 0; k < aLen; k++) {
      if (a[aOff + k] != b[bOff + k]) {
        return false;
      }
    }
    return true;
  }
}
