package io.trawl.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Ids;
import io.trawl.core.InputException;
import io.trawl.core.Query;
import io.trawl.core.TextFiles;
import io.trawl.core.TopicsAndQrels;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Topic (query) readers. Formats:
 *
 * <ul>
 *   <li>{@code tsv}: {@code qid<TAB>text} per line (Anserini's topic files, plain or .gz); blank
 *       lines are skipped; columns after the second are ignored.
 *   <li>{@code trec}: classic {@code <top>} blocks; {@code <num> Number: 301} gives the id (a
 *       purely numeric id loses its leading zeros, as Anserini's integer topic ids do), the text
 *       is the chosen field ({@code title} by default, or {@code desc}, {@code narr}, or
 *       {@code title+desc}); a leading {@code Topic:} / {@code Description:} / {@code
 *       Narrative:} label is dropped.
 *   <li>{@code beir}: BEIR {@code queries.jsonl}, one {@code {"_id": ..., "text": ...}} per line.
 *   <li>{@code auto}: {@code .jsonl} names are BEIR, a file whose first non-blank line starts
 *       with {@code <top>} is TREC, anything else TSV.
 * </ul>
 *
 * An empty topics file is an error, as is a query id given twice; errors name the file and line.
 */
public final class Topics {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Topics() {}

  /** Reads a topics file or symbolic name ({@code dl19-passage}) with format detection. */
  public static List<Query> read(String nameOrFile) {
    return read(nameOrFile, "auto", "title");
  }

  /**
   * Reads topics.
   *
   * @param nameOrFile a file, {@code -} (stdin) or a name from {@link TopicsAndQrels}
   * @param format {@code auto}, {@code tsv}, {@code trec} or {@code beir}
   * @param trecField for TREC topics: {@code title}, {@code desc}, {@code narr} or fields joined
   *     with {@code +}
   */
  public static List<Query> read(String nameOrFile, String format, String trecField) {
    String file = TopicsAndQrels.topics(nameOrFile);
    String f = format == null ? "auto" : format.toLowerCase(Locale.ROOT);
    if (f.equals("auto")) {
      f = detect(file);
    }
    List<Query> out = switch (f) {
      case "tsv" -> readTsv(file);
      case "trec" -> readTrec(file, trecField == null ? "title" : trecField);
      case "beir", "jsonl" -> readBeir(file);
      default -> throw TrawlException.invalid(
          "unknown topics format '" + format + "'; valid: auto, tsv, trec, beir");
    };
    if (out.isEmpty()) {
      throw new InputException(file, "no topics in file (empty topics file)");
    }
    return out;
  }

  private static String detect(String file) {
    String lower = file.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".jsonl.gz")) {
      return "beir";
    }
    if ("-".equals(file)) {
      return "tsv";
    }
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        String t = line.strip();
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("<top>")) {
          return "trec";
        }
        if (t.startsWith("{")) {
          return "beir";
        }
        return "tsv";
      }
    }
    return "tsv";
  }

  /** Keeps ids unique; remembers the line each id came from for the error message. */
  private static final class Collector {
    final String file;
    final List<Query> queries = new ArrayList<>();
    final Map<String, Long> seen = new HashMap<>();

    Collector(String file) {
      this.file = file;
    }

    void add(String id, String text, long line) {
      String bad = Ids.problem("query id", id);
      if (bad != null) {
        throw new InputException(file, line, bad);
      }
      Long first = seen.putIfAbsent(id, line);
      if (first != null) {
        throw new InputException(file, line,
            "duplicate query id '" + id + "' (first at line " + first + ")");
      }
      queries.add(new Query(id, text));
    }
  }

  static List<Query> readTsv(String file) {
    Collector c = new Collector(file);
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw lines.error("expected 'qid<TAB>text', found no tab");
        }
        String id = line.substring(0, tab).strip();
        int end = line.indexOf('\t', tab + 1);
        String text = (end < 0 ? line.substring(tab + 1) : line.substring(tab + 1, end)).strip();
        if (id.isEmpty()) {
          throw lines.error("empty query id");
        }
        c.add(id, text, lines.lineNumber());
      }
    }
    return c.queries;
  }

  static List<Query> readBeir(String file) {
    Collector c = new Collector(file);
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw lines.error("invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
          throw lines.error("expected a JSON object");
        }
        JsonNode id = node.get("_id");
        if (id == null || id.isNull() || id.isContainerNode()) {
          throw lines.error("missing \"_id\"");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isValueNode() || text.isNull()) {
          throw lines.error("missing \"text\"");
        }
        c.add(id.asText(), text.asText().strip(), lines.lineNumber());
      }
    }
    return c.queries;
  }

  static List<Query> readTrec(String file, String field) {
    List<String> wanted = new ArrayList<>();
    for (String f : field.toLowerCase(Locale.ROOT).split("\\+")) {
      String n = switch (f.strip()) {
        case "title" -> "title";
        case "desc", "description" -> "desc";
        case "narr", "narrative" -> "narr";
        default -> throw TrawlException.invalid(
            "unknown TREC topic field '" + f + "'; valid: title, desc, narr (joined with +)");
      };
      wanted.add(n);
    }
    Collector c = new Collector(file);
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      boolean inTop = false;
      String id = null;
      long topLine = 0;
      String current = null;
      Map<String, StringBuilder> fields = new HashMap<>();
      while ((line = lines.next()) != null) {
        String t = line.strip();
        if (!inTop) {
          if (t.startsWith("<top>")) {
            inTop = true;
            topLine = lines.lineNumber();
            id = null;
            current = null;
            fields.clear();
          } else if (!t.isEmpty()) {
            throw lines.error("expected <top>");
          }
          continue;
        }
        if (t.startsWith("</top>")) {
          if (id == null) {
            throw new InputException(file, topLine, "topic without <num>");
          }
          StringBuilder text = new StringBuilder();
          for (String w : wanted) {
            StringBuilder v = fields.get(w);
            if (v != null && !v.isEmpty()) {
              if (!text.isEmpty()) {
                text.append(' ');
              }
              text.append(v.toString().strip());
            }
          }
          c.add(id, text.toString(), topLine);
          inTop = false;
          continue;
        }
        if (t.startsWith("<") && t.indexOf('>') > 0) {
          String tag = t.substring(1, t.indexOf('>')).strip().toLowerCase(Locale.ROOT);
          String rest = t.substring(t.indexOf('>') + 1).strip();
          if (tag.equals("num")) {
            rest = stripLabel(rest, "number:");
            if (rest.isEmpty()) {
              throw lines.error("empty <num>");
            }
            id = normalizeId(rest);
            current = null;
          } else {
            current = tag;
            StringBuilder sb = fields.computeIfAbsent(tag, k -> new StringBuilder());
            rest = stripLabel(stripLabel(stripLabel(rest, "topic:"), "description:"), "narrative:");
            append(sb, rest);
          }
          continue;
        }
        if (current != null) {
          append(fields.get(current), t);
        }
      }
      if (inTop) {
        throw new InputException(file, topLine, "<top> without </top>");
      }
    }
    return c.queries;
  }

  private static void append(StringBuilder sb, String text) {
    if (text.isEmpty()) {
      return;
    }
    if (!sb.isEmpty()) {
      sb.append(' ');
    }
    sb.append(text);
  }

  private static String stripLabel(String s, String label) {
    if (s.regionMatches(true, 0, label, 0, label.length())) {
      return s.substring(label.length()).strip();
    }
    return s;
  }

  private static String normalizeId(String id) {
    boolean digits = !id.isEmpty();
    for (int i = 0; i < id.length(); i++) {
      if (!Character.isDigit(id.charAt(i))) {
        digits = false;
        break;
      }
    }
    if (!digits) {
      return id;
    }
    int i = 0;
    while (i < id.length() - 1 && id.charAt(i) == '0') {
      i++;
    }
    return id.substring(i);
  }
}
