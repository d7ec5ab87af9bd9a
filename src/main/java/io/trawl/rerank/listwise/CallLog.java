package io.trawl.rerank.listwise;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.TrawlException;
import io.trawl.model.llm.ChatMessage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSONL sidecar of a listwise run: one {@code {"type":"call", ...}} line per model call (query
 * id, window, prompt messages, answer, token counts, latency, cache hit, HTTP attempts, parse
 * outcome) and a final {@code {"type":"summary", ...}} line with the parse statistics. Never holds
 * an API key. Thread-safe; a null path makes every method a no-op.
 */
public final class CallLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path path;
  private Writer writer;

  public CallLog(Path path) {
    this.path = path;
  }

  public synchronized void call(String qid, SlidingWindow.Range window, List<ChatMessage> prompt,
      ChatBackend.Completion c, PermutationParser.Result parsed) {
    if (path == null) {
      return;
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "call");
    o.put("qid", qid);
    o.putArray("window").add(window.start()).add(window.end());
    ArrayNode msgs = o.putArray("prompt");
    for (ChatMessage m : prompt) {
      msgs.addObject().put("role", m.role()).put("content", m.content());
    }
    o.put("response", c.text());
    o.put("prompt_tokens", c.promptTokens());
    o.put("completion_tokens", c.completionTokens());
    o.put("latency_ms", c.latencyMs());
    o.put("cached", c.cached());
    o.put("attempts", c.attempts());
    if (parsed != null) {
      ArrayNode p = o.putArray("permutation");
      for (int i : parsed.permutation()) {
        p.add(i);
      }
      o.put("parse_ok", parsed.ok());
    }
    write(o);
  }

  public synchronized void summary(String spec, Map<String, Long> parseStats, Map<String, Long> extra) {
    if (path == null) {
      return;
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "summary");
    o.put("spec", spec);
    ObjectNode p = o.putObject("parse");
    parseStats.forEach(p::put);
    extra.forEach(o::put);
    write(o);
  }

  private void write(ObjectNode o) {
    try {
      if (writer == null) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
      }
      writer.write(JSON.writeValueAsString(o));
      writer.write('\n');
      writer.flush();
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(path), e);
    }
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        // best effort
      }
      writer = null;
    }
  }
}
