package io.trawl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.VectorFile;
import io.trawl.io.RunReader;
import io.trawl.io.RunWriter;
import io.trawl.rerank.EmbedReranker;
import io.trawl.search.dense.DenseSearcher;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Measurement harness for docs/dense.md and docs/performance-dense.md (not a test). Evaluation here
 * follows trec_eval -c semantics for ndcg_cut.10 and recall.k (sort by score desc, docid desc;
 * gain = raw grade; ideal from all judged grades; every qrels query averaged, missing = 0); replace
 * with the eval package's evaluator once merged.
 */
public final class DenseBench {
  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "rerank-rankllm" -> rerankRankllm(a[1], a[2], a[3], a.length > 4 ? Integer.parseInt(a[4]) : 0,
          a.length > 5 ? Integer.parseInt(a[5]) : Integer.MAX_VALUE);
      case "rerank-run" -> rerankRun(a[1], a[2], a[3], a[4], Integer.parseInt(a[5]), a[6]);
      case "eval" -> eval(a[1], a[2], a.length > 3 ? Integer.parseInt(a[3]) : 1);
      case "compare" -> compare(a[1], a[2], a[3]);
      case "hnsw" -> hnsw(a[1], a[2], a[3], a.length > 4 ? Integer.parseInt(a[4]) : 0);
      case "encode" -> encode(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
          java.util.Arrays.copyOfRange(a, 5, a.length));
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  /** Reranks (the top depth of) a RankLLM retrieve_results JSON with embed(encoder=..., listwise=...). */
  static void rerankRankllm(String json, String encoder, String out, int listwise, int depth) throws Exception {
    JsonNode root = new ObjectMapper().readTree(new File(json));
    List<Query> qs = new ArrayList<>();
    List<RankedList> ls = new ArrayList<>();
    for (JsonNode e : root) {
      String qid = e.get("hits").get(0).get("qid").asText();
      qs.add(new Query(qid, e.get("query").asText()));
      List<Candidate> c = new ArrayList<>();
      for (JsonNode h : e.get("hits")) {
        if (c.size() == depth) {
          break;
        }
        c.add(new Candidate(h.get("docid").asText(), h.get("score").asDouble(), h.get("content").asText()));
      }
      ls.add(new RankedList(qid, c));
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("encoder", encoder);
    if (listwise > 0) {
      p.put("listwise", Integer.toString(listwise));
    }
    long t0 = System.nanoTime();
    try (EmbedReranker r = new EmbedReranker(new Params(p))) {
      long t1 = System.nanoTime();
      List<RankedList> res = r.rerankAll(qs, ls);
      double s = (System.nanoTime() - t1) / 1e9;
      int n = ls.stream().mapToInt(RankedList::size).sum();
      write(out, res, r.spec());
      System.err.printf(Locale.ROOT, "rerank: %d queries, %d candidates in %.1f s (%.1f candidates/s; load %.1f s); truncated %d%n",
          qs.size(), n, s, n / s, (t1 - t0) / 1e9, r.encoder().truncatedCount());
    }
  }

  /** Reranks the top-depth of a TREC run with doc vectors from a vector file. */
  static void rerankRun(String run, String topics, String vectors, String encoder, int depth, String out) {
    Map<String, RankedList> r = read(run);
    List<Query> qs = new ArrayList<>();
    List<RankedList> ls = new ArrayList<>();
    for (Query q : io.trawl.io.Topics.read(topics)) {
      if (r.containsKey(q.id())) {
        qs.add(q);
        ls.add(r.get(q.id()).top(depth));
      }
    }
    long t0 = System.nanoTime();
    try (EmbedReranker er = new EmbedReranker(new Params(Map.of("encoder", encoder, "vectors", vectors)))) {
      List<RankedList> res = er.rerankAll(qs, ls);
      write(out, res, er.spec());
    }
    System.err.printf(Locale.ROOT, "rerank-run: %d queries in %.1f s%n", qs.size(), (System.nanoTime() - t0) / 1e9);
  }

  private static Map<String, RankedList> read(String run) {
    return RunReader.readRun(run, RunReader.Mode.LENIENT).lists();
  }

  private static void write(String out, List<RankedList> lists, String tag) {
    Map<String, RankedList> m = new LinkedHashMap<>();
    for (RankedList l : lists) {
      m.put(l.queryId(), l);
    }
    RunWriter.write(out, RunWriter.Format.TREC, new io.trawl.core.Run(tag, m), Map.of());
  }

  public static Map<String, Map<String, Integer>> qrels(String file) throws Exception {
    Map<String, Map<String, Integer>> q = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(file))) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      q.computeIfAbsent(f[0], x -> new HashMap<>()).put(f[2], Integer.parseInt(f[3]));
    }
    return q;
  }

  /** Per-query values of nDCG@10, R@100, R@1000 (trec_eval -c); relLevel for recall. */
  public static Map<String, double[]> perQuery(Map<String, Map<String, Integer>> qrels, Map<String, RankedList> run,
      int relLevel) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (var e : qrels.entrySet()) {
      Map<String, Integer> judged = e.getValue();
      RankedList l = run.get(e.getKey());
      List<Candidate> c = l == null ? List.of() : l.candidates(); // read() gives trec_eval's order
      double dcg = 0;
      for (int i = 0; i < Math.min(10, c.size()); i++) {
        int g = judged.getOrDefault(c.get(i).docId(), 0);
        if (g > 0) {
          dcg += g / (Math.log(i + 2) / Math.log(2));
        }
      }
      List<Integer> grades = new ArrayList<>(judged.values());
      grades.sort((x, y) -> y - x);
      double idcg = 0;
      for (int i = 0; i < Math.min(10, grades.size()); i++) {
        if (grades.get(i) > 0) {
          idcg += grades.get(i) / (Math.log(i + 2) / Math.log(2));
        }
      }
      long rel = judged.values().stream().filter(g -> g >= relLevel).count();
      double[] v = new double[3];
      v[0] = idcg > 0 ? dcg / idcg : 0;
      int[] ks = {100, 1000};
      for (int j = 0; j < 2; j++) {
        int hit = 0;
        for (int i = 0; i < Math.min(ks[j], c.size()); i++) {
          if (judged.getOrDefault(c.get(i).docId(), 0) >= relLevel) {
            hit++;
          }
        }
        v[1 + j] = rel > 0 ? hit / (double) rel : 0;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  static void eval(String qrelsFile, String runFile, int relLevel) throws Exception {
    Map<String, double[]> pq = perQuery(qrels(qrelsFile), read(runFile), relLevel);
    double[] m = new double[3];
    for (double[] v : pq.values()) {
      for (int j = 0; j < 3; j++) {
        m[j] += v[j];
      }
    }
    System.out.printf(Locale.ROOT, "%s\tnDCG@10 %.4f\tR@100 %.4f\tR@1000 %.4f\t(%d queries)%n", runFile,
        m[0] / pq.size(), m[1] / pq.size(), m[2] / pq.size(), pq.size());
  }

  /** Paired two-sided t-test on per-query nDCG@10 (all qrels queries). */
  static void compare(String qrelsFile, String runA, String runB) throws Exception {
    var q = qrels(qrelsFile);
    Map<String, double[]> a = perQuery(q, read(runA), 1);
    Map<String, double[]> b = perQuery(q, read(runB), 1);
    double[] x = new double[a.size()];
    double[] y = new double[a.size()];
    int i = 0;
    int win = 0;
    int loss = 0;
    for (String qid : a.keySet()) {
      x[i] = a.get(qid)[0];
      y[i] = b.get(qid)[0];
      win += y[i] > x[i] ? 1 : 0;
      loss += y[i] < x[i] ? 1 : 0;
      i++;
    }
    double p = new TTest().pairedTTest(x, y);
    System.out.printf(Locale.ROOT, "nDCG@10 %.4f -> %.4f (delta %+.4f), paired t-test p = %.3g, wins/losses/ties %d/%d/%d%n",
        mean(x), mean(y), mean(y) - mean(x), p, win, loss, x.length - win - loss);
  }

  /**
   * Encoding speed of several encoders on the first {@code n} documents of a JSONL corpus
   * ({@code title} and {@code text} joined by a space), alternating encoders within each of
   * {@code rounds} rounds; each entry is {@code NAME[:ENGINE]} (engine auto|exact|onnxruntime).
   */
  static void encode(String corpus, int n, int threads, int rounds, String[] encoders) throws Exception {
    List<String> texts = new ArrayList<>();
    ObjectMapper om = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of(corpus))) {
      if (texts.size() == n) {
        break;
      }
      JsonNode d = om.readTree(line);
      texts.add((d.path("title").asText("") + " " + d.path("text").asText("")).strip());
    }
    Map<String, io.trawl.model.encoder.Encoder> open = new LinkedHashMap<>();
    for (String e : encoders) {
      String[] p = e.split(":");
      open.put(e, io.trawl.model.encoder.Encoders.open(p[0],
          new io.trawl.model.encoder.EncoderOptions(32, threads, 0, p.length > 1 ? p[1] : "auto")));
    }
    long tokens = 0;
    io.trawl.model.encoder.Encoder first = open.values().iterator().next();
    for (String t : texts) {
      tokens += Math.min(first.maxLength(), first.countTokens(t));
    }
    System.out.printf(Locale.ROOT, "%d texts, %d tokens (with [CLS]/[SEP], truncated), %d threads%n",
        texts.size(), tokens, threads);
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, io.trawl.model.encoder.Encoder> e : open.entrySet()) {
        long t0 = System.nanoTime();
        e.getValue().encodeDocuments(texts);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "round %d  %-32s %-11s %7.1f s  %6.1f texts/s  %7.0f tokens/s%n",
            r + 1, e.getKey(), e.getValue().engine(), s, texts.size() / s, tokens / s);
      }
    }
    for (io.trawl.model.encoder.Encoder e : open.values()) {
      e.close();
    }
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  /** HNSW vs exact: recall@100 of HNSW against exact, queries/s of each (query vectors precomputed). */
  static void hnsw(String hnswIndex, String flatIndex, String queryVectors, int ef) {
    VectorFile qv = VectorFile.read(Path.of(queryVectors));
    int k = 100;
    try (DenseSearcher h = DenseSearcher.openVectorsOnly(Path.of(hnswIndex));
        DenseSearcher f = DenseSearcher.openVectorsOnly(Path.of(flatIndex))) {
      for (int rep = 0; rep < 2; rep++) { // rep 0 warms up
        List<RankedList> exact = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < qv.ids().size(); i++) {
          exact.add(f.searchVector(qv.ids().get(i), qv.vectors()[i], k, 0, true));
        }
        double te = (System.nanoTime() - t0) / 1e9;
        List<RankedList> approx = new ArrayList<>();
        t0 = System.nanoTime();
        for (int i = 0; i < qv.ids().size(); i++) {
          approx.add(h.searchVector(qv.ids().get(i), qv.vectors()[i], k, ef, false));
        }
        double ta = (System.nanoTime() - t0) / 1e9;
        double rec = 0;
        for (int i = 0; i < exact.size(); i++) {
          Set<String> s = new HashSet<>();
          approx.get(i).candidates().forEach(c -> s.add(c.docId()));
          long hit = exact.get(i).candidates().stream().filter(c -> s.contains(c.docId())).count();
          rec += hit / (double) exact.get(i).size();
        }
        System.out.printf(Locale.ROOT, "rep %d: ef %d: HNSW recall@%d vs exact %.4f; exact %.1f q/s, HNSW %.1f q/s (%d queries)%n",
            rep, ef > 0 ? Math.max(ef, k) : DenseSearcher.defaultEf(k), k, rec / exact.size(), exact.size() / te, approx.size() / ta, exact.size());
      }
    }
  }

}
