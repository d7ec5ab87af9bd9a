package io.trawl.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Query;
import io.trawl.core.TextFiles;
import io.trawl.corpus.BeirCorpus;
import io.trawl.corpus.Corpus;
import io.trawl.corpus.JsonCorpus;
import io.trawl.index.Indexer;
import io.trawl.io.RunWriter;
import io.trawl.io.Topics;
import io.trawl.search.LexicalOracles;
import io.trawl.search.LuceneIndex;
import io.trawl.search.Retriever;
import io.trawl.search.Retrievers;
import io.trawl.search.SearchOptions;
import io.trawl.search.SearchRun;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lexical benchmark harness (not a test): builds a replicated passage corpus, indexes it with the
 * project's {@link Indexer}, runs BM25 top-k over a topic set, and prints throughput and the
 * process's peak resident memory (VmHWM). One phase per JVM so peak memory is per phase. Run
 * through {@code bin/bench-bm25}; figures go to {@code docs/performance-lexical.md}.
 *
 * <pre>
 *   corpus OUT N SRC...            write N docs {"id","contents"} cycling over the sources' texts
 *   index FORMAT CORPUS INDEX THREADS [raw|noraw|full]
 *   search INDEX TOPICS QUERIES THREADS HITS [SPEC] [removeQuery]
 * </pre>
 *
 * <p>{@code -Dbench.path=lucene} searches through Lucene's searcher alone (the tests' oracle) in
 * place of the eager scorer; {@code -Dbench.run=FILE} keeps the run.
 */
