package io.trawl.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stage or measure spec: {@code name(key=value,...)@k}. Parameters and {@code @k} are optional.
 * Values may be double-quoted ({@code model="/a b/c"}) to hold {@code , ) ( @ >} or spaces; inside
 * quotes {@code \"} and {@code \\} escape. {@link #toString()} parses back to an equal spec: keys
 * in the order given, values quoted only where needed.
 *
 * <p>A component (retriever, reranker, fusion) states what it is with its <em>canonical</em> spec,
 * made with {@link #builder(String)}: its declared parameters in declared order, each with its
 * effective value (defaults included), numbers in {@link #number(double) one form}. Two components
 * with equal canonical specs compute the same thing, and parsing a canonical spec makes an equal
 * component.
 */
public record Spec(String name, Map<String, String> params, Integer cutoff) {
  public Spec {
    Objects.requireNonNull(name, "name");
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** This spec with another {@code @k} (null: none). */
  public Spec withCutoff(Integer k) {
    return new Spec(name, params, k);
  }

  /** Starts a canonical spec; parameters keep the order in which they are added. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A number in canonical form: the shortest decimal that parses back to the same double, without
   * an exponent or trailing zeros ({@code 0.9}, {@code 1000}, {@code 0.0001}).
   */
  public static String number(double v) {
    return plain(Double.toString(v));
  }

  /** A float parameter in canonical form: the shortest decimal that parses back to the same float. */
  public static String number(float v) {
    return plain(Float.toString(v));
  }

  private static String plain(String shortest) {
    if (shortest.equals("NaN") || shortest.contains("Infinity")) {
      throw new IllegalArgumentException("not a finite number: " + shortest);
    }
    java.math.BigDecimal d = new java.math.BigDecimal(shortest).stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  /** Collects a component's effective parameters in its declared order. */
  public static final class Builder {
    private final String name;
    private final Map<String, String> params = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Adds a text parameter; a null value (an optional parameter not given) is left out. */
    public Builder put(String key, String value) {
      if (value != null && params.put(key, value) != null) {
        throw new IllegalStateException("parameter '" + key + "' added twice to " + name);
      }
      return this;
    }

    public Builder put(String key, int value) {
      return put(key, Integer.toString(value));
    }

    public Builder put(String key, long value) {
      return put(key, Long.toString(value));
    }

    public Builder put(String key, double value) {
      return put(key, number(value));
    }

    public Builder put(String key, float value) {
      return put(key, number(value));
    }

    public Builder put(String key, boolean value) {
      return put(key, Boolean.toString(value));
    }

    public Spec build() {
      return new Spec(name, params, null);
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }

  public Params paramsView() {
    return new Params(params);
  }

  /** Parses a spec; errors name the position (1-based column) and what is wrong. */
  public static Spec parse(String text) {
    return new Parser(text).parseWhole();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name);
    if (!params.isEmpty()) {
      sb.append('(');
      boolean first = true;
      for (Map.Entry<String, String> e : params.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(e.getKey()).append('=').append(quoteIfNeeded(e.getValue()));
      }
      sb.append(')');
    }
    if (cutoff != null) {
      sb.append('@').append(cutoff);
    }
    return sb.toString();
  }

  static String quoteIfNeeded(String v) {
    boolean plain = !v.isEmpty();
    for (int i = 0; i < v.length() && plain; i++) {
      char c = v.charAt(i);
      if (c == ',' || c == '(' || c == ')' || c == '@' || c == '"' || c == '=' || c == '>'
          || Character.isWhitespace(c)) {
        plain = false;
      }
    }
    if (plain) {
      return v;
    }
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = Objects.requireNonNull(s, "spec");
    }

    Spec parseWhole() {
      skipSpaces();
      String name = ident("a name");
      Map<String, String> params = new LinkedHashMap<>();
      skipSpaces();
      if (peek() == '(') {
        pos++;
        skipSpaces();
        if (peek() != ')') {
          while (true) {
            skipSpaces();
            String key = ident("a parameter name");
            skipSpaces();
            expect('=');
            skipSpaces();
            String value = value();
            if (params.put(key, value) != null) {
              throw error("parameter '" + key + "' given twice");
            }
            skipSpaces();
            if (peek() == ',') {
              pos++;
              continue;
            }
            break;
          }
        }
        skipSpaces();
        expect(')');
      }
      skipSpaces();
      Integer cutoff = null;
      if (peek() == '@') {
        pos++;
        skipSpaces();
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error("expected a number after '@'");
        }
        try {
          cutoff = Integer.parseInt(s.substring(start, pos));
        } catch (NumberFormatException e) {
          throw error("cutoff too large");
        }
        if (cutoff <= 0) {
          throw error("cutoff must be positive");
        }
      }
      skipSpaces();
      if (pos != s.length()) {
        throw error("unexpected '" + s.charAt(pos) + "'");
      }
      return new Spec(name, params, cutoff);
    }

    private String ident(String what) {
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') {
          pos++;
        } else {
          break;
        }
      }
      if (start == pos) {
        throw error("expected " + what);
      }
      return s.substring(start, pos);
    }

    private String value() {
      if (peek() == '"') {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
          if (pos >= s.length()) {
            throw error("unterminated quoted value");
          }
          char c = s.charAt(pos++);
          if (c == '"') {
            return sb.toString();
          }
          if (c == '\\' && pos < s.length()) {
            sb.append(s.charAt(pos++));
          } else {
            sb.append(c);
          }
        }
      }
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ',' || c == ')' || c == '(' || c == '"' || Character.isWhitespace(c)) {
          break;
        }
        pos++;
      }
      if (start == pos) {
        throw error("expected a value");
      }
      return s.substring(start, pos);
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error(pos < s.length() ? "expected '" + c + "' but found '" + s.charAt(pos) + "'"
            : "expected '" + c + "' at end");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private TrawlException error(String what) {
      return TrawlException.invalid("invalid spec '" + s + "' at column " + (pos + 1) + ": " + what);
    }
  }
}
