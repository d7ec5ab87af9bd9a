package io.trawl.corpus;

import io.trawl.core.Params;
import io.trawl.core.Registry;
import io.trawl.core.TrawlException;

/**
 * The corpus formats by name. Adding a format is one class and one line here.
 *
 * <ul>
 *   <li>{@code json}: Anserini JSON, {@code {"id","contents"}} per line, a JSON array, or objects
 *       one after another ({@link JsonCorpus})
 *   <li>{@code json-vector}: Anserini's JsonVectorCollection, {@code {"id","vector":{"term":
 *       weight}}} per line, pre-encoded term weights indexed as impacts ({@link JsonVectorCorpus})
 *   <li>{@code beir}: BEIR {@code corpus.jsonl}, {@code {"_id","title","text"}} ({@link BeirCorpus})
 *   <li>{@code tsv}: MS MARCO {@code docid<TAB>text} ({@link TsvCorpus})
 *   <li>{@code trec}: TREC SGML ({@link TrecCorpus})
 *   <li>{@code trecweb}: TREC Web ({@link TrecwebCorpus})
 * </ul>
 */
public final class Corpora {
  public static final Registry<Corpus> REGISTRY = new Registry<Corpus>("corpus format")
      .register("json", p -> noParams(p, "json", new JsonCorpus()))
      .register("json-vector", p -> noParams(p, "json-vector", new JsonVectorCorpus()))
      .register("beir", p -> noParams(p, "beir", new BeirCorpus()))
      .register("tsv", p -> noParams(p, "tsv", new TsvCorpus()))
      .register("trec", p -> noParams(p, "trec", new TrecCorpus()))
      .register("trecweb", p -> noParams(p, "trecweb", new TrecwebCorpus()));

  private Corpora() {}

  /** The named format; unknown names list the valid ones. */
  public static Corpus get(String format) {
    return REGISTRY.create(format, Params.empty());
  }

  /**
   * The format for an input: {@code format} when given; for a built-in collection its own format
   * (a different explicit format is an error).
   */
  public static Corpus forInput(String format, String input) {
    if (BuiltinCollections.isBuiltin(input)) {
      BuiltinCollections.Builtin b = BuiltinCollections.get(input);
      if (format != null && !format.equalsIgnoreCase(b.format())) {
        throw TrawlException.invalid(input + " is a " + b.format() + " collection, not " + format);
      }
      return b.corpus();
    }
    if (format == null) {
      throw TrawlException.invalid("no corpus format given; valid: " + String.join(", ", REGISTRY.names()));
    }
    return get(format);
  }

  /**
   * {@link #forInput} where a JSON corpus may come without its format (dense-index, encode): a
   * file whose first document is a JSON object with {@code "_id"} is {@code beir}, another JSON
   * object {@code json}; anything else needs the format given.
   */
  public static Corpus forInputOrJson(String format, String input) {
    if (format != null || BuiltinCollections.isBuiltin(input)) {
      return forInput(format, input);
    }
    String first = null;
    for (String file : Sources.files(input)) {
      try (LineSource lines = new LineSource(file, Sources.open(file, new java.util.concurrent.atomic.AtomicLong()))) {
        String line;
        while ((line = lines.next()) != null && line.isBlank()) {
          // skip blank lines
        }
        first = line;
      }
      break;
    }
    if (first != null && first.strip().startsWith("{")) {
      try {
        com.fasterxml.jackson.databind.JsonNode n = JsonCorpus.MAPPER.readTree(first);
        return get(n.has("_id") ? "beir" : "json");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // not one JSON object a line: the format must be given
      }
    }
    throw TrawlException.invalid(input + ": not a JSON Lines corpus, so give its format; valid: "
        + String.join(", ", REGISTRY.names()));
  }

  private static Corpus noParams(Params p, String name, Corpus c) {
    p.requireEmpty(name);
    return c;
  }
}
