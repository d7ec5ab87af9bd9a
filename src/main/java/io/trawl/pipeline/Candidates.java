package io.trawl.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.TextFiles;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads candidate lists with texts (reference.md section 4): RankLLM's
 * {@code {"query": {"text", "qid"}, "candidates": [{"docid", "score", "doc": {"contents"}}]}}
 * (one per line, or a JSON array of them), and the older RankGPT "retrieve results" JSON, a list
 * of {@code {"query": "...", "hits": [{"content", "qid", "docid", "rank", "score"}]}}. Lists keep
 * the file's order.
 */
final class Candidates {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Candidates() {}

  static Run read(String file) {
    Map<String, RankedList> lists = new LinkedHashMap<>();
    try (Reader r = TextFiles.openReader(file); JsonParser p = JSON.getFactory().createParser(r)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          add(file, JSON.readTree(p), lists, p.currentLocation().getLineNr());
        }
      } else {
        while (t == JsonToken.START_OBJECT) {
          add(file, JSON.readTree(p), lists, p.currentLocation().getLineNr());
          t = p.nextToken();
        }
      }
    } catch (IOException e) {
      throw new InputException(file, "not a candidates file (RankLLM JSON/JSONL): " + e.getMessage());
    }
    if (lists.isEmpty()) {
      throw new InputException(file, "no candidate lists in file");
    }
    return new Run("candidates", lists);
  }

  private static void add(String file, JsonNode n, Map<String, RankedList> lists, long line) {
    List<Candidate> cs = new ArrayList<>();
    String qid;
    if (n.has("hits")) {
      JsonNode hits = n.get("hits");
      qid = hits.size() > 0 ? hits.get(0).path("qid").asText(null) : null;
      for (JsonNode h : hits) {
        cs.add(new Candidate(req(file, line, h, "docid"), h.path("score").asDouble(),
            h.path("content").asText(null)));
      }
    } else if (n.has("candidates")) {
      qid = n.path("query").path("qid").asText(null);
      for (JsonNode c : n.get("candidates")) {
        cs.add(new Candidate(req(file, line, c, "docid"), c.path("score").asDouble(), text(c.path("doc"))));
      }
    } else {
      throw new InputException(file, line, "expected an object with 'hits' or 'candidates'");
    }
    if (qid == null) {
      if (cs.isEmpty()) {
        return;
      }
      throw new InputException(file, line, "candidate list without a query id");
    }
    if (lists.put(qid, new RankedList(qid, cs)) != null) {
      throw new InputException(file, line, "query '" + qid + "' has two candidate lists");
    }
  }

  private static String req(String file, long line, JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new InputException(file, line, "candidate without '" + key + "'");
    }
    return v.asText();
  }

  private static String text(JsonNode doc) {
    if (doc.isTextual()) {
      return doc.asText();
    }
    for (String k : new String[] {"contents", "segment", "text"}) {
      if (doc.hasNonNull(k)) {
        String title = doc.path("title").asText("");
        return title.isEmpty() || k.equals("contents") ? doc.get(k).asText() : title + " " + doc.get(k).asText();
      }
    }
    return null;
  }
}
