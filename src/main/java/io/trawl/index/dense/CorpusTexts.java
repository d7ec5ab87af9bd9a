package io.trawl.index.dense;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TextFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The texts a bi-encoder sees for a JSONL corpus (plain or .gz): BEIR {@code {"_id","title","text"}}
 * becomes {@code (title + " " + text).strip()} (BEIR's and MTEB's convention for dense models);
 * {@code {"id","contents"}} is used as is. A small reader of our own until the corpus package's
 * readers are merged; duplicate ids are an error.
 */
public record CorpusTexts(List<String> ids, List<String> texts) {

  public static CorpusTexts readJsonl(String file) {
    ObjectMapper om = new ObjectMapper();
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (TextFiles.Lines lines = new TextFiles.Lines(file)) {
      String line;
      while ((line = lines.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = om.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw lines.error("invalid JSON: " + e.getOriginalMessage());
        }
        String id = text(n, "_id", "id", "docid");
        if (id == null) {
          throw lines.error("document has no \"_id\", \"id\" or \"docid\"");
        }
        String bad = io.trawl.core.Ids.problem("docid", id);
        if (bad != null) {
          throw lines.error(bad);
        }
        String body = text(n, "text", "contents", "body");
        String title = text(n, "title");
        if (body == null && title == null) {
          throw lines.error("document '" + id + "' has no \"text\", \"contents\" or \"title\"");
        }
        String t = ((title == null || title.isEmpty() ? "" : title + " ") + (body == null ? "" : body)).strip();
        if (!seen.add(id)) {
          throw lines.error("duplicate document id '" + id + "'");
        }
        ids.add(id);
        texts.add(t);
      }
    }
    return new CorpusTexts(ids, texts);
  }

  private static String text(JsonNode n, String... keys) {
    for (String k : keys) {
      JsonNode v = n.get(k);
      if (v != null && !v.isNull()) {
        return v.asText();
      }
    }
    return null;
  }
}