public final class LexicalBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LexicalBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "corpus" -> corpus(Path.of(args[1]), Long.parseLong(args[2]), List.of(args).subList(3, args.length));
      case "index" -> index(args[1], args[2], Path.of(args[3]), Integer.parseInt(args[4]),
          args.length > 5 ? args[5] : "raw");
      case "search" -> search(Path.of(args[1]), args[2], Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]), args.length > 6 ? args[6] : "bm25",
          args.length > 7 && args[7].equals("removeQuery"));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** Real texts from JSONL files ({"contents"} or BEIR {"title","text"}). */
  static List<String> texts(List<String> sources) throws IOException {
    List<String> out = new ArrayList<>();
    for (String s : sources) {
      try (TextFiles.Lines lines = new TextFiles.Lines(s)) {
        String line;
        while ((line = lines.next()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = JSON.readTree(line);
          String t = n.has("contents") ? n.get("contents").asText()
              : (n.path("title").asText("") + "\n" + n.path("text").asText("")).strip();
          if (!t.isBlank()) {
            out.add(t);
          }
        }
      }
    }
    return out;
  }

  static void corpus(Path out, long n, List<String> sources) throws IOException {
    List<String> texts = texts(sources);
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (long i = 0; i < n; i++) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", "p" + i);
        d.put("contents", texts.get((int) (i % texts.size())));
        w.write(JSON.writeValueAsString(d));
        w.write('\n');
      }
    }
    System.out.printf(Locale.ROOT, "corpus: %d docs from %d distinct real texts -> %s (%.0f MiB)%n", n,
        texts.size(), out, Files.size(out) / 1048576.0);
  }

  static void index(String format, String corpus, Path index, int threads, String store) {
    Corpus c = switch (format) {
      case "beir" -> new BeirCorpus();
      case "tsv" -> new io.trawl.corpus.TsvCorpus();
      default -> new JsonCorpus();
    };
    Indexer.Options o = new Indexer.Options().corpus(c, corpus).index(index).threads(threads).force(true)
        .storeRaw(!store.equals("noraw"));
    if (store.equals("full")) {
      o.storePositions(true).storeDocvectors(true);
    }
    // threads end with the build, so their CPU is sampled while it runs (last reading per thread)
    java.util.Map<String, Long> lastTicks = new java.util.concurrent.ConcurrentHashMap<>();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        lastTicks.putAll(taskCpu());
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    java.util.Map<String, Long> before = taskCpu();
    sampler.start();
    long t0 = System.nanoTime();
    long c0 = cpuNanos();
    Indexer.Result r = new Indexer(o).run();
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - c0) / 1e9;
    sampler.interrupt();
    lastTicks.putAll(taskCpu());
    java.util.Map<String, Long> groups = new java.util.TreeMap<>();
    for (var e : lastTicks.entrySet()) {
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      groups.merge(name, e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
    }
    StringBuilder by = new StringBuilder("  CPU by thread group:");
    groups.entrySet().stream().filter(e -> e.getValue() >= 10)
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .forEach(e -> by.append(String.format(Locale.ROOT, " %s %.1f s;", e.getKey(), e.getValue() / 100.0)));
    by.append(String.format(Locale.ROOT, " phases: reading and inverting %.1f s, writing %.1f s",
        r.metadata().timings().indexSeconds(), r.metadata().timings().mergeSeconds()));
    System.out.println(by);
    long docs = r.metadata().documents();
    System.out.printf(Locale.ROOT,
        "index[%s]: %d docs in %.1f s = %.0f docs/s (CPU %.1f s = %.0f docs per CPU-second), %d threads, peak RSS %.2f GiB, index %.0f MiB%n",
        store, docs, secs, docs / secs, cpu, docs / cpu, threads, peakRssGiB(), dirMiB(index));
  }

  static void search(Path index, String topics, int queries, int threads, int hits, String spec,
      boolean removeQuery) throws IOException {
    List<Query> all = Topics.read(topics);
    List<Query> qs = all.subList(0, Math.min(queries, all.size()));
    String keep = System.getProperty("bench.run");
    Path out = keep != null ? Path.of(keep) : Files.createTempFile("bench-run", ".txt");
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        Retriever opened = Retrievers.open(spec, idx, new SearchOptions(idx.defaultFields(), removeQuery))) {
      Retriever base = lucenePath() ? LexicalOracles.luceneOnly(opened) : opened;
      // per-query latency (retrieval only, on the worker thread), for percentiles
      java.util.concurrent.ConcurrentLinkedQueue<Long> nanos = new java.util.concurrent.ConcurrentLinkedQueue<>();
      Retriever r = new Retriever() {
        @Override
        public io.trawl.core.RankedList retrieve(Query q, int k) {
          long t = System.nanoTime();
          io.trawl.core.RankedList l = base.retrieve(q, k);
          nanos.add(System.nanoTime() - t);
          return l;
        }

        @Override
        public String spec() {
          return base.spec();
        }
      };
      // warm-up on a tenth of the queries (JIT, page cache), not timed
      try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
        SearchRun.run(r, qs.subList(0, Math.max(1, qs.size() / 10)), hits, w, threads, null);
      }
      try (RunWriter w = RunWriter.open(out.toString(), RunWriter.Format.TREC, r.spec())) {
        nanos.clear();
        long c0 = cpuNanos();
        java.util.Map<String, Long> th0 = threadCpu();
        SearchRun.Summary s = SearchRun.run(r, qs, hits, w, threads, null);
        w.commit();
        double cpu = (cpuNanos() - c0) / 1e9;
        java.util.Map<String, Long> th1 = threadCpu();
        StringBuilder by = new StringBuilder("  CPU by thread group during the timed queries:");
        for (var e : th1.entrySet()) {
          long d = e.getValue() - th0.getOrDefault(e.getKey(), 0L);
          if (d > 0) {
            by.append(String.format(Locale.ROOT, " %s %.2f s;", e.getKey(), d / 100.0));
          }
        }
        System.out.println(by);
        long[] lat = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  latency per query (ms, %d threads): p50 %.2f, p90 %.2f, p99 %.2f, max %.2f, mean %.2f%n",
            threads, pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99), lat[lat.length - 1] / 1e6,
            java.util.Arrays.stream(lat).average().orElse(0) / 1e6);
        System.out.printf(Locale.ROOT,
            "search[%s%s]: %d queries top-%d on %d docs in %.2f s = %.1f queries/s (CPU %.2f s = %.1f queries per CPU-second), %d threads, %d lines, peak RSS %.2f GiB%n",
            r.spec(), path(), s.queries(), hits, idx.numDocs(), s.seconds(), s.queriesPerSecond(), cpu,
            s.queries() / cpu, threads, s.lines(), peakRssGiB());
      }
    } finally {
      if (keep == null) {
        Files.deleteIfExists(out);
      }
    }
  }

  /** Nearest-rank percentile in milliseconds of sorted nanosecond values. */
  static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  static boolean lucenePath() {
    return "lucene".equals(System.getProperty("bench.path"));
  }

  static String path() {
    return lucenePath() ? ", Lucene MaxScore" : ", eager";
  }

  /** CPU ticks (1/100 s, user+system) of this process's threads by name group, from /proc. */
  static java.util.Map<String, Long> threadCpu() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (var e : taskCpu().entrySet()) {
      out.merge(e.getKey().substring(e.getKey().indexOf(' ') + 1), e.getValue(), Long::sum);
    }
    return out;
  }

  /** CPU ticks (1/100 s) per live thread, keyed "tid name" (name without its number). */
  static java.util.Map<String, Long> taskCpu() {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try (var dirs = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : dirs.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close).replaceAll("[#0-9]+$", "").replaceAll("\\s*\\d+$", "").strip();
          String[] f = stat.substring(close + 2).split(" ");
          out.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // thread ended
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return out;
  }

  /** CPU time (user + system) of this process, all threads. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double peakRssGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1048576.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return Double.NaN;
  }

  static double dirMiB(Path dir) {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum() / 1048576.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
