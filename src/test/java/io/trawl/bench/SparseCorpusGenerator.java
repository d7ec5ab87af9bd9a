package io.trawl.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic pre-encoded corpus and queries, deterministic for a seed, shaped like SPLADE/uniCOIL
 * output (Anserini's {@code JsonVectorCollection}): a vocabulary of WordPiece-like tokens (whole
 * words, {@code ##} continuation pieces, digits, accents, punctuation, a few keys with a space and
 * one of 300 characters, which Lucene's whitespace tokenizer cuts at 255), term choice Zipfian,
 * weights mostly small integers from a log-normal with a long tail (up to a few hundred), some zero,
 * some fractional ({@code 3.7}: truncated to 3), some below 1 (dropped), and a few documents whose
 * weights all drop (empty, skipped). A key with a space ({@code "new york"}) adds to the counts of
 * its words, so a document can hold a term from two keys. Queries: a few to 30 terms with integer
 * weights, written as Anserini's pre-encoded TSV (each term repeated weight times) and as JSON
 * Lines ({@code {"qid", "vector"}}).
 *
 * Each query has a few planted relevant documents (qrels, see {@link #write}).
 *
 * <p>Usage: {@code SparseCorpusGenerator OUT_DIR DOCS QUERIES [SEED]} writes {@code
 * OUT_DIR/corpus/docs.jsonl}, {@code OUT_DIR/queries.tsv}, {@code OUT_DIR/queries.jsonl} and
 * {@code OUT_DIR/qrels.txt}. The built-in collection {@code builtin:sparse-synthetic} and the
 * topics {@code sparse-synthetic} are {@code SparseCorpusGenerator OUT 2000 40 42}.
 */
public final class SparseCorpusGenerator {
  private final SplittableRandom rnd;
  private final String[] vocab;
  private final double[] cumulative;

  public SparseCorpusGenerator(long seed, int vocabSize) {
    this.rnd = new SplittableRandom(seed);
    this.vocab = vocabulary(new SplittableRandom(seed ^ 0x5DEECE66DL), vocabSize);
    this.cumulative = new double[vocabSize];
    double sum = 0;
    for (int r = 0; r < vocabSize; r++) {
      sum += 1.0 / StrictMath.pow(r + 1, 1.05);
      cumulative[r] = sum;
    }
    for (int r = 0; r < vocabSize; r++) {
      cumulative[r] /= sum;
    }
  }

  private static String[] vocabulary(SplittableRandom r, int n) {
    String letters = "abcdefghijklmnopqrstuvwxyz";
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    // fixed oddities first (their Zipf ranks are spread by the shuffle below)
    out.addAll(List.of("new york", "york", "new", "café", "naïve", "1999", "##s", "##ing", "##ed",
        "u.s.", "e-mail", "[unused0]", "x".repeat(300), "中", "##国"));
    while (out.size() < n) {
      int len = 1 + (int) Math.min(11, Math.abs(gaussian(r) * 3.5));
      StringBuilder sb = new StringBuilder();
      boolean piece = r.nextDouble() < 0.3;
      if (piece) {
        sb.append("##");
      }
      for (int i = 0; i < len; i++) {
        sb.append(letters.charAt(r.nextInt(letters.length())));
      }
      if (r.nextDouble() < 0.03) {
        sb.append(r.nextInt(100));
      }
      out.add(sb.toString());
    }
    String[] v = out.toArray(new String[0]);
    for (int i = v.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      String t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }

  /**
   * A standard normal deviate by Box-Muller with {@link StrictMath} (fdlibm), so the corpus is the
   * same bytes on every JVM and CPU (SplittableRandom.nextGaussian and Math.exp/pow may differ by
   * an ulp between intrinsics).
   */
  static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble(); // (0, 1]
    double v = r.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * v);
  }

  private String term() {
    int i = Arrays.binarySearch(cumulative, rnd.nextDouble());
    return vocab[Math.min(vocab.length - 1, i < 0 ? -1 - i : i)];
  }

  /** A document weight as JSON text: integers mostly, some 0, fractions, below 1, large. */
  private String docWeight() {
    double u = rnd.nextDouble();
    if (u < 0.04) {
      return "0";
    }
    if (u < 0.07) {
      return String.valueOf(Math.round(rnd.nextDouble() * 60) / 10.0); // 0.0 .. 6.0, truncated
    }
    if (u < 0.08) {
      return String.valueOf(0.01 + rnd.nextDouble() * 0.9); // below 1: dropped
    }
    if (u < 0.082) {
      return String.valueOf(150 + rnd.nextInt(350)); // large
    }
    long w = Math.round(StrictMath.exp(1.7 + 1.0 * gaussian(rnd)));
    return String.valueOf(Math.max(1, Math.min(120, w)));
  }

  /** One document's vector (keys distinct, JSON order as generated). */
  Map<String, String> document() {
    Map<String, String> v = new LinkedHashMap<>();
    if (rnd.nextDouble() < 0.004) {
      int n = 1 + rnd.nextInt(4);
      while (v.size() < n) {
        v.put(term(), rnd.nextBoolean() ? "0" : "0.5");
      }
      return v; // empty after quantisation
    }
    int n = 8 + (int) Math.min(140, Math.abs(gaussian(rnd) * 40));
    int tries = 0;
    while (v.size() < n && tries++ < 4 * n) {
      v.putIfAbsent(term(), docWeight());
    }
    return v;
  }

  /** One query's vector: integer weights 1..~200. */
  Map<String, Integer> query() {
    Map<String, Integer> v = new LinkedHashMap<>();
    int n = 3 + rnd.nextInt(28);
    int tries = 0;
    while (v.size() < n && tries++ < 4 * n) {
      // queries favour the rarer half of the vocabulary a little, as SPLADE's expansions do
      String t = rnd.nextDouble() < 0.3 ? vocab[rnd.nextInt(vocab.length)] : term();
      if (t.indexOf(' ') >= 0 || t.length() > 255) {
        continue; // a query term is one token
      }
      v.putIfAbsent(t, (int) Math.max(1, Math.min(250, Math.round(StrictMath.exp(3.0 + 1.0 * gaussian(rnd))))));
    }
    return v;
  }

  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Writes {@code out/corpus/docs.jsonl}, {@code out/queries.tsv}, {@code out/queries.jsonl} and
   * {@code out/qrels.txt}. The queries are drawn first; then each query gets 2 to 6 planted
   * relevant documents, which receive between a third and all of its terms (weights 5 to 60, over
   * whatever they drew themselves): grade 2 for two thirds of the terms or more, else 1. The
   * qrels judge only those, so measures over them show whether retrieval finds what was planted.
   */
  public static void write(Path out, int docs, int queries, long seed) throws IOException {
    SparseCorpusGenerator g = new SparseCorpusGenerator(seed, 4000);
    List<Map<String, Integer>> qs = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      qs.add(g.query());
    }
    // planted relevance: doc -> (query, terms) in query order
    Map<Integer, List<int[]>> planted = new java.util.TreeMap<>();
    List<String> qrels = new ArrayList<>();
    SplittableRandom pr = new SplittableRandom(seed * 31 + 7);
    for (int q = 0; q < qs.size(); q++) {
      int n = 2 + pr.nextInt(5);
      java.util.Set<Integer> chosen = new java.util.TreeSet<>();
      while (chosen.size() < Math.min(n, docs)) {
        chosen.add(pr.nextInt(docs));
      }
      int terms = qs.get(q).size();
      for (int d : chosen) {
        int k = Math.max(1, (int) Math.ceil(terms * (1 + pr.nextInt(3)) / 3.0));
        planted.computeIfAbsent(d, x -> new ArrayList<>()).add(new int[] {q, k, pr.nextInt(1 << 30)});
        qrels.add((q + 1) + " 0 D" + d + " " + (3 * k >= 2 * terms ? 2 : 1));
      }
    }
    Files.createDirectories(out.resolve("corpus"));
    try (Writer w = Files.newBufferedWriter(out.resolve("corpus/docs.jsonl"), StandardCharsets.UTF_8)) {
      for (int d = 0; d < docs; d++) {
        Map<String, String> v = g.document();
        for (int[] p : planted.getOrDefault(d, List.of())) {
          SplittableRandom tr = new SplittableRandom(p[2]);
          List<String> qterms = new ArrayList<>(qs.get(p[0]).keySet());
          for (int i = 0; i < p[1]; i++) {
            int j = i + tr.nextInt(qterms.size() - i);
            String t = qterms.get(j);
            qterms.set(j, qterms.get(i));
            qterms.set(i, t);
            v.put(t, String.valueOf(5 + tr.nextInt(56)));
          }
        }
        StringBuilder sb = new StringBuilder("{\"id\": ").append(json("D" + d))
            .append(", \"contents\": \"\", \"vector\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : v.entrySet()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          sb.append(json(e.getKey())).append(": ").append(e.getValue());
        }
        w.write(sb.append("}}\n").toString());
      }
    }
    try (Writer tsv = Files.newBufferedWriter(out.resolve("queries.tsv"), StandardCharsets.UTF_8);
        Writer jsonl = Files.newBufferedWriter(out.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
      for (int q = 0; q < qs.size(); q++) {
        StringBuilder t = new StringBuilder();
        StringBuilder j = new StringBuilder("{\"qid\": " + (q + 1) + ", \"vector\": {");
        boolean first = true;
        for (Map.Entry<String, Integer> e : qs.get(q).entrySet()) {
          for (int i = 0; i < e.getValue(); i++) {
            if (t.length() > 0) {
              t.append(' ');
            }
            t.append(e.getKey());
          }
          if (!first) {
            j.append(", ");
          }
          first = false;
          j.append(json(e.getKey())).append(": ").append(e.getValue());
        }
        tsv.write((q + 1) + "\t" + t + "\n");
        jsonl.write(j.append("}}\n").toString());
      }
    }
    Files.write(out.resolve("qrels.txt"), qrels, StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: SparseCorpusGenerator OUT_DIR DOCS QUERIES [SEED]");
      System.exit(2);
    }
    write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
        args.length > 3 ? Long.parseLong(args[3]) : 42);
  }
}
