package io.trawl.eval;

import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Evaluates runs against qrels with trec_eval's semantics. Library entry point used by the CLI, the
 * regressions and {@code compare}:
 *
 * <pre>{@code
 * Qrels qrels = Qrels.read("qrels.txt");
 * EvalResult r = Evaluator.evaluate(qrels, EvalRun.read("run.txt"),
 *     Measure.parseAll(List.of("nDCG@10", "map")), EvalOptions.defaults().withComplete(true));
 * double ndcg10 = r.summary("nDCG@10");
 * }</pre>
 */
public final class Evaluator {
  private Evaluator() {}

  public static EvalResult evaluate(Qrels qrels, Run run, List<Measure> measures,
      EvalOptions options) {
    return evaluate(qrels, EvalRun.of(run), measures, options);
  }

  public static EvalResult evaluate(Qrels qrels, EvalRun run, List<Measure> measures,
      EvalOptions options) {
    if (measures.isEmpty()) {
      throw TrawlException.invalid("no measures to evaluate");
    }
    Map<String, JudgedRanking> judged = run.judge(qrels, options);
    if (judged.isEmpty()) {
      throw TrawlException.invalid(run.source() + ": none of the run's " + run.queryIds().size()
          + " queries is in the qrels " + qrels.source() + " (no queries with both results and"
          + " relevance info)");
    }
    List<String> qids = new ArrayList<>();
    List<Boolean> present = new ArrayList<>();
    if (options.complete()) {
      for (String q : qrels.queryIds()) {
        qids.add(q);
      }
    } else {
      qids.addAll(judged.keySet());
    }
    Collections.sort(qids);
    List<String> names = new ArrayList<>();
    List<Measure> owner = new ArrayList<>();
    for (Measure m : measures) {
      for (String n : m.outputNames()) {
        names.add(n);
        owner.add(m);
      }
    }
    int width = names.size();
    double[][] values = new double[qids.size()][width];
    String[][] strings = new String[qids.size()][];
    for (int qi = 0; qi < qids.size(); qi++) {
      String q = qids.get(qi);
      JudgedRanking r = judged.get(q);
      present.add(r != null);
      if (r == null) {
        r = new JudgedRanking(q, new int[0], qrels.levelCounts(qrels.queryIndex(q)));
      }
      int off = 0;
      for (Measure m : measures) {
        m.compute(r, options, values[qi], off);
        String s = m.computeString(r, options);
        if (s != null) {
          if (strings[qi] == null) {
            strings[qi] = new String[width];
          }
          strings[qi][off] = s;
        }
        off += m.width();
      }
    }
    return new EvalResult(run.source(), run.tag(), measures, names, owner, qids, present, values,
        strings, options);
  }
}
