package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTML report's layout, checked on the markup. What it guards was seen in headless Chromium at
 * 1400 and 420 px: the first bar covered the last digit of the top axis label, "2.3e-06" wrapped
 * at its hyphen (even at 1400 px, beside long run paths), and the page overflowed narrow windows
 * (charts at their fixed pixel width, the table at its widest).
 */
class CompareReportsTest {
  private static final Pattern LABEL = Pattern.compile(
      "<text x=\"(\\d+)\" y=\"[\\d.]+\" font-size=\"(\\d+)\" text-anchor=\"end\">([^<]+)</text>");
  private static final Pattern FIRST_BAR = Pattern.compile("<rect x=\"(\\d+)\"");

  static Comparison comparison(double[] delta, double p) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < delta.length; i++) {
      ids.add("q" + i);
    }
    String run = "../shared/data/dl19-dl20-bm25-top100-rankllm/other-retrievers/"
        + "SPLADE_P_P_ENSEMBLE_DISTIL/trec_results_dl19.txt";
    Comparison.Row row = new Comparison.Row(run, "nDCG@10", 0.5058, 0.7308, 0.225, p, p, 34, 9, 0,
        delta);
    return new Comparison("bm25.txt", List.of(run), List.of("nDCG@10"), ids,
        Comparison.Settings.defaults(), List.of(row));
  }

  /** Each chart's axis labels end left of its first bar, with room for their text. */
  static void assertLabelsClearOfBars(String html, String top) {
    int charts = 0;
    for (String svg : html.split("<svg ")) {
      if (!svg.startsWith("xmlns")) {
        continue;
      }
      charts++;
      Matcher bar = FIRST_BAR.matcher(svg);
      assertTrue(bar.find(), svg);
      int firstBar = Integer.parseInt(bar.group(1));
      Matcher m = LABEL.matcher(svg);
      int labels = 0;
      while (m.find()) {
        labels++;
        int end = Integer.parseInt(m.group(1));
        double width = m.group(3).length() * 0.6 * Integer.parseInt(m.group(2));
        assertTrue(end <= firstBar - 2, "label " + m.group(3) + " ends at " + end
            + ", first bar at " + firstBar);
        assertTrue(end - width >= 0, "label " + m.group(3) + " (~" + width
            + " px) is cut at the left edge: ends at " + end);
      }
      assertEquals(3, labels, "top, 0 and bottom labels, right-aligned: " + svg);
      assertTrue(svg.contains(">" + top + "</text>"), svg);
    }
    assertEquals(1, charts);
  }

  @Test
  void axisLabelsAreNotCoveredByTheFirstBar() {
    double[] d = new double[43];
    for (int i = 0; i < d.length; i++) {
      d[i] = 0.3020 - i * 0.0125;
    }
    assertLabelsClearOfBars(CompareReports.html(comparison(d, 2.3e-6)), "+0.3020");
    // a count measure (num_rel_ret) gives wider labels: the gutter grows with them
    assertLabelsClearOfBars(CompareReports.html(comparison(new double[] {1234.5, -3, 0}, 0.5)),
        "+1234.5000");
  }

  @Test
  void narrowWindowsNeitherWrapPValuesNorOverflow() {
    String html = CompareReports.html(comparison(new double[] {0.2, -0.1, 0.05}, 2.3e-6));
    assertTrue(html.contains("<td>2.3e-06</td>"), html);
    // numbers and p-values never wrap; only the run column (and headings) may break
    assertTrue(html.contains("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;"
        + "white-space:nowrap}"), html);
    assertTrue(html.contains("td:first-child,th:first-child{text-align:left;white-space:normal;"),
        html);
    assertTrue(html.contains("body{font-family:sans-serif;margin:2em;color:#222;"
        + "overflow-wrap:anywhere}"), html);
    // the table scrolls inside its own box, the charts scale down to the page width
    assertTrue(html.contains("<div class=\"scroll\"><table>") && html.contains("</table></div>")
        && html.contains(".scroll{overflow-x:auto}"), html);
    assertTrue(html.contains("svg{display:block;max-width:100%;height:auto}"), html);
    Matcher svg = Pattern.compile("<svg [^>]*viewBox=\"0 0 (\\d+) (\\d+)\" width=\"(\\d+)\" "
        + "height=\"(\\d+)\"").matcher(html);
    assertTrue(svg.find(), "a viewBox lets the chart scale: " + html);
    assertEquals(svg.group(1), svg.group(3));
    assertEquals(svg.group(2), svg.group(4));
    assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, "
        + "initial-scale=1\">"), "phones lay the page out at their width");
    assertFalse(html.contains("<script"), "still no scripts");
  }
}
