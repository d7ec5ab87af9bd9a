package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Ftfy#fixText} equals Python's {@code ftfy.fix_text} (6.3.1) on 376 strings: DL19/DL20
 * passages covering every kind of fix ftfy applies to them (mojibake through Latin-1 and
 * Windows-1252, bytes A0 restored, inconsistent UTF-8, C1 controls, HTML entities, ligatures,
 * quotes, line breaks, control characters), crafted strings and seeded random ones. The expected
 * strings were written by {@code src/test/python/ftfy_golden.py}.
 */
class FtfyTest {
  @Test
  void equalsPythonFtfy() throws Exception {
    JsonNode doc;
    try (InputStream in = FtfyTest.class.getResourceAsStream("ftfy-golden.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    int n = 0;
    for (JsonNode c : doc.path("cases")) {
      String in = c.get(0).asText();
      assertEquals(c.get(1).asText(), Ftfy.fixText(in), "case " + n + ": " + in);
      n++;
    }
    assertTrue(n > 300, "golden cases: " + n);
  }

  @Test
  void theCharactersIssue15Names() {
    assertEquals("full-width [12] and ABC", Ftfy.fixText("full-width [\uff11\uff12] and \uff21\uff22\uff23"));
    assertEquals("ideographic space", Ftfy.fixText("ideographic\u3000space"));
    assertEquals("no\u00a0break", Ftfy.fixText("no\u00a0break"), "ftfy keeps U+00A0; Python's split() then drops it");
    assertEquals("it's", Ftfy.fixText("it\u00e2\u20ac\u2122s"));
  }
}
