package io.trawl.bench;

import io.trawl.eval.EvalOptions;
import io.trawl.eval.EvalResult;
import io.trawl.eval.Evaluator;
import io.trawl.eval.Measure;
import io.trawl.eval.Qrels;
import io.trawl.io.RunReader;
import io.trawl.io.RunTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Evaluation benchmark (not a test): a synthetic MS MARCO-sized run, 7,000 queries x 1,000 documents,
 * against qrels with 1-2 judged documents per query, evaluated with
 * {@code -c -m ndcg_cut.10 -m recip_rank -m recall.1000 -m map}.
 *
 * <pre>
 *   EvalBench generate DIR      writes DIR/bench.qrels and DIR/bench.run (seed 1)
 *   EvalBench run DIR [N]       evaluates N times in-process, printing wall time per round
 * </pre>
 * bin/bench-eval runs both and measures the CLI's wall time and peak RSS with /usr/bin/time.
 */
public final class EvalBench {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[1]);
    if (args[0].equals("generate")) {
      generate(dir, 7000, 1000);
    } else {
      int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
      for (int i = 0; i < rounds; i++) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Qrels q = Qrels.read(dir.resolve("bench.qrels").toString());
        RunTable r = RunReader.read(dir.resolve("bench.run").toString(), RunReader.Mode.STRICT);
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        EvalResult res = Evaluator.evaluate(q, r, Measure.parseAll(List.of("ndcg_cut.10",
            "recip_rank", "recall.1000", "map")), EvalOptions.defaults().withComplete(true));
        long t2 = System.nanoTime();
        long c2 = mx.getCurrentThreadCpuTime();
        System.out.printf(Locale.ROOT, "round %d: load %.2f s (cpu %.2f), evaluate %.2f s (cpu %.2f),"
            + " total %.2f s%n", i, (t1 - t0) / 1e9, (c1 - c0) / 1e9, (t2 - t1) / 1e9,
            (c2 - c1) / 1e9, (t2 - t0) / 1e9);
        if (i == rounds - 1) {
          System.out.print(res.toTrecEval(false, true));
        }
      }
    }
  }

  static void generate(Path dir, int queries, int depth) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(1);
    try (BufferedWriter q = Files.newBufferedWriter(dir.resolve("bench.qrels"));
        BufferedWriter r = new BufferedWriter(Files.newBufferedWriter(dir.resolve("bench.run")), 1 << 20)) {
      StringBuilder sb = new StringBuilder(128);
      for (int i = 0; i < queries; i++) {
        String qid = Integer.toString(1_000_000 + i * 37);
        int[] docs = new int[depth];
        java.util.HashSet<Integer> used = new java.util.HashSet<>();
        for (int k = 0; k < depth; k++) {
          int d;
          do {
            d = rnd.nextInt(8_841_823);
          } while (!used.add(d));
          docs[k] = d;
        }
        int judged = 1 + rnd.nextInt(2);
        java.util.HashSet<Integer> judgedDocs = new java.util.HashSet<>();
        for (int j = 0; j < judged; j++) {
          // a judged doc is retrieved 80% of the time, somewhere in the ranking
          int doc;
          do {
            doc = rnd.nextInt(10) < 8 ? docs[rnd.nextInt(depth)] : 9_000_000 + i * 2 + j;
          } while (!judgedDocs.add(doc));
          q.write(qid + " 0 " + doc + " 1\n");
        }
        double score = 30 + rnd.nextDouble() * 10;
        for (int k = 0; k < depth; k++) {
          score -= rnd.nextDouble() * 0.02;
          sb.setLength(0);
          sb.append(qid).append(" Q0 ").append(docs[k]).append(' ').append(k + 1).append(' ')
              .append(String.format(Locale.ROOT, "%.6f", score)).append(" bench\n");
          r.write(sb.toString());
        }
      }
    }
  }
}
