package io.trawl.index.segment;

import io.trawl.core.TextFiles;
import io.trawl.index.Analyzers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.BytesRefHash;
import org.apache.lucene.util.UnicodeUtil;

/**
 * Micro-benchmark (not a test) of the term dictionary's two jobs in the segment writer, with
 * {@link ByteDictionary} and with Lucene's {@link BytesRefHash}: every token of a chunk looked up
 * in the chunk's dictionary (cleared per chunk), then every chunk term in the segment's. Tokens
 * are analyzed once, first (English analyzer), from the {@code "contents"} of a JSONL corpus; one
 * thread; passes alternate between the two. Prints nanoseconds per token.
 * Usage: DictionaryBench CORPUS.jsonl DOCS PASSES
 */
public final class DictionaryBench {
  public static void main(String[] a) throws IOException {
    int docs = Integer.parseInt(a[1]);
    int passes = Integer.parseInt(a[2]);
    List<char[][]> chunks = tokens(a[0], docs, 1024);
    long tokens = 0;
    for (char[][] c : chunks) {
      tokens += c.length;
    }
    System.out.printf(Locale.ROOT, "%d chunks, %d tokens%n", chunks.size(), tokens);
    for (int p = 0; p < passes; p++) {
      long t0 = System.nanoTime();
      long x = own(chunks);
      long t1 = System.nanoTime();
      long y = lucene(chunks);
      long t2 = System.nanoTime();
      if (x != y) {
        throw new AssertionError("different term counts: " + x + " vs " + y);
      }
      System.out.printf(Locale.ROOT, "pass %d: ByteDictionary %.1f ns/token, BytesRefHash %.1f ns/token (%d segment terms)%n",
          p, (t1 - t0) / (double) tokens, (t2 - t1) / (double) tokens, x);
    }
  }

  static List<char[][]> tokens(String corpus, int docs, int chunkDocs) throws IOException {
    Analyzer analyzer = Analyzers.english("porter", false);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<char[][]> chunks = new ArrayList<>();
    List<char[]> chunk = new ArrayList<>();
    int n = 0;
    try (TextFiles.Lines lines = new TextFiles.Lines(corpus)) {
      String line;
      while (n < docs && (line = lines.next()) != null) {
        String text = json.readTree(line).path("contents").asText();
        try (TokenStream ts = analyzer.tokenStream("contents", text)) {
          CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
          ts.reset();
          while (ts.incrementToken()) {
            chunk.add(java.util.Arrays.copyOf(term.buffer(), term.length()));
          }
          ts.end();
        }
        if (++n % chunkDocs == 0) {
          chunks.add(chunk.toArray(new char[0][]));
          chunk.clear();
        }
      }
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk.toArray(new char[0][]));
    }
    return chunks;
  }

  static long own(List<char[][]> chunks) {
    ByteDictionary chunkDict = new ByteDictionary(1 << 10, 1 << 14);
    ByteDictionary segment = new ByteDictionary(1 << 12, 1 << 16);
    BytesRef scratch = new BytesRef(new byte[256]);
    for (char[][] c : chunks) {
      chunkDict.clear();
      for (char[] t : c) {
        chunkDict.addChars(t, t.length, scratch);
      }
      for (int e = 0; e < chunkDict.size; e++) {
        segment.add(chunkDict.bytes, chunkDict.start[e], chunkDict.length[e], chunkDict.hash[e]);
      }
    }
    return segment.size;
  }

  static long lucene(List<char[][]> chunks) {
    BytesRefHash chunkDict = new BytesRefHash();
    BytesRefHash segment = new BytesRefHash();
    BytesRef utf8 = new BytesRef(new byte[256]);
    BytesRef term = new BytesRef();
    for (char[][] c : chunks) {
      chunkDict.clear(false);
      chunkDict.reinit();
      for (char[] t : c) {
        if (utf8.bytes.length < t.length * 3) {
          utf8.bytes = new byte[t.length * 3];
        }
        utf8.length = UnicodeUtil.UTF16toUTF8(t, 0, t.length, utf8.bytes);
        chunkDict.add(utf8);
      }
      for (int e = 0; e < chunkDict.size(); e++) {
        segment.add(chunkDict.get(e, term));
      }
    }
    return segment.size();
  }
}
