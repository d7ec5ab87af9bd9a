package io.trawl.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.core.InputException;
import java.util.Iterator;
import java.util.Map;

/**
 * Anserini's {@code JsonVectorCollection}: a corpus pre-encoded into term weights (uniCOIL,
 * SPLADE), one {@code {"id": ..., "vector": {"term": weight, ...}}} per line (a {@code contents}
 * field and others are allowed and ignored), plain or gzipped, as {@link JsonCorpus} reads JSON.
 *
 * <p>The text indexed is Anserini's pseudo-document ({@link #pseudoDocument}): each term of the
 * vector, in the order of the JSON object, written {@code (int) weight} times, each followed by a
 * space. Indexed with the whitespace analyzer and impact norms ({@link #impact()}), a term's
 * frequency in a document is its weight truncated toward zero (Jackson's {@code asInt()}: 2.9 gives
 * 2; 0, 0.7 and negative weights give nothing), a term with spaces is several terms, and a
 * document whose weights all truncate to 0 is empty (skipped, as Anserini skips it). A repeated
 * key in one vector is an error (Anserini would keep the last value).
 */
public class JsonVectorCorpus extends JsonCorpus {
  /** Repetitions of one term at most (a larger weight is an input error, not an allocation). */
  public static final int MAX_WEIGHT = 1 << 20;

  public JsonVectorCorpus() {
    super("json-vector", "id", null, "vector");
  }

  @Override
  public boolean impact() {
    return true;
  }

  /** Never the fast path of {@link JsonCorpus}: the contents are built from the vector. */
  @Override
  SourceDocument fastDocument(String line, String file, long lineNumber) {
    return null;
  }

  @Override
  SourceDocument toDocument(JsonNode node, String raw, String file, long line) {
    JsonNode id = node.get("id");
    if (id == null || id.isNull()) {
      throw new InputException(file, line, "document has no \"id\" field");
    }
    if (!id.isTextual() && !id.isIntegralNumber()) {
      throw new InputException(file, line, "\"id\" must be a string, found " + id.getNodeType().name().toLowerCase());
    }
    String docid = id.asText();
    JsonNode vector = node.get("vector");
    if (vector == null || vector.isNull()) {
      throw new InputException(file, line, "document '" + docid + "' has no \"vector\" field");
    }
    if (!vector.isObject()) {
      throw new InputException(file, line, "document '" + docid + "': \"vector\" must be an object"
          + " {\"term\": weight, ...}, found " + vector.getNodeType().name().toLowerCase()
          + " (dense vectors go to trawl dense-index)");
    }
    String text;
    try {
      text = pseudoDocument(vector);
    } catch (IllegalArgumentException e) {
      throw new InputException(file, line, "document '" + docid + "': " + e.getMessage());
    }
    return new SourceDocument(docid, "", text, raw, file, line);
  }

  /**
   * Anserini's pseudo-document of a sparse vector: for each entry in object order, the term
   * followed by one space, {@code weight.asInt()} times (Jackson: numbers truncated toward zero,
   * numeric strings parsed, {@code true} = 1, anything else 0).
   *
   * @throws IllegalArgumentException for a weight above {@link #MAX_WEIGHT}
   */
  public static String pseudoDocument(JsonNode vector) {
    StringBuilder sb = new StringBuilder();
    Iterator<Map.Entry<String, JsonNode>> it = vector.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      int cnt = e.getValue().asInt();
      if (cnt > MAX_WEIGHT) {
        throw new IllegalArgumentException("weight " + e.getValue() + " of term '" + e.getKey()
            + "' is above " + MAX_WEIGHT);
      }
      for (int i = 0; i < cnt; i++) {
        sb.append(e.getKey()).append(' ');
      }
    }
    return sb.toString();
  }
}
