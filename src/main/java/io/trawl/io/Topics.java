package io.trawl.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Ids;
import io.trawl.core.InputException;
import io.trawl.core.Query;
import io.trawl.core.TextFiles;
import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *   <li>{@code json-vector}: pre-encoded queries for the {@code impact} retriever, one {@code
 *       {"qid": ..., "vector": {"term": weight, ...}}} per line ({@code "id"} also accepted; the
 *       keys of Anserini's {@code JsonIntVectorTopicReader}, which Anserini itself uses for dense
 *       query vectors: its sparse pre-encoded topics are TSV). The query text is the vector's
 *       pseudo-document, each term written {@code (int) weight} times
 *       ({@link io.trawl.corpus.JsonVectorCorpus#pseudoDocument}, the rule of the corpus side),
 *       which is exactly what a pre-encoded TSV topic file holds ({@code qid<TAB>term term ...},
 *       Anserini's {@code TsvInt}/{@code TsvString} with {@code -pretokenized}; read as {@code
 *       tsv}): the impact retriever weighs each term by its count.
 *   <li>{@code auto}: a file whose first non-blank line is a JSON object with a {@code "vector"}
 *       is {@code json-vector}; other {@code .jsonl} names and JSON objects are BEIR, a file whose
 *       first non-blank line starts with {@code <top>} is TREC, anything else TSV.
 * </ul>
 *
 * An empty topics file is an error, as is a query id given twice or a query without text (Anserini
 * would search it and return nothing); errors name the file and line. TREC topics may put several
 * tags on one line ({@code <num>1</num><title>}, NPL's original {@code query-text.trec}); Anserini's
 * reader fails on those files with a NullPointerException (it needs a line starting with {@code
 * <title>} and one starting with {@code <desc>}), Trawl reads them.
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
      case "json-vector" -> readJsonVector(file);
      default -> throw TrawlException.invalid(
          "unknown topics format '" + format + "'; valid: auto, tsv, trec, beir, json-vector");
    };
    if (out.isEmpty()) {
      throw new InputException(file, "no topics in file (empty topics file)");
    }
    return out;
  }

  private static String detect(String file) {
    String lower = file.toLowerCase(Locale.ROOT);
    boolean jsonl = lower.endsWith(".jsonl") || lower.endsWith(".jsonl.gz");
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
        if (t.startsWith("{")) {
          return isVectorLine(t) ? "json-vector" : "beir";
        }
        if (jsonl) {
          return "beir";
        }
        if (t.startsWith("<top>")) {
          return "trec";
        }
        return "tsv";
      }
    }
    return jsonl ? "beir" : "tsv";
  }

  /** A JSON object with an object-valued {@code "vector"}. */
  private static boolean isVectorLine(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() && n.path("vector").isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
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
        if (text.isEmpty()) {
          throw lines.error("query '" + id + "' has no text (a query needs text)");
        }
        c.add(id, text, lines.lineNumber());
      }
    }
    return c.queries;
  }

  static List<Query> readBeir(String file) {
    return readJsonLines(file, (node, lines) -> {
      JsonNode id = node.get("_id");
      if (id == null || id.isNull() || id.isContainerNode()) {
        throw lines.error("missing \"_id\"");
      }
      JsonNode text = node.get("text");
      if (text == null || !text.isValueNode() || text.isNull()) {
        throw lines.error("missing \"text\"");
      }
      if (text.asText().isBlank()) {
        throw lines.error("query '" + id.asText() + "' has no text (a query needs text)");
      }
      return new Query(id.asText(), text.asText().strip());
    });
  }

  static List<Query> readJsonVector(String file) {
    return readJsonLines(file, (node, lines) -> {
      JsonNode id = node.has("qid") ? node.get("qid") : node.get("id");
      if (id == null || id.isNull() || id.isContainerNode()) {
        throw lines.error("missing \"qid\" (or \"id\")");
      }
      JsonNode vector = node.get("vector");
      if (vector == null || !vector.isObject()) {
        throw lines.error("query '" + id.asText() + "': missing \"vector\" object {\"term\": weight, ...}");
      }
      String text;
      try {
        text = io.trawl.corpus.JsonVectorCorpus.pseudoDocument(vector).strip();
      } catch (IllegalArgumentException e) {
        throw lines.error("query '" + id.asText() + "': " + e.getMessage());
      }
      if (text.isEmpty()) {
        throw lines.error("query '" + id.asText() + "' has no term of weight 1 or more (a query needs text)");
      }
      return new Query(id.asText(), text);
    });
  }

  /** One query from one JSON object of a JSON Lines topics file; errors name the line. */
  private interface JsonQuery {
    Query read(JsonNode node, TextFiles.Lines lines);
  }

  /** A JSON Lines topics file: blank lines skipped, every other line one JSON object, one query. */
  private static List<Query> readJsonLines(String file, JsonQuery query) {
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
        Query q = query.read(node, lines);
        c.add(q.id(), q.text(), lines.lineNumber());
      }
    }
    return c.queries;
  }

  /**
   * A tag that structures a TREC topic wherever it stands on a line ({@code <num>1</num><title>},
   * as in NPL's {@code query-text.trec}); other tags count only at the start of a line.
   */
  private static final Pattern TOPIC_TAG = Pattern.compile(
      "<(/?)(top|num|title|desc|narr)\\s*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern LEADING_TAG = Pattern.compile("\\s*<(/?)([A-Za-z][A-Za-z0-9_-]*)[^<>]*>");

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
      TrecTopic topic = null;
      String line;
      while ((line = lines.next()) != null) {
        if (topic == null) {
          String t = line.strip();
          if (t.regionMatches(true, 0, "<top>", 0, 5)) {
            topic = new TrecTopic(file, lines.lineNumber());
            line = t.substring(5);
          } else if (!t.isEmpty()) {
            throw lines.error("expected <top>");
          } else {
            continue;
          }
        }
        if (topic.read(line, lines)) {
          c.add(topic.id(), topic.text(wanted, field), topic.line);
          topic = null;
        }
      }
      if (topic != null) {
        throw new InputException(file, topic.line, "<top> without </top>");
      }
    }
    return c.queries;
  }

  /**
   * One {@code <top>} block being read: {@code <num>} gives the id (up to {@code </num>}, the next
   * tag or the end of its line), every other tag opens a field that runs to its closing tag or the
   * next tag, over as many lines as it takes.
   */
  private static final class TrecTopic {
    final String file;
    final long line;
    final Map<String, StringBuilder> fields = new HashMap<>();
    StringBuilder num;
    long numLine;
    String id;
    String current;

    TrecTopic(String file, long line) {
      this.file = file;
      this.line = line;
    }

    /** Reads one line of the block; true at {@code </top>}. */
    boolean read(String line, TextFiles.Lines lines) {
      int pos = 0;
      Matcher lead = LEADING_TAG.matcher(line);
      if (lead.lookingAt() && !TOPIC_TAG.matcher(line).region(0, lead.end()).find()) {
        // another field at the start of a line (<dom>, <con>, <fac>, ...), or its end
        String name = lead.group(2).toLowerCase(Locale.ROOT);
        if (lead.group(1).isEmpty()) {
          open(name, lines);
        } else if (name.equals(current)) {
          current = null;
        }
        pos = lead.end();
      }
      Matcher m = TOPIC_TAG.matcher(line);
      while (m.find(pos)) {
        text(line.substring(pos, m.start()));
        pos = m.end();
        String name = m.group(2).toLowerCase(Locale.ROOT);
        boolean close = !m.group(1).isEmpty();
        if (name.equals("top")) {
          if (!close) {
            throw lines.error("<top> inside a topic (the one at line " + this.line + " has no </top>)");
          }
          endNum(lines);
          if (id == null) {
            throw new InputException(file, this.line, "topic without <num>");
          }
          return true;
        }
        if (close) {
          if (name.equals(current)) {
            endNum(lines);
            current = null;
          }
        } else {
          open(name, lines);
        }
      }
      text(line.substring(pos));
      endNum(lines); // a number ends with its line
      return false;
    }

    private void open(String name, TextFiles.Lines lines) {
      endNum(lines);
      current = name;
      if (name.equals("num")) {
        num = new StringBuilder();
        numLine = lines.lineNumber();
      } else {
        fields.computeIfAbsent(name, k -> new StringBuilder());
      }
    }

    private void text(String t) {
      t = t.strip();
      if (current == null || t.isEmpty()) {
        return;
      }
      if (current.equals("num")) {
        num.append(t);
        return;
      }
      StringBuilder sb = fields.get(current);
      if (sb.isEmpty()) {
        t = stripLabel(stripLabel(stripLabel(t, "topic:"), "description:"), "narrative:");
      }
      append(sb, t);
    }

    private void endNum(TextFiles.Lines lines) {
      if (num == null) {
        return;
      }
      String n = stripLabel(num.toString().strip(), "number:");
      if (n.isEmpty()) {
        throw new InputException(file, numLine, "empty <num>");
      }
      if (id != null) {
        throw new InputException(file, numLine, "a second <num> in the topic at line " + line);
      }
      id = normalizeId(n);
      num = null;
      if ("num".equals(current)) {
        current = null;
      }
    }

    String id() {
      return id;
    }

    /** The wanted fields joined by a space; an empty result is an error naming the topic. */
    String text(List<String> wanted, String field) {
      StringBuilder text = new StringBuilder();
      for (String w : wanted) {
        StringBuilder v = fields.get(w);
        if (v != null && !v.isEmpty()) {
          append(text, v.toString().strip());
        }
      }
      if (text.isEmpty()) {
        throw new InputException(file, line, "topic '" + id + "' has no text in " + field
            + " (a query needs text)");
      }
      return text.toString();
    }
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
