package io.trawl.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.index.Analyzers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HtmlText} gives the text jsoup 1.15.3 gives ({@code Jsoup.parse(html).text()}, what
 * Anserini's TREC and TREC Web collections index). The expected strings in {@code
 * html-text-jsoup.jsonl} were produced by jsoup 1.15.3 itself (from Anserini 1.5.0's fat jar) on
 * those inputs: tags and bare {@code <}, inline and block spacing, comments, script and style,
 * title and textarea, CDATA, character references, pre, self-closing tags, malformed tags.
 */
class HtmlTextTest {
  static Stream<Arguments> jsoupCases() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Arguments> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        HtmlTextTest.class.getResourceAsStream("html-text-jsoup.jsonl"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = json.readTree(line);
        out.add(Arguments.of(n.get("html").asText(), n.get("text").asText()));
      }
    }
    assertTrue(out.size() >= 30, "cases: " + out.size());
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("jsoupCases")
  void sameTextAsJsoup(String html, String expected) {
    assertEquals(expected, HtmlText.text(html), html);
  }

  private static List<String> tokens(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (Analyzer a = Analyzers.english("porter", false); TokenStream ts = a.tokenStream("contents", text)) {
      CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(t.toString());
      }
      ts.end();
    }
    return out;
  }

  /**
   * The held-out MEDLINE case: a bare {@code <} is text, not the start of a tag that runs to the
   * next {@code >} (the old regex {@code <[^>]*>} deleted everything in between).
   */
  @Test
  void aBareLessThanIsText() throws IOException {
    String html = "<p>Patients with an ejection fraction of <25% were compared with those whose"
        + " fraction was >75%.</p>";
    assertEquals("Patients with an ejection fraction of <25% were compared with those whose"
        + " fraction was >75%.", HtmlText.text(html));
    assertEquals(List.of("patient", "eject", "fraction", "25", "were", "compar", "those",
        "whose", "fraction", "75"), tokens(HtmlText.text(html)));
  }

  /** jsoup passes {@code &#0;} through as NUL, which the corpus readers refuse; a space tokenizes alike. */
  @Test
  void aNulReferenceIsASpace() {
    assertEquals("a b", HtmlText.text("a&#0;b"));
  }

  @Test
  void deepNestingAndLongInputStayLinear() {
    String deep = "<b>".repeat(50_000) + "x" + "</i>".repeat(50_000) + "<div>y</div>";
    assertEquals("x y", HtmlText.text(deep));
    String big = "<p>word &amp; <i>w</i>ord</p>\n".repeat(100_000);
    long t0 = System.nanoTime();
    assertEquals(100_000 * "word & word ".length() - 1, HtmlText.text(big).length());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "linear time");
  }

  /**
   * A title or textarea full of {@code <x} stays linear: each {@code <letter} used to search the
   * rest of the text for the end tag again (300 KB took 25 s, 600 KB 75 s).
   */
  @Test
  void rcdataFullOfTagLikeTextStaysLinear() {
    String inner = "a<b ".repeat(250_000); // 1 MB
    for (String html : List.of("<title>" + inner + "</title>z", "<textarea>" + inner + "</TEXTAREA>z")) {
      long t0 = System.nanoTime();
      String text = HtmlText.text(html);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(text.startsWith("a<b a<b") && text.endsWith("z"), text.substring(0, 20));
      assertTrue(ms < 3_000, "1 MB of rcdata took " + ms + " ms");
    }
  }
}
