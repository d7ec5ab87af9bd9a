package io.trawl.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TextFiles;
import io.trawl.corpus.SampleData;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.junit.jupiter.api.Test;

/**
 * Differential test: {@link FastEnglishTokenizer} must give exactly the Lucene chain's tokens
 * (term, position increment, start and end offset, type, and the final offset and increment of
 * end()) for all four option combinations, on the shared corpora and topics, on a seeded fuzz
 * corpus and on every short string over the chars that matter to the tokenizer. Each check also
 * counts the tokens that took the fast path and the fallback, so that neither goes untested.
 */
class FastEnglishAnalyzerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One option combination: the fast tokenizer (driven directly) and the plain Lucene analyzer. */
  private static final class Pair {
    final String name;
    final FastEnglishTokenizer fast;
    final Analyzer lucene;
    long inputs;

    Pair(boolean porter, boolean keepStop) {
      this(porter, keepStop, FastEnglishTokenizer.StemCache.DEFAULT_BITS);
    }

    Pair(boolean porter, boolean keepStop, int cacheBits) {
      name = Analyzers.describe(porter ? "porter" : "none", keepStop) + " cache 2^" + cacheBits;
      fast = new FastEnglishTokenizer(porter, keepStop, cacheBits);
      lucene = Analyzers.english(porter ? "porter" : "none", keepStop, false);
    }

    void check(String text) throws IOException {
      check(text, new StringReader(text));
    }

    void check(String text, Reader reader) throws IOException {
      inputs++;
      fast.setReader(reader);
      try (TokenStream l = lucene.tokenStream("f", text)) {
        compare(name, text, fast, l);
      } finally {
        fast.close();
      }
    }
  }

  private static List<Pair> pairs() {
    return pairs(FastEnglishTokenizer.StemCache.DEFAULT_BITS);
  }

  private static List<Pair> pairs(int cacheBits) {
    List<Pair> p = new ArrayList<>();
    for (boolean porter : new boolean[] {true, false}) {
      for (boolean keep : new boolean[] {false, true}) {
        p.add(new Pair(porter, keep, cacheBits));
      }
    }
    return p;
  }

  /** Runs both streams (reset/incrementToken/end) in lockstep; fails with a readable diff. */
  static void compare(String name, String text, TokenStream fast, TokenStream lucene) throws IOException {
    CharTermAttribute ft = fast.getAttribute(CharTermAttribute.class);
    PositionIncrementAttribute fp = fast.getAttribute(PositionIncrementAttribute.class);
    OffsetAttribute fo = fast.getAttribute(OffsetAttribute.class);
    TypeAttribute fy = fast.getAttribute(TypeAttribute.class);
    CharTermAttribute lt = lucene.getAttribute(CharTermAttribute.class);
    PositionIncrementAttribute lp = lucene.getAttribute(PositionIncrementAttribute.class);
    OffsetAttribute lo = lucene.getAttribute(OffsetAttribute.class);
    TypeAttribute ly = lucene.getAttribute(TypeAttribute.class);
    fast.reset();
    lucene.reset();
    int i = 0;
    while (true) {
      boolean fh = fast.incrementToken();
      boolean lh = lucene.incrementToken();
      if (fh != lh) {
        fail(name + ": token " + i + (lh ? " missing (Lucene: " + show(lt, lp, lo, ly) + ")"
            : " extra (" + show(ft, fp, fo, fy) + ")") + " for input " + quote(text));
      }
      if (!fh) {
        break;
      }
      if (!ft.toString().equals(lt.toString()) || fp.getPositionIncrement() != lp.getPositionIncrement()
          || fo.startOffset() != lo.startOffset() || fo.endOffset() != lo.endOffset()
          || !fy.type().equals(ly.type())) {
        fail(name + ": token " + i + " is " + show(ft, fp, fo, fy) + ", Lucene " + show(lt, lp, lo, ly)
            + " for input " + quote(text));
      }
      i++;
    }
    fast.end();
    lucene.end();
    if (fp.getPositionIncrement() != lp.getPositionIncrement() || fo.startOffset() != lo.startOffset()
        || fo.endOffset() != lo.endOffset()) {
      fail(name + ": end() gives posInc " + fp.getPositionIncrement() + " offset " + fo.endOffset()
          + ", Lucene " + lp.getPositionIncrement() + " " + lo.endOffset() + " for input " + quote(text));
    }
  }

  private static String show(CharTermAttribute t, PositionIncrementAttribute p, OffsetAttribute o, TypeAttribute y) {
    return "'" + t + "' +" + p.getPositionIncrement() + " [" + o.startOffset() + "," + o.endOffset() + ") " + y.type();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    String cut = s.length() > 600 ? s.substring(0, 600) + "..." : s;
    for (char c : cut.toCharArray()) {
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static void report(String what, List<Pair> pairs) {
    long fast = 0;
    long fallback = 0;
    long segments = 0;
    long inputs = 0;
    for (Pair p : pairs) {
      fast += p.fast.fastTokens;
      fallback += p.fast.fallbackTokens;
      segments += p.fast.fallbackSegments;
      inputs += p.inputs;
    }
    System.out.printf("%s: %d inputs x options, %d fast-path tokens, %d fallback tokens in %d fallback segments%n",
        what, inputs, fast, fallback, segments);
    assertTrue(fast > 0, what + ": no token took the fast path");
  }

  @Test
  void sharedCorpora() throws IOException {
    List<Pair> pairs = pairs();
    for (String corpus : List.of("beir-scifact/corpus.jsonl", "nfcorpus-original-test-split/corpus.jsonl",
        "cranfield/corpus.jsonl", "dl19-dl20-bm25-top100-rankllm/corpus.jsonl")) {
      Path f = SampleData.require(corpus); // skips the test when ../shared/data is absent
      try (TextFiles.Lines lines = new TextFiles.Lines(f.toString())) {
        String line;
        while ((line = lines.next()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = JSON.readTree(line);
          for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (n.get(field).isTextual() && !field.equals("_id") && !field.equals("id")) {
              for (Pair p : pairs) {
                p.check(n.get(field).asText());
              }
            }
          }
        }
      }
    }
    report("shared corpora", pairs);
    long segments = pairs.stream().mapToLong(p -> p.fast.fallbackSegments).sum();
    assertTrue(segments > 0, "the corpora contain non-ASCII text, so some fallback segments are expected");
  }

  @Test
  void topicFiles() throws IOException {
    List<Pair> pairs = pairs();
    List<Path> topics;
    try (Stream<Path> s = Files.list(Path.of("topics-and-qrels"))) {
      topics = s.filter(p -> p.getFileName().toString().startsWith("topics.")).sorted().toList();
    }
    assertTrue(topics.size() > 10, "topics files in topics-and-qrels/");
    for (Path t : topics) {
      try (TextFiles.Lines lines = new TextFiles.Lines(t.toString())) {
        String line;
        while ((line = lines.next()) != null) {
          for (Pair p : pairs) {
            p.check(line);
          }
        }
      }
    }
    report(topics.size() + " topic files", pairs);
  }

  // fuzz pieces
  private static final String[] WORDS = {"the", "The", "THE", "a", "An", "and", "of", "to", "is", "it's",
      "It's", "John's", "JOHN'S", "dogs'", "cats'S", "running", "ran", "generalizations", "caresses",
      "ponies", "relational", "hopefully", "y's", "s's", "'s", "''s", "'", "s", "S", "no", "not", "such",
      "there", "these", "will", "with", "into", "Xx", "i.e.", "e.g.", "U.S.A.", "U.S.", "a.b.c", "Ph.D",
      "O'Neil", "rock'n'roll", "don't", "can't", "c:a", "a:b:c", "1:30", "12:00pm", "3.14", "1,000",
      "1,234,567.89", "10.5%", "1.2.3.4", "192.168.0.1", "1;2", "a;b", "2,a", "a,2", "1.a", "a.1", "x1.2",
      "1x.y", "1_000", "snake_case", "__init__", "_", "__", "_a", "a_", "_1_", "a_.b", "1_,2", "a__b",
      "john.doe@example.com", "x@y.org", "http://www.example.com/a_b?c=d&e=f#g", "https://t.co/xYz",
      "www.lucene.apache.org", "C++", "C#", "#1", "*", "#hashtag", "@user", "$100", "US$5", "5'10\"",
      "\"quoted\"", "(paren)", "[br]", "{cur}", "<tag>", "a/b", "a\\b", "a-b", "a--b", "a+b", "a=b", "a|b",
      "a~b", "a`b", "a^b", "a!", "why?", "a..b", "a.'b", "a'.b", "1..2", "1.'2", "1'000", "80's", "1990's",
      "'90s", "A1", "b2B", "7UP", "3D", "mp3", "H2O", "x86_64", "α-helix", "β", "naïve", "café's",
      "Müller's", "l’été", "John’s", "John＇s", "ｆｕｌｌ", "１２３", "日本語", "中文字", "カタカナ", "ひらがな",
      "한국어", "ไทย", "\u00ADsoft", "soft\u00ADhyphen", "e\u0301", "\u0301x", "\u200Bzw", "a\u200Db",
      "😀", "👍🏽", "🇺🇸", "#\u20E3", "1\uFE0F\u20E3", "*\u20E3", "\u2764\uFE0F", "x\u2019s", "\u00A0",
      "a\u00A0b", "\u2003", "\u3000", "â€™", "Ã©", "\uFFFD", "\uD83D", "\uDE00", "\uD800\uDC00", "1.\u00BD",
      "\u05D0\"\u05D1", "\u05D0'", "a\u00B7b", "1\u066B2", "a\u2018b", "a\u2019b", "a\uFE52b", "a\uFF0Eb"};
  private static final String SPACES = " \t\n\r\u000B\f";
  private static final String PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private static String randomText(Random r, boolean asciiOnly) {
    int pieces = r.nextInt(r.nextInt(10) == 0 ? 200 : 25);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      int kind = r.nextInt(100);
      if (kind < 30) {
        String w = WORDS[r.nextInt(WORDS.length)];
        if (asciiOnly && !w.chars().allMatch(c -> c < 0x80)) {
          w = "plain";
        }
        sb.append(w);
      } else if (kind < 50) {
        int n = 1 + r.nextInt(10);
        for (int k = 0; k < n; k++) {
          sb.append((char) (r.nextBoolean() ? 'a' + r.nextInt(26) : 'A' + r.nextInt(26)));
        }
      } else if (kind < 58) {
        int n = 1 + r.nextInt(6);
        for (int k = 0; k < n; k++) {
          sb.append((char) ('0' + r.nextInt(10)));
        }
      } else if (kind < 70) {
        sb.append(PUNCT.charAt(r.nextInt(PUNCT.length())));
      } else if (kind < 90) {
        sb.append(SPACES.charAt(r.nextInt(r.nextInt(3) == 0 ? SPACES.length() : 1)));
      } else if (kind < 93) {
        // long words around the 255-char limit, with joiners near the boundary
        int n = 240 + r.nextInt(40) + (r.nextInt(5) == 0 ? 300 : 0);
        String joiners = "a1_.'':,;";
        for (int k = 0; k < n; k++) {
          sb.append(r.nextInt(8) == 0 ? joiners.charAt(r.nextInt(joiners.length())) : (char) ('a' + r.nextInt(3)));
        }
      } else if (kind < 96) {
        sb.append((char) r.nextInt(0x80));
      } else if (kind < 97 && !asciiOnly) {
        sb.append((char) (0xD800 + r.nextInt(0x800))); // surrogates, paired or not
      } else if (!asciiOnly) {
        sb.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : (char) (0x80 + r.nextInt(0x3000)));
      }
    }
    return sb.toString();
  }

  @Test
  void seededFuzz() throws IOException {
    Random r = new Random(20261129L);
    List<Pair> pairs = new ArrayList<>(pairs());
    pairs.addAll(pairs(1)); // a stem cache of 2 sets: constant eviction
    for (int i = 0; i < 300_000; i++) {
      String text = randomText(r, r.nextInt(3) > 0);
      pairs.get(i & 7).check(text);
    }
    report("fuzz", pairs);
    long fallback = pairs.stream().mapToLong(p -> p.fast.fallbackTokens).sum();
    assertTrue(fallback > 1000, "fuzz exercises the fallback");
  }

  /**
   * Every string up to length 6 over chars standing for each ASCII word-break class (letter,
   * possessive s, digit, MidLetter ':', MidNum ',' ';', MidNumLet '.', Single_Quote, ExtendNumLet
   * '_', space, other '-'), with stopwords and stemming off so the raw tokens are compared.
   */
  @Test
  void allShortStrings() throws IOException {
    Pair p = new Pair(false, true);
    char[] alphabet = {'a', 'S', '1', ':', ',', ';', '.', '\'', '_', ' ', '-'};
    char[] s = new char[6];
    long n = 0;
    for (int len = 0; len <= 6; len++) {
      int[] idx = new int[len];
      while (true) {
        for (int k = 0; k < len; k++) {
          s[k] = alphabet[idx[k]];
        }
        p.check(new String(s, 0, len));
        n++;
        int k = len - 1;
        while (k >= 0 && ++idx[k] == alphabet.length) {
          idx[k] = 0;
          k--;
        }
        if (k < 0) {
          break;
        }
      }
    }
    report("all " + n + " strings up to length 6", List.of(p));
    assertEquals(0, p.fast.fallbackSegments);
  }

  /** Edge cases found by the fuzz test or near the 255-char limit, for all four options. */
  @Test
  void edgeCases() throws IOException {
    List<Pair> pairs = pairs();
    String a255 = "a".repeat(255);
    List<String> cases = List.of("", " ", "the", "the of and", "The cat's the", "é the", "the é the of",
        "the \u00e9", "\u00e9 the", "ab cd \ud83d", "\ud83d", "x\ud83d y", "fKRvTS\ud83d\u000c3D",
        "A10cTsjj\u0010wQLLrok\ud83d", "x \ud83d\ude00 y", "\ude00x", a255, a255 + "a", a255 + ".b",
        "a".repeat(254) + ".b", "a".repeat(254) + "'s", "a".repeat(253) + "'s", "_".repeat(300) + "a",
        "_".repeat(254) + "a", "1".repeat(256) + ",5", "1.2".repeat(100), "a.".repeat(200), "a_".repeat(300),
        "x" + a255 + a255 + "é the", "1'2 a'b 1:2 a:b 1;2 a;b 1,2 a,b 1.2 a.b a_1 1_a _ __ _1 a_",
        "#\u20e3 1\ufe0f\u20e3 *\u20e3 #1 *2");
    for (String c : cases) {
      for (Pair p : pairs) {
        p.check(c);
      }
    }
    report("edge cases", pairs);
  }

  /** The fast tokenizer reads any Reader (here one char per read) and is reusable after early close. */
  @Test
  void readerChunksAndReuse() throws IOException {
    Pair p = new Pair(true, false);
    String text = "The U.S.A.'s naïve dogs' owners   ran 1,000.5 miles; it's x_y_ the end. the";
    p.check(text, new Reader() {
      int i;

      @Override
      public int read(char[] cbuf, int off, int len) {
        if (i >= text.length()) {
          return -1;
        }
        cbuf[off] = text.charAt(i++);
        return 1;
      }

      @Override
      public void close() {}
    });
    // consumer stops inside a fallback segment, then the stream is reused
    FastEnglishTokenizer t = p.fast;
    t.setReader(new StringReader("café crème brûlée is the dessert"));
    t.reset();
    assertTrue(t.incrementToken());
    t.close();
    p.check("after an abandoned stream: the cats' toys");
    // the analyzer returned by Analyzers.english is the fast one unless -Dtrawl.analysis.lucene=true
    Analyzer a = Analyzers.english("porter", false, true);
    for (String s : List.of("Dogs' owners ran", "é the running", "", "the of and")) {
      try (TokenStream ts = a.tokenStream("contents", s); TokenStream l = p.lucene.tokenStream("f", s)) {
        assertTrue(ts instanceof FastEnglishTokenizer);
        compare("analyzer", s, ts, l);
      }
    }
  }
}
