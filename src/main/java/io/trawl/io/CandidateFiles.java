package io.trawl.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.Candidate;
import io.trawl.core.Ids;
import io.trawl.core.InputException;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.TextFiles;
import io.trawl.corpus.Corpus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes candidate files with text, the formats rerankers exchange:
 *
 * <ul>
 *   <li>RankLLM: one object per query, {@code {"query": {"text", "qid"}, "candidates": [{"docid",
 *       "score", "doc": {"contents"}}]}}, as JSONL (one object a line) or as a JSON list. The text is
 *       {@code doc.contents}, else {@code doc.title} and {@code doc.text} (or {@code doc.segment})
 *       joined as corpus documents are ({@link Corpus#joinTitle}).
 *   <li>The older RankGPT / RankLLM "retrieve results" JSON list,
 *       {@code [{"query": "...", "hits": [{"content", "qid", "docid", "rank", "score"}]}]}.
 * </ul>
 *
 * The format is detected from the content, not the name ({@code .gz} and {@code -} work). qids may
 * be strings or numbers. Errors name the file and, for JSONL, the line.
 */
public final class CandidateFiles {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private CandidateFiles() {}

  /**
   * Reads every query of a candidates file, in file order. A qid twice, a docid twice within a
   * query, or an id holding whitespace ({@link Ids}) is an error naming the file and line.
   */
  public static List<QueryCandidates> read(String file) {
    Entries out = new Entries(file);
    try (BufferedReader r = TextFiles.openReader(file)) {
      PushbackReader in = new PushbackReader(r, 1);
      int c;
      do {
        c = in.read();
      } while (c != -1 && Character.isWhitespace(c));
      if (c == -1) {
        return out.queries;
      }
      in.unread(c);
      if (c == '[') {
        readList(file, in, out);
      } else if (c == '{') {
        readJsonl(file, in, out);
      } else {
        throw new InputException(file, 1, "not a candidates file: expected JSON ('[' or '{'), found '" + (char) c + "'");
      }
    } catch (IOException e) {
      throw TextFiles.malformed(file, 0, e);
    }
    return out.queries;
  }

  /** The queries read so far, with the line each came from: a qid seen twice is an error. */
  private static final class Entries {
    final String file;
    final List<QueryCandidates> queries = new ArrayList<>();
    final Map<String, Long> lines = new HashMap<>();

    Entries(String file) {
      this.file = file;
    }

    void add(long line, QueryCandidates q) {
      Long first = lines.putIfAbsent(q.query().id(), line);
      if (first != null) {
        throw new InputException(file, line, "query '" + q.query().id() + "' appears twice (first at line "
            + first + ")");
      }
      queries.add(q);
    }
  }

  /** Checks a query's and its candidates' ids: no whitespace, no docid twice. */
  private static QueryCandidates checked(String file, long line, Query query, List<Candidate> list) {
    String bad = Ids.problem("query id", query.id());
    if (bad != null) {
      throw new InputException(file, line, bad);
    }
    Set<String> docids = new HashSet<>();
    for (Candidate c : list) {
      bad = Ids.problem("docid", c.docId());
      if (bad != null) {
        throw new InputException(file, line, "query '" + query.id() + "': " + bad);
      }
      if (!docids.add(c.docId())) {
        throw new InputException(file, line, "query '" + query.id() + "': docid '" + c.docId()
            + "' appears twice among its candidates");
      }
    }
    return new QueryCandidates(query, new RankedList(query.id(), list));
  }

  private static void readList(String file, Reader in, Entries out) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      p.nextToken();
      int index = 0;
      while (true) {
        JsonToken t;
        try {
          t = p.nextToken();
        } catch (JsonProcessingException e) {
          throw new InputException(file, p.currentLocation().getLineNr(), "invalid JSON: " + e.getOriginalMessage());
        }
        if (t == JsonToken.END_ARRAY || t == null) {
          break;
        }
        long line = p.currentLocation().getLineNr();
        JsonNode n;
        try {
          n = p.readValueAsTree();
        } catch (JsonProcessingException e) {
          throw new InputException(file, e.getLocation() == null ? line : e.getLocation().getLineNr(),
              "invalid JSON: " + e.getOriginalMessage());
        }
        out.add(line, parseEntry(file, line, n, index++));
      }
    }
  }

  private static void readJsonl(String file, Reader in, Entries out) throws IOException {
    BufferedReader r = new BufferedReader(TextFiles.limitLines(in, TextFiles.MAX_LINE_CHARS));
    String line;
    long no = 0;
    int index = 0;
    while ((line = r.readLine()) != null) {
      no++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new InputException(file, no, "invalid JSON: " + e.getOriginalMessage());
      }
      out.add(no, parseEntry(file, no, n, index++));
    }
  }

  private static QueryCandidates parseEntry(String file, long line, JsonNode n, int index) {
    if (!n.isObject()) {
      throw new InputException(file, line, "entry " + (index + 1) + " is not a JSON object");
    }
    if (n.has("candidates")) {
      return parseRankLlm(file, line, n);
    }
    if (n.has("hits")) {
      return parseRetrieveResults(file, line, n);
    }
    throw new InputException(file, line, "entry " + (index + 1)
        + " has neither \"candidates\" (RankLLM) nor \"hits\" (retrieve results)");
  }

  private static String id(JsonNode n) {
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }

  private static QueryCandidates parseRankLlm(String file, long line, JsonNode n) {
    JsonNode q = n.path("query");
    String qid = id(q.get("qid"));
    String text = q.path("text").isTextual() ? q.path("text").asText() : null;
    if (qid == null || text == null) {
      throw new InputException(file, line, "\"query\" needs \"qid\" and \"text\"");
    }
    JsonNode cs = n.get("candidates");
    if (!cs.isArray()) {
      throw new InputException(file, line, "query '" + qid + "': \"candidates\" is not a list");
    }
    List<Candidate> list = new ArrayList<>();
    for (JsonNode c : cs) {
      String docid = id(c.get("docid"));
      if (docid == null) {
        throw new InputException(file, line, "query '" + qid + "': a candidate has no \"docid\"");
      }
      JsonNode score = c.get("score");
      double s = score != null && score.isNumber() ? score.asDouble() : -list.size();
      if (!Double.isFinite(s)) {
        throw new InputException(file, line, "query '" + qid + "': candidate '" + docid + "' has score " + score + ", not a finite number");
      }
      list.add(new Candidate(docid, s, docText(c.path("doc"))));
    }
    return checked(file, line, new Query(qid, text), list);
  }

  /**
   * The text of a RankLLM {@code doc} object: {@code contents}, else title and {@code text} (or
   * {@code segment}) joined by the corpus rule ({@link Corpus#joinTitle}).
   */
  static String docText(JsonNode doc) {
    if (doc.isTextual()) {
      return doc.asText();
    }
    if (doc.path("contents").isTextual()) {
      return doc.path("contents").asText();
    }
    String title = doc.path("title").isTextual() ? doc.path("title").asText() : "";
    String text = doc.path("text").isTextual() ? doc.path("text").asText()
        : doc.path("segment").isTextual() ? doc.path("segment").asText() : null;
    if (text == null) {
      return title.trim().isEmpty() ? null : title.trim();
    }
    return Corpus.joinTitle(title, text);
  }

  private static QueryCandidates parseRetrieveResults(String file, long line, JsonNode n) {
    String text = n.path("query").isTextual() ? n.path("query").asText() : null;
    if (text == null) {
      throw new InputException(file, line, "\"query\" must be the query text");
    }
    JsonNode hits = n.get("hits");
    if (!hits.isArray()) {
      throw new InputException(file, line, "\"hits\" is not a list");
    }
    String qid = null;
    List<Candidate> list = new ArrayList<>();
    for (JsonNode h : hits) {
      String hq = id(h.get("qid"));
      String docid = id(h.get("docid"));
      if (hq == null || docid == null) {
        throw new InputException(file, line, "query '" + text + "': a hit lacks \"qid\" or \"docid\"");
      }
      if (qid == null) {
        qid = hq;
      } else if (!qid.equals(hq)) {
        throw new InputException(file, line, "hits of one query have different qids: " + qid + " and " + hq);
      }
      JsonNode score = h.get("score");
      double s = score != null && score.isNumber() ? score.asDouble() : -list.size();
      list.add(new Candidate(docid, s, h.path("content").isTextual() ? h.path("content").asText() : null));
    }
    if (qid == null) {
      throw new InputException(file, line, "query '" + text + "' has no hits, so its qid is unknown");
    }
    return checked(file, line, new Query(qid, text), list);
  }

  /** One RankLLM JSONL line (no newline) for a query and its ranked candidates. */
  public static String toJsonl(Query query, RankedList list) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode q = root.putObject("query");
    q.put("text", query.text());
    q.put("qid", query.id());
    ArrayNode cs = root.putArray("candidates");
    for (Candidate c : list.candidates()) {
      ObjectNode o = cs.addObject();
      o.put("docid", c.docId());
      o.put("score", c.score());
      ObjectNode d = o.putObject("doc");
      if (c.text() != null) {
        d.put("contents", c.text());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes queries as RankLLM JSONL. */
  public static void writeJsonl(Writer w, List<QueryCandidates> queries) throws IOException {
    for (QueryCandidates q : queries) {
      w.write(toJsonl(q.query(), q.candidates()));
      w.write('\n');
    }
  }
}
