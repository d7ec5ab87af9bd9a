package io.trawl.rerank.listwise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Responses keyed by the SHA-256 of the exact request body (model, messages, decoding settings), in
 * an append-only JSONL file: {@code {"key": ..., "text": ..., "prompt_tokens": ...,
 * "completion_tokens": ...}}. A re-run with the same cache reproduces a run exactly and offline.
 * A torn last line (crash while appending) is ignored. Thread-safe.
 */
public final class ResponseCache implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A cached answer. */
  public record Entry(String text, int promptTokens, int completionTokens) {}

  private final Path file;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private Writer writer;

  public ResponseCache(Path file) {
    this.file = file;
    if (Files.isRegularFile(file)) {
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (IOException e) {
            if (r.readLine() == null) {
              break; // torn last line
            }
            throw new InputException(file.toString(), n, "invalid JSON in response cache");
          }
          entries.put(node.path("key").asText(), new Entry(node.path("text").asText(),
              node.path("prompt_tokens").asInt(-1), node.path("completion_tokens").asInt(-1)));
        }
      } catch (IOException e) {
        throw new InputException(file.toString(), "cannot read response cache: " + e.getMessage());
      }
    }
  }

  public static String key(String requestBody) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(requestBody.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Entry get(String key) {
    return entries.get(key);
  }

  public int size() {
    return entries.size();
  }

  public synchronized void put(String key, Entry e) {
    if (entries.putIfAbsent(key, e) != null) {
      return;
    }
    try {
      if (writer == null) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
          Files.createDirectories(dir);
        }
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      ObjectNode o = JSON.createObjectNode();
      o.put("key", key);
      o.put("text", e.text());
      o.put("prompt_tokens", e.promptTokens());
      o.put("completion_tokens", e.completionTokens());
      writer.write(JSON.writeValueAsString(o));
      writer.write('\n');
      writer.flush();
    } catch (IOException ex) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(file), ex);
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
