package io.trawl.bench;

import io.trawl.index.Analyzers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Analysis micro-benchmark (not a test): single-thread tokens/s of the fast English analyzer and
 * of the plain Lucene chain on the same in-memory passages, interleaved (fast, lucene, fast, ...)
 * so both see the same machine load. Also checks that both produce the same number of tokens and
 * the same sum of term hashes.
 *
 * <pre>
 *   AnalysisBench CORPUS.jsonl [DOCS=200000] [ROUNDS=3] [STEMMER=porter] [keepStopwords]
 * </pre>
 */
public final class AnalysisBench {
  private AnalysisBench() {}

  public static void main(String[] args) throws Exception {
    String corpus = args[0];
    int docs = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String stemmer = args.length > 3 ? args[3] : "porter";
    boolean keep = args.length > 4 && args[4].equals("keepStopwords");
    List<String> all = LexicalBench.texts(List.of(corpus));
    List<String> texts = all.subList(0, Math.min(docs, all.size()));
    long chars = texts.stream().mapToLong(String::length).sum();
    System.out.printf(Locale.ROOT, "%d passages, %.1f M chars, %s%n", texts.size(), chars / 1e6,
        Analyzers.describe(stemmer, keep));
    Analyzer fast = Analyzers.english(stemmer, keep, true);
    Analyzer lucene = Analyzers.english(stemmer, keep, false);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[] check = new long[2];
    for (int round = 0; round <= rounds; round++) {
      for (int which = 0; which < 2; which++) {
        Analyzer a = which == 0 ? fast : lucene;
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long tokens = 0;
        long hash = 0;
        for (String t : texts) {
          try (TokenStream ts = a.tokenStream("contents", t)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
              tokens++;
              hash += term.length() * 31L + term.charAt(0);
            }
            ts.end();
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
        if (round == 0) {
          check[which] = tokens * 1_000_003L + hash;
          if (which == 1 && check[0] != check[1]) {
            throw new IllegalStateException("fast and Lucene analyzers disagree");
          }
          continue; // warm-up round
        }
        System.out.printf(Locale.ROOT,
            "round %d %-6s: %d tokens in %.2f s (thread CPU %.2f s) = %.2f M tokens/s, %.1f M chars/s (per CPU-second %.2f M tokens)%n",
            round, which == 0 ? "fast" : "lucene", tokens, secs, cpu, tokens / secs / 1e6, chars / secs / 1e6,
            tokens / cpu / 1e6);
      }
    }
  }
}
