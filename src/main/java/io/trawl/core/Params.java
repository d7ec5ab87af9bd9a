package io.trawl.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Parameters of a spec ({@code bm25(k1=0.9,b=0.4)}): string values with typed getters. Every getter
 * marks its key as used; {@link #requireEmpty(String, String...)} then fails on any key nobody asked
 * for, naming the known keys, so a typo ({@code modle=}) is an error, not a silently ignored value.
 */
public final class Params {
  private final Map<String, String> values;
  private final Set<String> used = new LinkedHashSet<>();

  public Params(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static Params empty() {
    return new Params(Map.of());
  }

  public Map<String, String> asMap() {
    return values;
  }

  public boolean has(String key) {
    used.add(key);
    return values.containsKey(key);
  }

  public String getString(String key, String def) {
    used.add(key);
    return values.getOrDefault(key, def);
  }

  public String requireString(String key, String owner) {
    used.add(key);
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw TrawlException.invalid("missing parameter '" + key + "' for " + owner);
    }
    return v;
  }

  public double getDouble(String key, double def) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return def;
    }
    try {
      double d = Double.parseDouble(v);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw TrawlException.invalid("parameter '" + key + "' must be a finite number, got '" + v + "'");
    }
  }

  public int getInt(String key, int def) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw TrawlException.invalid("parameter '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public long getLong(String key, long def) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw TrawlException.invalid("parameter '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public boolean getBoolean(String key, boolean def) {
    used.add(key);
    String v = values.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw TrawlException.invalid(
          "parameter '" + key + "' must be true or false, got '" + v + "'");
    };
  }

  /** Fails if any key was never read, listing the known keys. */
  public void requireEmpty(String owner, String... known) {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw TrawlException.invalid("unknown parameter '" + key + "' for " + owner + "; known: "
            + (known.length > 0 ? String.join(", ", known) : String.join(", ", used)));
      }
    }
  }
}
