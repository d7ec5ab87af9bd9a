package io.trawl.search;

import io.trawl.core.TrawlException;
import io.trawl.index.IndexFields;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of lexical search that are not model parameters: the fields searched with their
 * weights (default {@code contents=1.0}; BEIR "multifield" is {@code title=1.0,contents=1.0}) and
 * BEIR's rule that drops a hit whose docid equals the query id.
 */
public record SearchOptions(Map<String, Float> fields, boolean removeQuery) {
  public SearchOptions {
    if (fields.isEmpty()) {
      throw TrawlException.invalid("at least one field must be searched");
    }
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public static SearchOptions defaults() {
    return new SearchOptions(Map.of(IndexFields.CONTENTS, 1.0f), false);
  }

  /**
   * Parses {@code title,contents} or {@code title=1.0,contents=0.5} (weight 1.0 when omitted).
   */
  public static Map<String, Float> parseFields(String spec) {
    Map<String, Float> out = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      String name = p;
      float w = 1.0f;
      int eq = p.indexOf('=');
      if (eq >= 0) {
        name = p.substring(0, eq).strip();
        try {
          w = Float.parseFloat(p.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
          throw TrawlException.invalid("bad field weight in '" + p + "'");
        }
        if (!(w > 0) || Float.isInfinite(w)) {
          throw TrawlException.invalid("field weight must be positive, got '" + p + "'");
        }
      }
      if (out.put(name, w) != null) {
        throw TrawlException.invalid("field '" + name + "' given twice");
      }
    }
    if (out.isEmpty()) {
      throw TrawlException.invalid("no fields in '" + spec + "'");
    }
    return out;
  }
}
