package io.trawl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.index.Analyzers;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * A benchmark corpus (not a test) with the statistics of MS MARCO passage v1, deterministic from a
 * seed, for measuring indexing and search at MS MARCO's scale without the corpus.
 *
 * <p>The model, each part fitted or calibrated, nothing copied from MS MARCO but the statistics:
 *
 * <ul>
 *   <li><b>Words</b>: the words of the 9,658 real MS MARCO passages of the DL19/DL20 BM25 pools in
 *       {@code ../shared/data} (RankLLM's files) that occur at least twice are the head, drawn with
 *       their own frequencies (so frequent terms, stopwords included, are real English and the real
 *       MS MARCO queries meet realistic posting lists); rarer ranks are the tail, synthetic words
 *       ({@code q}, consonant-vowel syllables, {@code x}: not English, never a stopword, unchanged
 *       by the Porter stemmer) with density {@code x^-s}, {@code s} the exponent of the
 *       Zipf–Mandelbrot law {@code f(r) ~ (r + q)^-s} fitted (least squares on log frequency,
 *       log-spaced ranks) to the real passages' rank-frequency curve.
 *   <li><b>Vocabulary size</b>: the tail is cut at {@code V} ranks, with {@code V} chosen so that
 *       the expected number of distinct terms at MS MARCO's size (the head's stems plus the tail's
 *       expected distinct words, {@code integral 1 - exp(-T p(x)) dx}) equals the 2,660,824 unique
 *       terms of Anserini's MS MARCO passage index at 8,841,823 passages (Pyserini's prebuilt index
 *       catalogue, {@code lucene-index.msmarco-v1-passage.20221004.252b5e}: 8,841,823 documents,
 *       352,316,036 total terms, 2,660,824 unique terms), so vocabulary growth with the corpus size
 *       follows from the law (Heaps-like) instead of being imposed.
 *   <li><b>Lengths</b>: each passage's length is drawn from the real passages' word counts, scaled
 *       so that the expected number of terms left after Anserini's analysis (stopwords dropped) is
 *       352,316,036 / 8,841,823 = 39.85 per passage.
 * </ul>
 *
 * <p>Passage {@code i} depends on {@code (seed, i)} alone (its own random stream), so a corpus of N
 * passages is the first N of any larger one and generation can run in parallel.
 *
 * <p>Usage: {@code MsMarcoLikeCorpus <shared-dir> <out.tsv|-> <passages> <seed> [--fit FILE]}:
 * writes {@code docid TAB text} lines (MS MARCO's collection.tsv shape; {@code trawl index
 * --collection tsv}); {@code --fit} writes the fit tables (Markdown). Run through
 * {@code bin/bench-corpus}.
 */
public final class MsMarcoLikeCorpus {
  /** Anserini's MS MARCO passage index (Pyserini's catalogue, 20221004.252b5e). */
  static final long MSMARCO_DOCS = 8_841_823L;

  static final long MSMARCO_TERMS = 352_316_036L;
  static final long MSMARCO_UNIQUE = 2_660_824L;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  final List<String> realWords; // by frequency, descending
  final long[] realCounts;
  final int[] realLengths; // word counts of the real passages
  /** Zipf-Mandelbrot fit of the real rank-frequency curve (reported). */
  final double s;
  final double q;
  /** head: the real words seen at least twice, with their own frequencies */
  final int head;
  final double headMass;
  private final double[] headP;
  private final double[] headCdf;
  /** tail: ranks head+1..vocabulary, density ~ x^-tailExponent */
  final double tailExponent;
  final long vocabulary;
  final double lengthScale;
  final double stopMass; // probability that a token is a stopword
  private final Set<String> stop;
  private final long seed;
  private final int headStems;

