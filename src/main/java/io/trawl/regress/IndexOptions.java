package io.trawl.regress;

import io.trawl.core.TrawlException;
import io.trawl.index.Indexer;
import io.trawl.index.IndexMetadata;
import io.trawl.index.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code index.options} of a spec, named like {@code trawl index} flags, checked and turned
 * into {@link Indexer.Options}, command-line flags, and a comparison with an existing index's
 * metadata (to decide whether it can be reused).
 */
record IndexOptions(Layout layout, String stemmer, boolean keepStopwords, boolean storePositions,
    boolean storeDocvectors, boolean storeRaw) {

  static final Set<String> KEYS = Set.of("layout", "stemmer", "keep-stopwords", "store-positions",
      "store-docvectors", "store-raw");

  static IndexOptions parse(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!KEYS.contains(k)) {
        throw TrawlException.invalid("unknown index option '" + k + "'; known: "
            + String.join(", ", new java.util.TreeSet<>(KEYS)));
      }
    }
    String stemmer = options.getOrDefault("stemmer", "porter").toLowerCase(Locale.ROOT);
    if (!stemmer.equals("porter") && !stemmer.equals("none")) {
      throw TrawlException.invalid("index option stemmer must be porter or none, got '" + stemmer + "'");
    }
    return new IndexOptions(Layout.parse(options.getOrDefault("layout", "flat")), stemmer,
        bool(options, "keep-stopwords", false), bool(options, "store-positions", false),
        bool(options, "store-docvectors", false), bool(options, "store-raw", true));
  }

  private static boolean bool(Map<String, String> o, String key, boolean def) {
    String v = o.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw TrawlException.invalid("index option " + key + " must be true or false, got '" + v + "'");
    };
  }

  Indexer.Options apply(Indexer.Options o) {
    return o.layout(layout).stemmer(stemmer).keepStopwords(keepStopwords)
        .storePositions(storePositions).storeDocvectors(storeDocvectors).storeRaw(storeRaw);
  }

  /** {@code trawl index} flags for these options (defaults left out). */
  List<String> flags() {
    List<String> out = new ArrayList<>();
    if (layout != Layout.FLAT) {
      out.add("--layout");
      out.add(layout.toString());
    }
    if (!stemmer.equals("porter")) {
      out.add("--stemmer");
      out.add(stemmer);
    }
    if (keepStopwords) {
      out.add("--keep-stopwords");
    }
    if (storePositions) {
      out.add("--store-positions");
    }
    if (storeDocvectors) {
      out.add("--store-docvectors");
    }
    if (!storeRaw) {
      out.add("--no-store-raw");
    }
    return out;
  }

  /** Why an index built with {@code m} does not serve these options; null when it does. */
  String mismatch(IndexMetadata m) {
    if (!layout.toString().equals(m.layout())) {
      return "layout " + m.layout() + ", spec wants " + layout;
    }
    if (!stemmer.equals(m.stemmer())) {
      return "stemmer " + m.stemmer() + ", spec wants " + stemmer;
    }
    if (keepStopwords != m.keepStopwords()) {
      return "keep-stopwords " + m.keepStopwords() + ", spec wants " + keepStopwords;
    }
    if (storePositions && !m.storePositions()) {
      return "no positions stored, spec wants them";
    }
    if (storeDocvectors && !m.storeDocvectors()) {
      return "no term vectors stored, spec wants them";
    }
    if (storeRaw && !m.storeRaw()) {
      return "no raw documents stored, spec wants them";
    }
    return null;
  }
}
