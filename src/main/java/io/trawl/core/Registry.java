package io.trawl.core;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Maps lowercase names to factories. An unknown name is an error that lists every valid name and,
 * when one is close, suggests it. Adding a format or a model is one registration line.
 *
 * @param <T> what the factories make
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, Function<Params, T>> factories = new TreeMap<>();

  public Registry(String kind) {
    this.kind = kind;
  }

  public Registry<T> register(String name, Function<Params, T> factory) {
    String key = name.toLowerCase(Locale.ROOT);
    if (factories.putIfAbsent(key, factory) != null) {
      throw new IllegalStateException(kind + " '" + key + "' registered twice");
    }
    return this;
  }

  public boolean contains(String name) {
    return factories.containsKey(name.toLowerCase(Locale.ROOT));
  }

  public java.util.Set<String> names() {
    return Collections.unmodifiableSet(factories.keySet());
  }

  /** Makes the named thing; unknown names fail with the list of valid names. */
  public T create(String name, Params params) {
    Function<Params, T> f = factories.get(name.toLowerCase(Locale.ROOT));
    if (f == null) {
      throw TrawlException.invalid(unknownMessage(name));
    }
    return f.apply(params);
  }

  public T create(Spec spec) {
    return create(spec.name(), spec.paramsView());
  }

  public String unknownMessage(String name) {
    String suggestion = closest(name);
    return "unknown " + kind + " '" + name + "'"
        + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : "")
        + "; valid: " + String.join(", ", factories.keySet());
  }

  private String closest(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : factories.keySet()) {
      int d = editDistance(name.toLowerCase(Locale.ROOT), candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  /** Levenshtein distance; used for "did you mean" suggestions. */
  public static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