  MsMarcoLikeCorpus(List<String> passages, long seed) {
    this.seed = seed;
    Map<String, Long> counts = new HashMap<>();
    realLengths = new int[passages.size()];
    for (int i = 0; i < passages.size(); i++) {
      List<String> w = words(passages.get(i));
      realLengths[i] = w.size();
      for (String x : w) {
        counts.merge(x, 1L, Long::sum);
      }
    }
    realWords = new ArrayList<>(counts.keySet());
    realWords.sort((a, b) -> counts.get(a).equals(counts.get(b)) ? a.compareTo(b)
        : Long.compare(counts.get(b), counts.get(a)));
    realCounts = realWords.stream().mapToLong(counts::get).toArray();
    double[] fit = fitZipfMandelbrot(realCounts);
    s = fit[0];
    q = fit[1];
    stop = stopwords(realWords);
    long realTokens = Arrays.stream(realCounts).sum();
    int h = 0;
    while (h < realCounts.length && realCounts[h] >= 2) {
      h++;
    }
    head = h;
    headP = new double[h];
    headCdf = new double[h];
    double acc = 0;
    Set<String> stems = new HashSet<>();
    try (Analyzer a = Analyzers.english("porter", false)) {
      for (int i = 0; i < h; i++) {
        headP[i] = (double) realCounts[i] / realTokens;
        acc += headP[i];
        headCdf[i] = acc;
        stems.addAll(analyze(a, realWords.get(i)));
      }
    }
    headMass = acc;
    headStems = stems.size();
    double stopFraction = 0;
    for (int i = 0; i < h; i++) {
      if (stop.contains(realWords.get(i))) {
        stopFraction += headP[i];
      }
    }
    stopMass = stopFraction;
    double meanRaw = Arrays.stream(realLengths).average().orElse(1);
    lengthScale = (double) MSMARCO_TERMS / MSMARCO_DOCS / (meanRaw * (1 - stopFraction));
    // the tail follows the fitted law's exponent; its cut gives MS MARCO's unique terms at MS
    // MARCO's size (the head's words all occur there: their stems count once each)
    double msTokens = MSMARCO_DOCS * meanRaw * lengthScale;
    tailExponent = Math.abs(s - 1) < 1e-6 ? 1 + 1e-6 : s;
    vocabulary = tailFor(tailExponent, msTokens, MSMARCO_UNIQUE - headStems);
  }

  /** Expected distinct head words among {@code tokens} draws. */
  double headDistinct(double tokens) {
    double d = 0;
    for (double p : headP) {
      d += -Math.expm1(-tokens * p);
    }
    return d;
  }

  /** Expected distinct tail words among {@code tokens} draws, tail exponent e, cut v. */
  double tailDistinct(double tokens, double e, long v) {
    double a = head + 0.5;
    double b = v + 0.5;
    double z = (Math.pow(b, 1 - e) - Math.pow(a, 1 - e)) / (1 - e);
    double d = 0;
    while (a < b) {
      double c = Math.min(b, a * 1.005 + 1);
      double mid = (a + c) / 2;
      d += (c - a) * -Math.expm1(-tokens * (1 - headMass) * Math.pow(mid, -e) / z);
      a = c;
    }
    return d;
  }

