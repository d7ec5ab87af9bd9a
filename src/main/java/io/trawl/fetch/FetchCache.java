package io.trawl.fetch;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder {@code trawl fetch} downloads into: {@code --cache}, else the system property
 * {@code trawl.cache}, else {@code $TRAWL_CACHE}, else {@code ~/.cache/trawl}. Layout:
 *
 * <pre>
 * models/ORG/NAME/COMMIT/      a Hugging Face model at one commit (config, tokenizer, model.safetensors)
 * models/ORG/NAME/refs/REV     the commit a revision (main, a tag) resolved to
 * indexes/NAME/                a prebuilt Lucene index, searchable as --index NAME
 * collections/NAME/            an unpacked collection (MS MARCO passage, a BEIR set)
 * downloads/                   files being downloaded (FILE.part, kept across a crash to resume)
 * </pre>
 *
 * Every final folder appears by one rename, only once its files are verified.
 */
public record FetchCache(Path root) {
  public static final String VAR = "TRAWL_CACHE";
  public static final String PROPERTY = "trawl.cache";

  /** The cache named by {@code option} (null: the property, the variable, the default). */
  public static FetchCache of(Path option) {
    if (option != null) {
      return new FetchCache(option);
    }
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return new FetchCache(Path.of(p));
    }
    String v = System.getenv(VAR);
    if (v != null && !v.isBlank()) {
      return new FetchCache(Path.of(v));
    }
    return new FetchCache(Path.of(System.getProperty("user.home"), ".cache", "trawl"));
  }

  public Path models() {
    return root.resolve("models");
  }

  public Path indexes() {
    return root.resolve("indexes");
  }

  public Path collections() {
    return root.resolve("collections");
  }

  public Path downloads() {
    return root.resolve("downloads");
  }

  /** Where catalogue entry {@code e} is unpacked. */
  public Path folder(Catalogue.Entry e) {
    return (e.kind() == Catalogue.Kind.INDEX ? indexes() : collections()).resolve(e.name());
  }

  /** The folder of a Hugging Face model at a commit. */
  public Path model(String id, String commit) {
    return models().resolve(id).resolve(commit);
  }

  /** The commit file of a revision of a model. */
  public Path ref(String id, String revision) {
    return models().resolve(id).resolve("refs").resolve(revision);
  }

  /**
   * The cached folder of prebuilt index {@code name} (a plain name such as
   * {@code msmarco-v1-passage}), or null when {@code name} is not a plain name or is not cached.
   */
  public Path cachedIndex(String name) {
    if (!Catalogue.isPlainName(name)) {
      return null;
    }
    Path p = indexes().resolve(name);
    return Files.isDirectory(p) ? p : null;
  }
}
