package io.trawl.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/** Renders a {@link Comparison} as Markdown, TSV, JSON or a self-contained HTML page. */
public final class CompareReports {
  private CompareReports() {}

  private static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }

  private static String p(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    return v < 0.0001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String legend(Comparison c) {
    Comparison.Settings s = c.settings();
    return "Baseline: " + c.baseline() + ". " + c.queryIds().size() + " queries (all qrels queries;"
        + " a missing query scores 0). Test: " + testName(s) + ", correction: "
        + lower(s.correction()) + " over " + c.rows().size()
        + " comparisons; * marks corrected p < " + s.alpha() + ".";
  }

  private static String testName(Comparison.Settings s) {
    return switch (s.test()) {
      case T -> "two-sided paired t-test";
      case WILCOXON -> "two-sided Wilcoxon signed-rank (zero method "
          + lower(s.wilcoxon().zeroMethod()) + ", method " + lower(s.wilcoxon().method())
          + (s.wilcoxon().continuityCorrection() ? ", continuity correction" : "") + ")";
      case RANDOMIZATION -> "two-sided Fisher randomization (" + s.trials() + " trials, seed "
          + s.seed() + ")";
    };
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Markdown table; significant differences are marked with {@code *}. */
  public static String markdown(Comparison c) {
    StringBuilder sb = new StringBuilder();
    sb.append("| run | measure | baseline | run | delta | p | p corrected | W/L/T |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    double a = c.settings().alpha();
    for (Comparison.Row r : c.rows()) {
      String mark = r.significant(a) ? "*" : "";
      sb.append("| ").append(r.run()).append(" | ").append(r.measure()).append(" | ")
          .append(f4(r.baselineMean())).append(" | ").append(f4(r.mean())).append(mark)
          .append(" | ").append(signed(r.delta())).append(mark).append(" | ").append(p(r.p()))
          .append(" | ").append(p(r.pCorrected())).append(" | ").append(r.wins()).append('/')
          .append(r.losses()).append('/').append(r.ties()).append(" |\n");
    }
    sb.append('\n').append(legend(c)).append('\n');
    return sb.toString();
  }

  public static String tsv(Comparison c) {
    StringBuilder sb = new StringBuilder(
        "run\tmeasure\tbaseline\tmean\tdelta\tp\tp_corrected\tsignificant\twins\tlosses\tties\n");
    for (Comparison.Row r : c.rows()) {
      sb.append(r.run()).append('\t').append(r.measure()).append('\t').append(r.baselineMean())
          .append('\t').append(r.mean()).append('\t').append(r.delta()).append('\t').append(r.p())
          .append('\t').append(r.pCorrected()).append('\t')
          .append(r.significant(c.settings().alpha())).append('\t').append(r.wins()).append('\t')
          .append(r.losses()).append('\t').append(r.ties()).append('\n');
    }
    return sb.toString();
  }

  public static String json(Comparison c) {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = om.createObjectNode();
    root.put("baseline", c.baseline());
    root.put("test", lower(c.settings().test()));
    root.put("correction", lower(c.settings().correction()));
    root.put("alpha", c.settings().alpha());
    if (c.settings().test() == Significance.Test.RANDOMIZATION) {
      root.put("trials", c.settings().trials());
      root.put("seed", c.settings().seed());
    }
    if (c.settings().test() == Significance.Test.WILCOXON) {
      Significance.WilcoxonOptions w = c.settings().wilcoxon();
      ObjectNode o = root.putObject("wilcoxon");
      o.put("method", lower(w.method()));
      o.put("zero_method", lower(w.zeroMethod()));
      o.put("continuity_correction", w.continuityCorrection());
    }
    ArrayNode q = root.putArray("queries");
    c.queryIds().forEach(q::add);
    ArrayNode rows = root.putArray("comparisons");
    for (Comparison.Row r : c.rows()) {
      ObjectNode o = rows.addObject();
      o.put("run", r.run());
      o.put("measure", r.measure());
      o.put("baseline", r.baselineMean());
      o.put("mean", r.mean());
      o.put("delta", r.delta());
      o.put("p", r.p());
      o.put("p_corrected", r.pCorrected());
      o.put("significant", r.significant(c.settings().alpha()));
      o.put("wins", r.wins());
      o.put("losses", r.losses());
      o.put("ties", r.ties());
      ArrayNode d = o.putArray("per_query_delta");
      for (double x : r.perQueryDelta()) {
        d.add(x);
      }
    }
    try {
      return om.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** A self-contained HTML page: the table and, per comparison, sorted per-topic delta bars (SVG). */
  public static String html(Comparison c) {
    StringBuilder sb = new StringBuilder();
    // Narrow windows: long names (run paths) break anywhere, numbers and p-values never wrap,
    // the table scrolls inside its own box and the charts scale down to the page width.
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>trawl compare</title><style>"
        + "body{font-family:sans-serif;margin:2em;color:#222;overflow-wrap:anywhere}"
        + "@media (max-width:40em){body{margin:1em}}"
        + ".scroll{overflow-x:auto}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
        + "text-align:right;white-space:nowrap}"
        + "td:first-child,th:first-child{text-align:left;white-space:normal;min-width:8em}"
        + "td:nth-child(2),th:nth-child(2){text-align:left}"
        + ".sig{font-weight:bold;background:#eef7ee}h2{font-size:1.1em;margin-top:2em}"
        + "svg{display:block;max-width:100%;height:auto}"
        + "</style></head><body>\n<h1>Comparison against " + esc(c.baseline()) + "</h1>\n<p>"
        + esc(legend(c)) + "</p>\n<div class=\"scroll\"><table><tr><th>run</th><th>measure</th>"
        + "<th>baseline</th><th>run</th><th>delta</th><th>p</th><th>p corrected</th>"
        + "<th>W/L/T</th></tr>\n");
    double a = c.settings().alpha();
    for (Comparison.Row r : c.rows()) {
      String cls = r.significant(a) ? " class=\"sig\"" : "";
      sb.append("<tr").append(cls).append("><td>").append(esc(r.run())).append("</td><td>")
          .append(esc(r.measure())).append("</td><td>").append(f4(r.baselineMean()))
          .append("</td><td>").append(f4(r.mean())).append(r.significant(a) ? "*" : "")
          .append("</td><td>").append(signed(r.delta())).append("</td><td>").append(p(r.p()))
          .append("</td><td>").append(p(r.pCorrected())).append("</td><td>").append(r.wins())
          .append('/').append(r.losses()).append('/').append(r.ties()).append("</td></tr>\n");
    }
    sb.append("</table></div>\n");
    for (Comparison.Row r : c.rows()) {
      sb.append("<h2>").append(esc(r.run())).append(": ").append(esc(r.measure()))
          .append(" per-topic delta (run - baseline), sorted</h2>\n");
      sb.append(deltaChart(r, c));
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  /** Axis label font size and the gap between a label and the bars, in SVG pixels. */
  static final int FONT = 10;
  static final int GAP = 4;

  private static String deltaChart(Comparison.Row r, Comparison c) {
    double[] d = r.perQueryDelta();
    Integer[] order = new Integer[d.length];
    for (int i = 0; i < d.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -d[i])
        .thenComparing(i -> c.queryIds().get(i)));
    double max = 1e-9;
    for (double x : d) {
      max = Math.max(max, Math.abs(x));
    }
    String top = "+" + f4(max);
    String bottom = "-" + f4(max);
    // the axis labels sit right-aligned in a gutter left of the first bar, wide enough for the
    // longer label: sans-serif digits, signs and points are at most 0.6 em wide
    int gutter = (int) Math.ceil(Math.max(top.length(), bottom.length()) * 0.6 * FONT) + 2 * GAP;
    int h = 200;
    int pad = 5;
    int bw = Math.max(2, Math.min(16, 900 / Math.max(1, d.length)));
    int w = gutter + bw * d.length + pad;
    double mid = h / 2.0;
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(w).append(' ')
        .append(h).append("\" width=\"").append(w).append("\" height=\"").append(h)
        .append("\" role=\"img\" aria-label=\"per-topic delta\">\n");
    sb.append("<line x1=\"").append(gutter).append("\" y1=\"").append(mid).append("\" x2=\"")
        .append(w).append("\" y2=\"").append(mid).append("\" stroke=\"#999\"/>\n");
    String label = "<text x=\"" + (gutter - GAP) + "\" y=\"%s\" font-size=\"" + FONT
        + "\" text-anchor=\"end\">%s</text>\n";
    // top label level with the top of the tallest bar, bottom label with the bottom of the lowest
    sb.append(String.format(Locale.ROOT, label, pad + (int) Math.ceil(0.7 * FONT), top));
    sb.append(String.format(Locale.ROOT, label, String.format(Locale.ROOT, "%.1f",
        mid + 0.35 * FONT), "0"));
    sb.append(String.format(Locale.ROOT, label, h - pad, bottom));
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      double v = d[i];
      double len = Math.abs(v) / max * (mid - pad);
      double y = v >= 0 ? mid - len : mid;
      String color = v > 0 ? "#2a7d2a" : v < 0 ? "#b03030" : "#999";
      sb.append("<rect x=\"").append(gutter + k * bw).append("\" y=\"")
          .append(String.format(Locale.ROOT, "%.2f", y)).append("\" width=\"")
          .append(Math.max(1, bw - 1)).append("\" height=\"")
          .append(String.format(Locale.ROOT, "%.2f", Math.max(len, 0.5))).append("\" fill=\"")
          .append(color).append("\"><title>").append(esc(c.queryIds().get(i))).append(": ")
          .append(signed(v)).append("</title></rect>\n");
    }
    sb.append("</svg>\n");
    return sb.toString();
  }
}