  /** The cut whose tail gives {@code target} distinct words at {@code tokens}. */
  long tailFor(double e, double tokens, double target) {
    long lo = head + 1;
    long hi = 100_000_000_000L;
    if (tailDistinct(tokens, e, hi) < target) {
      return hi;
    }
    while (hi - lo > Math.max(1, lo / 100_000)) {
      long mid = lo + (hi - lo) / 2;
      if (tailDistinct(tokens, e, mid) < target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Real words the English analyzer drops (its stopwords). */
  private static Set<String> stopwords(List<String> words) {
    Set<String> out = new HashSet<>();
    try (Analyzer a = Analyzers.english("porter", false)) {
      for (String w : words.subList(0, Math.min(2000, words.size()))) {
        if (analyze(a, w).isEmpty()) {
          out.add(w);
        }
      }
    }
    return out;
  }

  static List<String> analyze(Analyzer a, String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream("contents", new StringReader(text))) {
      CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(t.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /**
   * Least-squares fit of {@code log f(r) = c - s log(r + q)} on log-spaced ranks (every rank up to
   * 10, then each 5% step, while the count is at least 3: below that counts are too coarse), so
   * the few frequent words weigh as much as the many rare ones; {@code q} on a grid; returns
   * {s, q}.
   */
  static double[] fitZipfMandelbrot(long[] counts) {
    List<Integer> ranks = new ArrayList<>();
    for (int r = 1; r <= counts.length && counts[r - 1] >= 3; r = Math.max(r + 1, (int) Math.ceil(r * 1.05))) {
      ranks.add(r);
    }
    int n = ranks.size();
    double best = Double.POSITIVE_INFINITY;
    double[] out = {1, 0};
    for (double q = 0; q <= 50; q += 0.05) {
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (int r : ranks) {
        double x = Math.log(r + q);
        double y = Math.log(counts[r - 1]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
      double c = (sy - slope * sx) / n;
      double err = 0;
      for (int r : ranks) {
        double e = Math.log(counts[r - 1]) - (c + slope * Math.log(r + q));
        err += e * e;
      }
      if (err < best) {
        best = err;
        out = new double[] {-slope, q};
      }
    }
    return out;
  }

  /** A rank: a head word by its real frequency, or a tail rank by inverse transform of x^-e. */
  long rank(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    if (u < headMass) {
      int i = Arrays.binarySearch(headCdf, u);
      return Math.min(head, (i >= 0 ? i : -i - 1) + 1);
    }
    double a = head + 0.5;
    double b = vocabulary + 0.5;
    double f = (u - headMass) / (1 - headMass);
    double e = tailExponent;
    double lo = Math.pow(a, 1 - e);
    double hi = Math.pow(b, 1 - e);
    double x = Math.pow(lo + f * (hi - lo), 1 / (1 - e));
    return Math.min(vocabulary, Math.max(head + 1, Math.round(x)));
  }

  private static final String CONSONANTS = "bdfgklmnprtvz";
  private static final String VOWELS = "aeiou";

  /** The word of a rank: a head word, or a synthetic one unique to the rank. */
  String word(long rank) {
    if (rank <= head) {
      return realWords.get((int) rank - 1);
    }
    StringBuilder sb = new StringBuilder("q");
    long x = rank;
    do {
      int syl = (int) (x % (CONSONANTS.length() * VOWELS.length()));
      sb.append(CONSONANTS.charAt(syl / VOWELS.length())).append(VOWELS.charAt(syl % VOWELS.length()));
      x /= CONSONANTS.length() * VOWELS.length();
    } while (x > 0);
    return sb.append('x').toString();
  }

  /** Passage {@code i}: its own random stream from (seed, i). */
  String passage(long i) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    int base = realLengths[rnd.nextInt(realLengths.length)];
    int len = Math.max(1, (int) Math.round(base * lengthScale));
    StringBuilder sb = new StringBuilder(len * 8);
    for (int k = 0; k < len; k++) {
      if (k > 0) {
        sb.append(' ');
      }
      sb.append(word(rank(rnd)));
    }
    return sb.toString();
  }

  static List<String> readPassages(Path shared) throws IOException {
    Path f = shared.resolve("data/dl19-dl20-bm25-top100-rankllm/corpus.jsonl");
    List<String> out = new ArrayList<>();
    ObjectMapper om = new ObjectMapper();
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          JsonNode n = om.readTree(line);
          out.add(n.path("contents").asText());
        }
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Path shared = Path.of(args[0]);
    String out = args[1];
    long n = Long.parseLong(args[2]);
    long seed = Long.parseLong(args[3]);
    String fitFile = args.length > 5 && args[4].equals("--fit") ? args[5] : null;
    List<String> real = readPassages(shared);
    MsMarcoLikeCorpus c = new MsMarcoLikeCorpus(real, seed);
    if (fitFile != null) {
      Files.writeString(Path.of(fitFile), c.fitReport(real), StandardCharsets.UTF_8);
    }
    if (out.equals("-") && n == 0) {
      return;
    }
    int threads = Runtime.getRuntime().availableProcessors();
    int chunk = 10_000;
    try (BufferedWriter w = out.equals("-")
        ? new BufferedWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 20)
        : Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8)) {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        for (long start = 0; start < n; start += (long) chunk * threads) {
          List<java.util.concurrent.Future<String>> parts = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            long a = start + (long) t * chunk;
            long b = Math.min(n, a + chunk);
            parts.add(pool.submit(() -> {
              StringBuilder sb = new StringBuilder();
              for (long i = a; i < b; i++) {
                sb.append(i).append('\t').append(c.passage(i)).append('\n');
              }
              return sb.toString();
            }));
          }
          for (java.util.concurrent.Future<String> p : parts) {
            w.write(p.get());
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The fit against the real passages, as Markdown tables. */
  String fitReport(List<String> real) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Real passages: %,d, %,d word tokens, %,d distinct words; their "
        + "rank-frequency curve fits a Zipf-Mandelbrot law with s = %.4f, q = %.2f (log-spaced ranks). "
        + "Generator: head = the %,d words seen at least twice, with their own frequencies (mass %.4f, "
        + "%,d distinct terms after analysis); tail = ranks %,d..%,d with density ~ x^-%.4f; "
        + "length scale %.4f; stopword mass %.4f; mean terms after analysis %.2f (MS MARCO: %.2f).%n%n",
        real.size(), Arrays.stream(realCounts).sum(), realWords.size(), s, q, head, headMass, headStems,
        head + 1, vocabulary, tailExponent, lengthScale, stopMass,
        Arrays.stream(realLengths).average().orElse(0) * lengthScale * (1 - stopMass),
        (double) MSMARCO_TERMS / MSMARCO_DOCS));
    // generated at the real scale
    int m = real.size();
    Map<String, Long> gen = new HashMap<>();
    List<String> genPassages = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      String p = passage(i);
      genPassages.add(p);
      for (String w : words(p)) {
        gen.merge(w, 1L, Long::sum);
      }
    }
    long[] genCounts = gen.values().stream().mapToLong(Long::longValue).sorted().toArray();
    md.append("Rank-frequency, real passages vs the same number of generated ones:\n\n");
    md.append("| rank | real word | real count | generated count at that rank |\n|---|---|---|---|\n");
    for (int r : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000}) {
      if (r > realCounts.length) {
        break;
      }
      long g = r <= genCounts.length ? genCounts[genCounts.length - r] : 0;
      md.append(String.format(Locale.ROOT, "| %,d | %s | %,d | %,d |%n", r, realWords.get(r - 1),
          realCounts[r - 1], g));
    }
    md.append("\nVocabulary against documents (distinct words; distinct terms after Anserini's analysis):\n\n");
    md.append("| documents | real words | generated words | real terms | generated terms |\n|---|---|---|---|---|\n");
    try (Analyzer a = Analyzers.english("porter", false)) {
      Set<String> rw = new HashSet<>(), gw = new HashSet<>(), rt = new HashSet<>(), gt = new HashSet<>();
      long realTerms = 0, genTerms = 0;
      int next = 0;
      int[] marks = {500, 1000, 2000, 5000, m};
      for (int i = 0; i < m; i++) {
        rw.addAll(words(real.get(i)));
        gw.addAll(words(genPassages.get(i)));
        List<String> ra = analyze(a, real.get(i));
        List<String> ga = analyze(a, genPassages.get(i));
        realTerms += ra.size();
        genTerms += ga.size();
        rt.addAll(ra);
        gt.addAll(ga);
        if (next < marks.length && i + 1 == marks[next]) {
          md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d |%n", i + 1, rw.size(), gw.size(),
              rt.size(), gt.size()));
          next++;
        }
      }
      md.append(String.format(Locale.ROOT, "%nTerms per passage after analysis: real %.2f (BM25 pools: "
          + "longer than MS MARCO's mean), generated %.2f (calibrated to MS MARCO's %.2f).%n%n",
          (double) realTerms / m, (double) genTerms / m, (double) MSMARCO_TERMS / MSMARCO_DOCS));
    }
    md.append("Expected distinct terms at larger sizes (the head's stems, all present at these sizes, plus"
        + " the tail's expected distinct words):\n\n| passages | tokens | distinct terms |\n|---|---|---|\n");
    double meanRaw = Arrays.stream(realLengths).average().orElse(1) * lengthScale;
    for (long d : new long[] {1_000_000L, 3_000_000L, MSMARCO_DOCS}) {
      md.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f |%n", d, d * meanRaw,
          headStems + tailDistinct(d * meanRaw, tailExponent, vocabulary)));
    }
    md.append(String.format(Locale.ROOT, "%nMS MARCO passage (Anserini's index): %,d passages, %,d unique terms, "
        + "%,d total terms.%n", MSMARCO_DOCS, MSMARCO_UNIQUE, MSMARCO_TERMS));
    return md.toString();
  }
}
