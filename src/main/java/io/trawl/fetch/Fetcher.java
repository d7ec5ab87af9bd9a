package io.trawl.fetch;

import io.trawl.core.Registry;
import io.trawl.core.TrawlException;
import io.trawl.io.TopicsAndQrels;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trawl fetch NAME}: a Hugging Face model ({@code ORG/NAME[@REV]}, {@link HfHub}), a prebuilt
 * index or a collection of the {@link Catalogue}, or a topics/qrels name (which ships with Trawl:
 * nothing to download). Nothing else in Trawl downloads anything.
 */
public final class Fetcher {
  /** Replaces the scheme, host and port of catalogue URLs (tests, mirrors). */
  public static final String ENDPOINT_PROPERTY = "trawl.fetch.endpoint";
  public static final String ENDPOINT_VAR = "TRAWL_FETCH_ENDPOINT";

  /**
   * @param cache where things go
   * @param endpoint base URL replacing the Hub's or the catalogue's host (null: the defaults)
   * @param revision a model revision (null: {@code main}, or the {@code @REV} of the name)
   * @param settings timeout and progress
   */
  public record Options(FetchCache cache, String endpoint, String revision, Download.Settings settings) {}

  /**
   * What one name gave.
   *
   * @param name the name
   * @param kind {@code model}, {@code index}, {@code collection} or {@code topics}
   * @param folder the local folder to use ({@code --model}, {@code --index}, a collections root), or
   *     null for topics that ship with Trawl
   * @param note one line for the user
   */
  public record Result(String name, String kind, Path folder, String note) {}

  private Fetcher() {}

  public static Result fetch(String name, Options o) {
    if (HfHub.isModelId(name)) {
      Path p = HfHub.fetch(name, o.revision(), o.endpoint(), o.cache(), o.settings());
      return new Result(name, "model", p, "model folder (give it to --model or model=...)");
    }
    if (o.revision() != null) {
      throw TrawlException.invalid("--revision applies to Hugging Face models (ORG/NAME), not to '" + name + "'");
    }
    Catalogue cat = Catalogue.load();
    Catalogue.Entry e = cat.get(name);
    if (e == null) {
      if (TopicsAndQrels.isName(name)) {
        return new Result(name, "topics", null, "topics and qrels '" + name
            + "' ship with Trawl (topics-and-qrels/): nothing to fetch; use --topics " + name);
      }
      List<String> names = new ArrayList<>();
      cat.entries().forEach(x -> names.add(x.name()));
      String close = Registry.closest(name, names);
      throw TrawlException.invalid("unknown name '" + name + "'" + (close != null ? " (did you mean '" + close + "'?)" : "")
          + "; give a Hugging Face model id (ORG/NAME[@REVISION]) or one of: " + String.join(", ", names)
          + " (trawl fetch --list)");
    }
    Path folder = o.cache().folder(e);
    if (Files.isDirectory(folder)) {
      o.settings().listener().say("fetch: " + name + " is already in the cache");
    } else {
      String url = rebase(e.url(), o.endpoint());
      Path archive = o.cache().downloads().resolve(e.fileName());
      Download.fetch(url, archive, e.size(), e.checksum(), o.settings());
      Archives.unpack(archive, folder, o.settings().listener());
      Download.deleteQuietly(archive);
    }
    return e.kind() == Catalogue.Kind.INDEX
        ? new Result(name, "index", folder, "index folder (trawl search --index " + name + " finds it too)")
        : new Result(name, "collection", folder, "collection folder (its parent is a collections root: --collections "
            + folder.getParent() + ")");
  }

  /** {@code url} with its scheme, host and port replaced by {@code endpoint} (the option, property or variable). */
  static String rebase(String url, String endpoint) {
    String base = endpoint;
    if (base == null || base.isBlank()) {
      base = System.getProperty(ENDPOINT_PROPERTY);
    }
    if (base == null || base.isBlank()) {
      base = System.getenv(ENDPOINT_VAR);
    }
    if (base == null || base.isBlank()) {
      return url;
    }
    URI u = URI.create(url);
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return b + u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
  }

  /**
   * The folder of index {@code name} when it is not a folder itself: the cached prebuilt index of
   * that name, or null.
   */
  public static Path cachedIndex(String name) {
    return FetchCache.of(null).cachedIndex(name);
  }

  /** Whether {@code name} is a prebuilt index of the catalogue. */
  public static boolean isPrebuiltIndex(String name) {
    if (!Catalogue.isPlainName(name)) {
      return false;
    }
    Catalogue.Entry e = Catalogue.load().get(name);
    return e != null && e.kind() == Catalogue.Kind.INDEX;
  }

  /**
   * The data file {@code relative} (a collections-root path such as {@code msmarco-passage/collection.tsv})
   * in the cache's collections, or null when it is not there.
   */
  public static Path cachedData(String relative) {
    Path p = FetchCache.of(null).collections().resolve(relative).normalize();
    return p.startsWith(FetchCache.of(null).collections()) && Files.exists(p) ? p : null;
  }

  /**
   * The Hugging Face id of a model folder name that regression specs use ({@code
   * monot5-base-msmarco-10k} -> {@code castorini/monot5-base-msmarco-10k}), or null.
   */
  public static String modelId(String folder) {
    return Catalogue.load().modelId(folder);
  }

  /** The catalogue name whose download provides {@code relative} (a collections-root path), or null. */
  public static String provider(String relative) {
    Catalogue.Entry e = Catalogue.load().providing(relative);
    return e == null ? null : e.name();
  }
}
