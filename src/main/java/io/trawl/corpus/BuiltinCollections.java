package io.trawl.corpus;

import io.trawl.core.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collections shipped inside Trawl, named {@code builtin:NAME} wherever a corpus path is expected.
 *
 * <ul>
 *   <li>{@code builtin:cranfield}: the 1,400 Cranfield abstracts (original Glasgow files, BEIR
 *       shape {@code _id, title=.T, text=.W}). Cranfield's {@code .W} text already begins with the
 *       title, so the flat layout indexes the text alone rather than repeating the title (which
 *       would count every title word twice); the multifield layout still has a title field.
 *   <li>{@code builtin:sparse-synthetic}: 2,000 synthetic pre-encoded documents in {@code
 *       json-vector} format (SPLADE-like term weights; made by the test class {@code
 *       io.trawl.bench.SparseCorpusGenerator} with 2,000 documents, 40 queries, seed 42; topics
 *       and qrels {@code sparse-synthetic}), for the impact path's regression and tests.
 * </ul>
 */
public final class BuiltinCollections {
  public static final String PREFIX = "builtin:";

  /** A built-in collection: its resource and the format it is read with. */
  public record Builtin(String name, String resource, String format, Corpus corpus, String description) {
    /** Opens the stored (gzipped) bytes. */
    public InputStream open() throws IOException {
      InputStream in = BuiltinCollections.class.getResourceAsStream(resource);
      if (in == null) {
        throw new IOException("resource " + resource + " is missing from the classpath");
      }
      return in;
    }
  }

  private static final Map<String, Builtin> BUILTINS = new TreeMap<>();

  static {
    add(new Builtin("cranfield", "/io/trawl/collections/cranfield/corpus.jsonl.gz", "beir",
        new BeirCorpus(true), "Cranfield, 1,400 aeronautics abstracts (BEIR shape)"));
    add(new Builtin("sparse-synthetic", "/io/trawl/collections/sparse-synthetic/corpus.jsonl.gz",
        "json-vector", new JsonVectorCorpus(),
        "2,000 synthetic pre-encoded documents (json-vector), for impact search"));
  }

  private BuiltinCollections() {}

  private static void add(Builtin b) {
    BUILTINS.put(b.name(), b);
  }

  public static boolean isBuiltin(String input) {
    return input != null && input.startsWith(PREFIX);
  }

  /** The built-in collection for {@code builtin:NAME} (or just {@code NAME}). */
  public static Builtin get(String input) {
    String name = (isBuiltin(input) ? input.substring(PREFIX.length()) : input).toLowerCase(Locale.ROOT);
    Builtin b = BUILTINS.get(name);
    if (b == null) {
      throw new InputException(input, "unknown built-in collection '" + name + "'; valid: "
          + String.join(", ", BUILTINS.keySet().stream().map(k -> PREFIX + k).toList()));
    }
    return b;
  }

  public static java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(BUILTINS.keySet());
  }
}
