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
    return closest(name, factories.keySet());
  }

  /**
   * The candidate nearest to {@code name} (case ignored) by {@link #editDistance}, or null when
   * none is within {@code max(2, length/3)} edits: the one rule behind every "did you mean".
   */
  public static String closest(String name, java.util.Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String n = name.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int d = editDistance(n, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  /**
   * Edit distance counting an insertion, a deletion, a substitution or a swap of two adjacent
   * characters as one edit (optimal string alignment), so {@code serach} is one edit from
   * {@code search}.
   */
  public static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i][j - 1] + 1, d[i - 1][j] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
