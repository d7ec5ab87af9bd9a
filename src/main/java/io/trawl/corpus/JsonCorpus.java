package io.trawl.corpus;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Anserini's JSON collection: documents {@code {"id": ..., "contents": ...}} (other fields are
 * allowed and ignored), given as one object per line (JSON Lines), as a JSON array, or as one or
 * more (pretty-printed) objects one after the other.
 *
 * <p>In JSON Lines files the raw document is the line exactly as read; in the other shapes it is
 * the object re-serialized compactly. A line-oriented file can skip a bad line and go on; a syntax
 * error inside an array or a multi-line object breaks the rest of that file.
 */
public class JsonCorpus extends Corpus {
  /** For single lines: the whole line must be one value. */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** For streams: values follow each other. */
  private static final ObjectMapper STREAM_MAPPER = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final int PEEK_LIMIT = 1 << 20;

  private final String format;
  private final String idField;
  private final String titleField;
  private final String contentsField;

  public JsonCorpus() {
    this("json", "id", null, "contents");
  }

  /**
   * A JSON-shaped format with its own field names.
   *
   * @param titleField null when the format has no title
   */
  protected JsonCorpus(String format, String idField, String titleField, String contentsField) {
    this.format = format;
    this.idField = idField;
    this.titleField = titleField;
    this.contentsField = contentsField;
  }

  @Override
  public String format() {
    return format;
  }

  @Override
  public boolean hasTitles() {
    return titleField != null;
  }

  @Override
  public DocumentReader open(String file, InputStream in) {
    BufferedInputStream b = in instanceof BufferedInputStream bb ? bb
        : new BufferedInputStream(in, 1 << 16);
    boolean lines;
    try {
      lines = looksLikeJsonLines(b);
    } catch (IOException e) {
      throw new InputException(file, "cannot read: " + e.getMessage());
    }
    return lines ? new LinesReader(file, b) : new StreamReader(file, b);
  }

