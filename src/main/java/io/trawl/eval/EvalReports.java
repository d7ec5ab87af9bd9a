package io.trawl.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Several runs' results as a text table, TSV or JSON. */
public final class EvalReports {
  private EvalReports() {}

  /** Summary table: one row per measure, one column per run (per-query rows too when asked). */
  public static String table(List<EvalResult> results, boolean perQuery) {
    List<String> names = results.get(0).numericNames();
    int w = 22;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-" + w + "s", "measure"));
    if (perQuery) {
      sb.append("\tqid");
    }
    for (EvalResult r : results) {
      sb.append('\t').append(r.source());
    }
    sb.append('\n');
    if (perQuery) {
      EvalResult first = results.get(0);
      for (String n : names) {
        List<java.util.Map<String, Double>> maps = new java.util.ArrayList<>();
        for (EvalResult r : results) {
          maps.add(r.perQueryMap(n));
        }
        for (int q = 0; q < first.queryIds().size(); q++) {
          String qid = first.queryIds().get(q);
          sb.append(String.format("%-" + w + "s", n)).append('\t').append(qid);
          for (int ri = 0; ri < results.size(); ri++) {
            EvalResult r = results.get(ri);
            Double v = maps.get(ri).get(qid);
            sb.append('\t').append(v == null ? "-" : EvalResult.formatValue(v, r.isCount(n)));
          }
          sb.append('\n');
        }
      }
    }
    for (String n : results.get(0).summaries().keySet()) {
      sb.append(String.format("%-" + w + "s", n));
      if (perQuery) {
        sb.append("\tall");
      }
      for (EvalResult r : results) {
        sb.append('\t').append(EvalResult.formatValue(r.summary(n),
            r.isCount(n) || n.equals("num_q")));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Long format: {@code run measure qid value}, with a header line. */
  public static String tsv(List<EvalResult> results, boolean perQuery) {
    StringBuilder sb = new StringBuilder("run\tmeasure\tqid\tvalue\n");
    for (EvalResult r : results) {
      if (perQuery) {
        for (String n : r.numericNames()) {
          double[] v = r.perQuery(n);
          for (int q = 0; q < v.length; q++) {
            sb.append(r.source()).append('\t').append(n).append('\t').append(r.queryIds().get(q))
                .append('\t').append(plain(v[q], r.isCount(n))).append('\n');
          }
        }
      }
      for (var e : r.summaries().entrySet()) {
        sb.append(r.source()).append('\t').append(e.getKey()).append("\tall\t")
            .append(plain(e.getValue(), e.getKey().equals("num_q") || r.isCount(e.getKey())))
            .append('\n');
      }
    }
    return sb.toString();
  }

  private static String plain(double v, boolean count) {
    return count ? Long.toString((long) v) : Double.toString(v);
  }

  /** JSON: a list of runs with their summary and (optionally) per-query values, full precision. */
  public static String json(List<EvalResult> results, boolean perQuery) {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = om.createObjectNode();
    ArrayNode runs = root.putArray("runs");
    for (EvalResult r : results) {
      ObjectNode o = runs.addObject();
      o.put("run", r.source());
      o.put("tag", r.tag());
      o.put("num_q", r.queryIds().size());
      ObjectNode s = o.putObject("summary");
      for (var e : r.summaries().entrySet()) {
        if (r.isCount(e.getKey()) || e.getKey().equals("num_q")) {
          s.put(e.getKey(), (long) (double) e.getValue());
        } else {
          s.put(e.getKey(), e.getValue());
        }
      }
      if (perQuery) {
        ObjectNode pq = o.putObject("queries");
        List<String> numeric = r.numericNames();
        double[][] cols = new double[numeric.size()][];
        for (int c = 0; c < cols.length; c++) {
          cols[c] = r.perQuery(numeric.get(c));
        }
        for (int q = 0; q < r.queryIds().size(); q++) {
          ObjectNode qo = pq.putObject(r.queryIds().get(q));
          for (int c = 0; c < cols.length; c++) {
            String n = numeric.get(c);
            double v = cols[c][q];
            if (r.isCount(n)) {
              qo.put(n, (long) v);
            } else {
              qo.put(n, v);
            }
          }
        }
      }
    }
    try {
      return om.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
