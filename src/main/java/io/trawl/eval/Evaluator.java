package io.trawl.eval;

import io.trawl.core.InputException;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.io.RunTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Evaluates runs against qrels with trec_eval's semantics. Library entry point used by the CLI, the
 * regressions and {@code compare}:
 *
 * <pre>{@code
 * Qrels qrels = Qrels.read("qrels.txt");
 * EvalResult r = Evaluator.evaluate(qrels, RunReader.read("run.txt", RunReader.Mode.STRICT),
 *     Measure.parseAll(List.of("nDCG@10", "map")), EvalOptions.defaults().withComplete(true));
 * double ndcg10 = r.summary("nDCG@10");
 * }</pre>
 *
 * <p>trec_eval 10.0 (the default convention) walks the qrels queries in byte order ({@code
 * strcmp}); a query the run lacks stops it with exit 4 unless {@code -c} is given, and run queries
 * without judgments are ignored. 9.0.x walks only the queries in both.
 */
public final class Evaluator {
  /**
   * Exit status when trec_eval stops while evaluating: a qrels query the run lacks (without
   * {@code -c}), a docno twice among a query's results or judgments, a malformed {@code utility}.
   */
  public static final int EXIT_STOPPED = 4;

  /** An input problem found while evaluating, where trec_eval exits 4 rather than 2. */
  static final class Stopped extends InputException {
    Stopped(String file, long line, String problem) {
      super(file, line, problem);
    }

    @Override
    public int exitCode() {
      return EXIT_STOPPED;
    }
  }

  private Evaluator() {}

  public static EvalResult evaluate(Qrels qrels, Run run, List<Measure> measures,
      EvalOptions options) {
    return evaluate(qrels, RunTable.of(run), measures, options);
  }

  public static EvalResult evaluate(Qrels qrels, RunTable run, List<Measure> measures,
      EvalOptions options) {
    if (measures.isEmpty()) {
      throw TrawlException.invalid("no measures to evaluate");
    }
    boolean v9 = options.version() == EvalOptions.TrecEvalVersion.V9;
    Map<String, JudgedRanking> judged = JudgedRanking.judgeAll(run, qrels, options);
    List<String> qids = sortedByBytes(options.complete() || !v9 ? qrels.queryIds()
        : judged.keySet());
    if (qids.isEmpty()) {
      throw TrawlException.invalid(run.source() + ": none of the run's " + run.queryIds().size()
          + " queries is in the qrels " + qrels.source() + " (no queries with both results and"
          + " relevance info)");
    }
    List<String> names = new ArrayList<>();
    List<Measure> owner = new ArrayList<>();
    for (Measure m : measures) {
      for (String n : m.outputNames()) {
        names.add(n);
        owner.add(m);
      }
    }
    int width = names.size();
    List<Boolean> present = new ArrayList<>();
    double[][] values = new double[qids.size()][width];
    String[][] strings = new String[qids.size()][];
    for (int qi = 0; qi < qids.size(); qi++) {
      String q = qids.get(qi);
      int qix = qrels.queryIndex(q);
      JudgedRanking r = judged.get(q);
      present.add(r != null);
      if (r == null && !options.complete()) {
        throw new Stopped(run.source(), 0, "query '" + q + "' is judged in " + qrels.source()
            + " but has no results (trec_eval 10.0 stops here, exit 4; -c scores it as an empty"
            + " ranking, --trec-eval-version 9 evaluates only the queries in both)");
      }
      if (r == null && v9) {
        continue; // 9.0.x: a missing query adds 0 to every average (gm_* their floor)
      }
      String duplicate = qrels.duplicate(qix);
      if (duplicate != null) {
        throw new Stopped(qrels.source(), qrels.duplicateLine(qix), duplicate);
      }
      JudgedRanking standIn = null;
      JudgedRanking empty = null;
      if (r == null) {
        // trec_eval 10.0 scores a missing query on one document that is not in the pool
        long[] levels = qrels.levelCounts(qix);
        standIn = new JudgedRanking(q, options.judgedOnly() ? new int[0]
            : new int[] {JudgedRanking.NONPOOL}, levels);
        empty = new JudgedRanking(q, new int[0], levels);
      }
      int off = 0;
      for (Measure m : measures) {
        JudgedRanking use = r != null ? r : m.isIrStyle() ? empty : standIn;
        m.compute(use, options, values[qi], off);
        String s = m.computeString(use, options);
        if (s != null) {
          if (strings[qi] == null) {
            strings[qi] = new String[width];
          }
          strings[qi][off] = s;
        }
        if (r == null && !m.isIrStyle()) {
          m.resetForMissingQuery(values[qi], off, strings[qi]);
        }
        off += m.width();
      }
    }
    return new EvalResult(run.source(), run.tag(), measures, names, owner, qids, present, values,
        strings, options, options.complete() ? qrels.positiveJudgments() : -1);
  }

  /** Query ids in trec_eval's order: by UTF-8 bytes, as {@code strcmp} compares them. */
  static List<String> sortedByBytes(Collection<String> ids) {
    String[] s = ids.toArray(String[]::new);
    byte[][] b = new byte[s.length][];
    Integer[] order = new Integer[s.length];
    for (int i = 0; i < s.length; i++) {
      b[i] = s[i].getBytes(StandardCharsets.UTF_8);
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(b[x], b[y]));
    List<String> out = new ArrayList<>(s.length);
    for (int i : order) {
      out.add(s[i]);
    }
    return out;
  }
}