  /**
   * True when the first non-blank line is one complete JSON object (or too long to peek at, which
   * a pretty-printed file never is).
   */
  private static boolean looksLikeJsonLines(BufferedInputStream in) throws IOException {
    in.mark(PEEK_LIMIT + 1);
    byte[] peek = new byte[PEEK_LIMIT];
    int n = 0;
    int start = -1;
    int end = -1;
    while (n < PEEK_LIMIT) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      peek[n] = (byte) c;
      if (start < 0) {
        boolean bom = n < 3 && (c == 0xEF || c == 0xBB || c == 0xBF);
        if (!bom && !Character.isWhitespace(c)) {
          start = n;
        }
      } else if (c == '\n') {
        end = n;
        break;
      }
      n++;
    }
    in.reset();
    if (start < 0 || peek[start] != '{') {
      return false;
    }
    if (end < 0 && n >= PEEK_LIMIT) {
      return true;
    }
    String first = new String(peek, start, (end < 0 ? n : end) - start, StandardCharsets.UTF_8);
    try {
      return MAPPER.readTree(first).isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** A stored raw document is one JSON object (a line as read, or re-serialized compactly). */
  @Override
  public SourceDocument parseRaw(String raw) {
    SourceDocument fast = fastDocument(raw, "raw", 1);
    if (fast != null) {
      return fast;
    }
    try {
      JsonNode node = MAPPER.readTree(raw);
      return node != null && node.isObject() ? toDocument(node, raw, "raw", 1) : null;
    } catch (JsonProcessingException | InputException e) {
      return null;
    }
  }

  /** Builds a document from a parsed object; missing fields are errors naming file and line. */
  SourceDocument toDocument(JsonNode node, String raw, String file, long line) {
    JsonNode id = node.get(idField);
    if (id == null || id.isNull()) {
      throw new InputException(file, line, "document has no \"" + idField + "\" field");
    }
    if (!id.isTextual() && !id.isIntegralNumber()) {
      throw new InputException(file, line, "\"" + idField + "\" must be a string, found " + id.getNodeType().name().toLowerCase());
    }
    String docid = id.asText();
    JsonNode contents = node.get(contentsField);
    if (contents == null || contents.isNull()) {
      throw new InputException(file, line, "document '" + docid + "' has no \"" + contentsField + "\" field");
    }
    if (!contents.isTextual()) {
      throw new InputException(file, line, "document '" + docid + "': \"" + contentsField + "\" must be a string, found " + contents.getNodeType().name().toLowerCase());
    }
    String title = "";
    if (titleField != null) {
      JsonNode t = node.get(titleField);
      if (t != null && !t.isNull()) {
        if (!t.isTextual()) {
          throw new InputException(file, line, "document '" + docid + "': \"" + titleField + "\" must be a string");
        }
        title = t.asText();
      }
    }
    return new SourceDocument(docid, title, contents.asText(), raw, file, line);
  }

  /**
   * The common case of a JSON Lines document read with a streaming parser, without building a
   * tree: one object whose id, contents and title (if any) are strings. Returns null for anything
   * else (a syntax error, a duplicate key, a numeric id, a missing field, trailing tokens...), and
   * the caller then takes the tree path, which accepts or rejects the line with the same
   * documents and messages as before.
   */
  SourceDocument fastDocument(String line, String file, long lineNumber) {
    try (JsonParser p = MAPPER.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String id = null;
      String contents = null;
      String title = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        boolean isString = v == JsonToken.VALUE_STRING;
        if (name.equals(idField)) {
          if (!isString) {
            return null;
          }
          id = p.getText();
        }
        if (name.equals(contentsField)) {
          if (!isString) {
            return null;
          }
          contents = p.getText();
        }
        if (titleField != null && name.equals(titleField)) {
          if (isString) {
            title = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null || id == null || contents == null) {
        return null;
      }
      return new SourceDocument(id, title == null ? "" : title, contents, line, file, lineNumber);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String problem(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m != null && m.contains("UTF-8")) {
      return "invalid UTF-8";
    }
    return "malformed JSON: " + (m == null ? e.toString() : m.replace('\n', ' '));
  }

  /** One object per line. */
  private final class LinesReader implements DocumentReader {
    private final LineSource lines;

    LinesReader(String file, InputStream in) {
      this.lines = new LineSource(file, in);
    }

    @Override
    public SourceDocument next() {
      String line;
      do {
        line = lines.next();
        if (line == null) {
          return null;
        }
      } while (line.isBlank());
      SourceDocument fast = fastDocument(line, lines.name(), lines.lineNumber());
      if (fast != null) {
        return fast;
      }
      JsonNode node;
      try {
        node = MAPPER.readTree(line);
      } catch (JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int col = loc == null ? 0 : Math.max(0, loc.getColumnNr());
        throw new InputException(lines.name(), lines.lineNumber(), col, problem(e));
      }
      if (!node.isObject()) {
        throw new InputException(lines.name(), lines.lineNumber(),
            "expected a JSON object, found " + node.getNodeType().name().toLowerCase());
      }
      return toDocument(node, line, lines.name(), lines.lineNumber());
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  /** An array of objects, or objects one after another, possibly spanning lines. */
  private final class StreamReader implements DocumentReader {
    private final String file;
    private final InputStream in;
    private JsonParser parser;
    private boolean inArray;
    private boolean broken;

    StreamReader(String file, InputStream in) {
      this.file = file;
      this.in = in;
    }

    @Override
    public SourceDocument next() {
      if (broken) {
        return null;
      }
      try {
        if (parser == null) {
          parser = STREAM_MAPPER.createParser(in);
        }
        while (true) {
          JsonToken t = parser.nextToken();
          if (t == null) {
            if (inArray) {
              broken = true;
              throw new InputException(file, parser.currentLocation().getLineNr(),
                  "malformed JSON: array not closed at end of file");
            }
            return null;
          }
          if (inArray && t == JsonToken.END_ARRAY) {
            inArray = false;
            continue;
          }
          if (!inArray && t == JsonToken.START_ARRAY) {
            inArray = true;
            continue;
          }
          long line = parser.currentTokenLocation().getLineNr();
          if (t != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw new InputException(file, line, "expected a JSON object, found " + t.asString());
          }
          JsonNode node = STREAM_MAPPER.readTree(parser);
          return toDocument(node, node.toString(), file, line);
        }
      } catch (JsonProcessingException e) {
        broken = true;
        JsonLocation loc = e.getLocation();
        long line = loc == null ? 0 : Math.max(0, loc.getLineNr());
        int col = loc == null ? 0 : Math.max(0, loc.getColumnNr());
        throw new InputException(file, line, col, problem(e));
      } catch (IOException e) {
        broken = true;
        throw new InputException(file, "cannot read: " + e.getMessage());
      }
    }

    @Override
    public boolean broken() {
      return broken;
    }

    @Override
    public void close() {
      try {
        if (parser != null) {
          parser.close();
        }
        in.close();
      } catch (IOException e) {
        // nothing useful to do
      }
    }
  }
}
