package io.trawl.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code trawl fetch NAME} knows by name: prebuilt Lucene indexes and collections, each with
 * its URL, size and published checksum, from the resource {@code catalogue.json} of this package
 * (every entry names its source), or from the file given by {@code -Dtrawl.fetch.catalogue}.
 */
public final class Catalogue {
  public static final String PROPERTY = "trawl.fetch.catalogue";
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** What an entry unpacks into. */
  public enum Kind { INDEX, COLLECTION }

  /**
   * One downloadable resource.
   *
   * @param name the name users give
   * @param kind index or collection
   * @param description one line
   * @param url where the archive is
   * @param size bytes of the archive
   * @param checksum the published checksum of the archive
   * @param provides files the unpacked folder holds (relative), which regression specs may need
   * @param source where URL and checksum come from
   */
  public record Entry(String name, Kind kind, String description, String url, long size,
      Download.Checksum checksum, List<String> provides, String source) {

    /** The archive's file name (the URL's last path segment). */
    public String fileName() {
      String path = java.net.URI.create(url).getPath();
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  private final String file;
  private final Map<String, Entry> entries;
  private final Map<String, String> models;

  private Catalogue(String file, Map<String, Entry> entries, Map<String, String> models) {
    this.file = file;
    this.entries = entries;
    this.models = models;
  }

  /** The built-in catalogue, or the file named by {@code -Dtrawl.fetch.catalogue}. */
  public static Catalogue load() {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      Path f = Path.of(p);
      try (InputStream in = Files.newInputStream(f)) {
        return parse(f.toString(), in);
      } catch (IOException e) {
        throw new InputException(f.toString(), "cannot read catalogue: " + e.getMessage());
      }
    }
    try (InputStream in = Catalogue.class.getResourceAsStream("catalogue.json")) {
      return parse("catalogue.json", in);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read the built-in catalogue: " + e.getMessage(), e);
    }
  }

  static Catalogue parse(String file, InputStream in) throws IOException {
    JsonNode root = new ObjectMapper().readTree(in);
    Map<String, Entry> out = new LinkedHashMap<>();
    for (JsonNode n : root.path("entries")) {
      String name = text(file, n, "name");
      if (!isPlainName(name) || out.containsKey(name)) {
        throw new InputException(file, "catalogue name '" + name + "' is not a plain name or is listed twice");
      }
      Kind kind;
      try {
        kind = Kind.valueOf(text(file, n, "kind").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InputException(file, name + ": kind must be index or collection");
      }
      Download.Checksum sum = n.hasNonNull("md5") ? new Download.Checksum("md5", n.get("md5").asText())
          : n.hasNonNull("sha256") ? new Download.Checksum("sha256", n.get("sha256").asText()) : null;
      if (sum == null) {
        throw new InputException(file, name + ": no md5 or sha256");
      }
      List<String> provides = new ArrayList<>();
      n.path("provides").forEach(x -> provides.add(x.asText()));
      String url = text(file, n, "url");
      if (!url.endsWith(".tar.gz") && !url.endsWith(".tgz") && !url.endsWith(".zip")) {
        throw new InputException(file, name + ": url must end in .tar.gz, .tgz or .zip");
      }
      out.put(name, new Entry(name, kind, n.path("description").asText(""), url,
          n.path("size").asLong(-1), sum, List.copyOf(provides), n.path("source").asText("")));
    }
    Map<String, String> models = new LinkedHashMap<>();
    root.path("models").fields().forEachRemaining(m -> models.put(m.getKey(), m.getValue().asText()));
    return new Catalogue(file, Collections.unmodifiableMap(out), Collections.unmodifiableMap(models));
  }

  private static String text(String file, JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InputException(file, "catalogue entry without '" + key + "': " + n);
    }
    return v.asText();
  }

  public Entry get(String name) {
    return entries.get(name);
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** The Hugging Face id of a model folder name of the regression specs, or null. */
  public String modelId(String folder) {
    return models.get(folder);
  }

  /** The entry whose unpacked folder holds {@code relative} (a collections-root path), or null. */
  public Entry providing(String relative) {
    for (Entry e : entries.values()) {
      for (String p : e.provides()) {
        if ((e.name() + "/" + p).equals(relative)) {
          return e;
        }
      }
    }
    return null;
  }

  /** Whether {@code s} is one plain name (no path separators), as index and collection names are. */
  public static boolean isPlainName(String s) {
    return s != null && PLAIN.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  @Override
  public String toString() {
    return file;
  }
}
