package io.trawl.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One stage or measure spec: {@code name(key=value,...)@k}. Parameters and {@code @k} are optional.
 * Values may be double-quoted ({@code model="/a b/c"}) to hold {@code , ) ( @ >} or spaces; inside
 * quotes {@code \"} and {@code \\} escape. {@link #toString()} is canonical and parses back to an
 * equal spec: keys in the order given, values quoted only where needed.
 */
public record Spec(String name, Map<String, String> params, Integer cutoff) {
  public Spec {
    Objects.requireNonNull(name, "name");
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
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
