package io.trawl.model.llm.jinja;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python value semantics for template values, as jinja2 gets them from Python: {@code str()},
 * {@code repr()}, truthiness, {@code ==}, ordering, arithmetic, {@code len}, iteration,
 * {@code str.isspace} and {@code json.dumps}.
 *
 * <p>Values are {@code String} (str), {@code Long} (int), {@code Double} (float), {@code Boolean}
 * (bool), {@code null} (None), {@code List} (list), {@link Tuple} (tuple), {@code Map} (dict, in
 * insertion order), {@link Undefined}, {@link Namespace}, {@link Callable} (functions, macros,
 * bound methods) and the loop object.
 */
final class Py {
  /** The most characters one string (and the rendered output) may hold. */
  static final int MAX_STRING = 16 << 20;

  private Py() {}

  /** A jinja2 {@code Undefined}: prints as "", iterates as empty, fails on use with {@link #hint}. */
  static final class Undefined {
    final String hint;

    Undefined(String hint) {
      this.hint = hint;
    }

    JinjaException error() {
      return new JinjaException(hint);
    }
  }

  /** A Python tuple. */
  record Tuple(List<Object> items) {}

  /** {@code namespace(...)}: the one mutable object a template can assign attributes to. */
  static final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();
  }

  /** A function, macro or bound method. */
  @FunctionalInterface
  interface Callable {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  // ---- conversion from Java values -----------------------------------------------------------

  /** Java values (Integer, Float, arrays of maps from Jackson, ...) as template values. */
  static Object of(Object v) {
    if (v == null || v instanceof String || v instanceof Long || v instanceof Double
        || v instanceof Boolean || v instanceof Undefined || v instanceof Tuple
        || v instanceof Namespace || v instanceof Callable) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger b) {
      return b.longValueExact();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof CharSequence s) {
      return s.toString();
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(of(k), of(x)));
      return out;
    }
    if (v instanceof Iterable<?> it) {
      List<Object> out = new ArrayList<>();
      it.forEach(x -> out.add(of(x)));
      return out;
    }
    throw new JinjaException("unsupported template value of type " + v.getClass().getName());
  }

  // ---- type names, truth, str, repr ------------------------------------------------------------

  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    } else if (v instanceof String) {
      return "str";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof Long) {
      return "int";
    } else if (v instanceof Double) {
      return "float";
    } else if (v instanceof List) {
      return "list";
    } else if (v instanceof Tuple) {
      return "tuple";
    } else if (v instanceof Map) {
      return "dict";
    } else if (v instanceof Undefined) {
      return "Undefined";
    } else if (v instanceof Namespace) {
      return "Namespace";
    } else if (v instanceof Callable) {
      return "function";
    }
    return v.getClass().getSimpleName();
  }

  static boolean truthy(Object v) {
    if (v == null || v instanceof Undefined) {
      return false;
    } else if (v instanceof Boolean b) {
      return b;
    } else if (v instanceof Long l) {
      return l != 0;
    } else if (v instanceof Double d) {
      return d != 0.0;
    } else if (v instanceof String s) {
      return !s.isEmpty();
    } else if (v instanceof List<?> l) {
      return !l.isEmpty();
    } else if (v instanceof Tuple t) {
      return !t.items().isEmpty();
    } else if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python {@code str(v)}; Undefined prints as "". */
  static String str(Object v) {
    if (v instanceof String s) {
      return s;
    } else if (v instanceof Undefined) {
      return "";
    }
    return repr(v);
  }

  static String repr(Object v) {
    if (v == null) {
      return "None";
    } else if (v instanceof Boolean b) {
      return b ? "True" : "False";
    } else if (v instanceof Long l) {
      return Long.toString(l);
    } else if (v instanceof Double d) {
      return floatRepr(d);
    } else if (v instanceof String s) {
      return stringRepr(s);
    } else if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
      }
      return sb.append(']').toString();
    } else if (v instanceof Tuple t) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < t.items().size(); i++) {
        sb.append(i > 0 ? ", " : "").append(repr(t.items().get(i)));
      }
      return sb.append(t.items().size() == 1 ? ",)" : ")").toString();
    } else if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    } else if (v instanceof Undefined) {
      return "Undefined";
    } else if (v instanceof Namespace n) {
      return "<Namespace " + repr(new LinkedHashMap<Object, Object>(n.attrs)) + ">";
    }
    return "<" + typeName(v) + ">";
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    } else if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    } else if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    if (bd.precision() == 2) {
      // Double.toString never prints fewer than two digits; Python prints one when one round-trips
      BigDecimal exact = new BigDecimal(Math.abs(d));
      for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.HALF_EVEN,
          java.math.RoundingMode.DOWN, java.math.RoundingMode.UP}) {
        BigDecimal one = exact.round(new java.math.MathContext(1, mode));
        if (one.doubleValue() == Math.abs(d)) {
          bd = one.stripTrailingZeros();
          break;
        }
      }
    }
    String digits = bd.unscaledValue().toString();
    int decpt = digits.length() - bd.scale(); // value = 0.digits * 10^decpt
    StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        sb.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt >= digits.length()) {
        sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      } else {
        sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      }
      return sb.toString();
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    int exp = decpt - 1;
    sb.append('e').append(exp < 0 ? '-' : '+');
    String e = Integer.toString(Math.abs(exp));
    return sb.append(e.length() < 2 ? "0" : "").append(e).toString();
  }

  /** Python's {@code repr(str)}. */
  static String stringRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(quote);
    s.codePoints().forEach(cp -> {
      if (cp == quote || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
      } else if (cp == '\t') {
        sb.append("\\t");
      } else if (cp == '\n') {
        sb.append("\\n");
      } else if (cp == '\r') {
        sb.append("\\r");
      } else if (cp < 0x20 || cp == 0x7f) {
        sb.append(String.format("\\x%02x", cp));
      } else if (cp < 0x7f || isPrintable(cp)) {
        sb.appendCodePoint(cp);
      } else if (cp < 0x100) {
        sb.append(String.format("\\x%02x", cp));
      } else if (cp < 0x10000) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.append(String.format("\\U%08x", cp));
      }
    });
    return sb.append(quote).toString();
  }

  /** Python's {@code str.isprintable} for one character: not Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (but space). */
  static boolean isPrintable(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /** Python's {@code str.isspace} for one character (also what {@code \s} matches in Python's re). */
  static boolean isSpace(int cp) {
    return io.trawl.core.PyStrings.isSpace(cp);
  }

  // ---- strings as code points -------------------------------------------------------------------

  static int[] codePoints(String s) {
    return s.codePoints().toArray();
  }

  static String fromCodePoints(int[] cps, int from, int to) {
    return new String(cps, from, Math.max(0, to - from));
  }

  static String strip(String s, String chars, boolean left, boolean right) {
    return io.trawl.core.PyStrings.strip(s, chars, left, right);
  }

  static String checkedLength(String s) {
    if (s.length() > MAX_STRING) {
      throw new JinjaException("a string of " + s.length() + " characters is longer than the"
          + " chat-template limit of " + MAX_STRING);
    }
    return s;
  }

  // ---- len, iteration, equality, ordering ----------------------------------------------------------

  static long len(Object v) {
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    } else if (v instanceof List<?> l) {
      return l.size();
    } else if (v instanceof Tuple t) {
      return t.items().size();
    } else if (v instanceof Map<?, ?> m) {
      return m.size();
    } else if (v instanceof Undefined) {
      return 0;
    } else if (v instanceof Namespace n) {
      throw new JinjaException("object of type 'Namespace' has no len()");
    }
    throw new JinjaException("object of type '" + typeName(v) + "' has no len()");
  }

  /** The items {@code for x in v} visits: list/tuple items, string characters, dict keys. */
  static List<Object> iterate(Object v) {
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    } else if (v instanceof Tuple t) {
      return new ArrayList<>(t.items());
    } else if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    } else if (v instanceof String s) {
      List<Object> out = new ArrayList<>();
      s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
      return out;
    } else if (v instanceof Undefined) {
      return new ArrayList<>();
    }
    throw new JinjaException("'" + typeName(v) + "' object is not iterable");
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  static double toDouble(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) v).doubleValue();
  }

  static long toLong(Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return (Long) v;
  }

  static boolean isInt(Object v) {
    return v instanceof Long || v instanceof Boolean;
  }

  static boolean eq(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (isNumber(a) && isNumber(b)) {
      if (isInt(a) && isInt(b)) {
        return toLong(a) == toLong(b);
      }
      return toDouble(a) == toDouble(b);
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      return seqEq(x, y);
    }
    if (a instanceof Tuple x && b instanceof Tuple y) {
      return seqEq(x.items(), y.items());
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object k = findKey(y, e.getKey());
        if (k == NO_KEY || !eq(e.getValue(), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static boolean seqEq(List<?> x, List<?> y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!eq(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  static final Object NO_KEY = new Object();

  /** The key of {@code m} equal (Python {@code ==}, so 1 == 1.0 == True) to {@code key}, or NO_KEY. */
  static Object findKey(Map<?, ?> m, Object key) {
    if (m.containsKey(key)) {
      return key;
    }
    if (isNumber(key)) {
      for (Object k : m.keySet()) {
        if (isNumber(k) && eq(k, key)) {
          return k;
        }
      }
    }
    return NO_KEY;
  }

  /** Python ordering ({@code <}); strings compare by code point. */
  static int compare(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      if (isInt(a) && isInt(b)) {
        return Long.compare(toLong(a), toLong(b));
      }
      return Double.compare(toDouble(a), toDouble(b));
    }
    if (a instanceof String x && b instanceof String y) {
      int[] p = codePoints(x);
      int[] q = codePoints(y);
      for (int i = 0; i < Math.min(p.length, q.length); i++) {
        if (p[i] != q[i]) {
          return Integer.compare(p[i], q[i]);
        }
      }
      return Integer.compare(p.length, q.length);
    }
    if ((a instanceof List || a instanceof Tuple) && a.getClass() == b.getClass()) {
      List<?> x = a instanceof Tuple t ? t.items() : (List<?>) a;
      List<?> y = b instanceof Tuple t ? t.items() : (List<?>) b;
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return compare(x.get(i), y.get(i), op);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    if (a instanceof Undefined u) {
      throw u.error();
    }
    if (b instanceof Undefined u) {
      throw u.error();
    }
    throw new JinjaException("'" + op + "' not supported between instances of '" + typeName(a)
        + "' and '" + typeName(b) + "'");
  }

  /** Python's {@code in}. */
  static boolean contains(Object container, Object item) {
    if (container instanceof String s) {
      if (!(item instanceof String x)) {
        if (item instanceof Undefined u) {
          throw u.error();
        }
        throw new JinjaException("'in <string>' requires string as left operand, not " + typeName(item));
      }
      return s.contains(x);
    }
    if (container instanceof Map<?, ?> m) {
      return findKey(m, item) != NO_KEY;
    }
    if (container instanceof Undefined) {
      return false;
    }
    for (Object x : iterate(container)) {
      if (eq(x, item)) {
        return true;
      }
    }
    return false;
  }

  // ---- arithmetic -----------------------------------------------------------------------------

  static Object arithmetic(String op, Object a, Object b) {
    if (a instanceof Undefined u) {
      throw u.error();
    }
    if (b instanceof Undefined u) {
      throw u.error();
    }
    if (isNumber(a) && isNumber(b)) {
      boolean ints = isInt(a) && isInt(b);
      try {
        switch (op) {
          case "+":
            return ints ? (Object) Math.addExact(toLong(a), toLong(b)) : toDouble(a) + toDouble(b);
          case "-":
            return ints ? (Object) Math.subtractExact(toLong(a), toLong(b)) : toDouble(a) - toDouble(b);
          case "*":
            return ints ? (Object) Math.multiplyExact(toLong(a), toLong(b)) : toDouble(a) * toDouble(b);
          case "/":
            if (toDouble(b) == 0) {
              throw new JinjaException("division by zero");
            }
            return toDouble(a) / toDouble(b);
          case "//":
            if (toDouble(b) == 0) {
              throw new JinjaException(ints ? "integer division or modulo by zero" : "float floor division by zero");
            }
            return ints ? (Object) Math.floorDiv(toLong(a), toLong(b))
                : Math.floor(toDouble(a) / toDouble(b));
          case "%":
            if (toDouble(b) == 0) {
              throw new JinjaException(ints ? "integer modulo by zero" : "float modulo");
            }
            if (ints) {
              return Math.floorMod(toLong(a), toLong(b));
            }
            double x = toDouble(a);
            double y = toDouble(b);
            double m = x % y;
            return m != 0 && (m < 0) != (y < 0) ? m + y : m;
          case "**":
            if (ints && toLong(b) >= 0) {
              long r = 1;
              for (long i = 0; i < toLong(b); i++) {
                r = Math.multiplyExact(r, toLong(a));
              }
              return r;
            }
            return Math.pow(toDouble(a), toDouble(b));
          default:
            break;
        }
      } catch (ArithmeticException e) {
        throw new JinjaException("integer overflow in '" + op + "'");
      }
    }
    if (op.equals("+")) {
      if (a instanceof String x && b instanceof String y) {
        return checkedLength(x + y);
      }
      if (a instanceof List<?> x && b instanceof List<?> y) {
        List<Object> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
      }
      if (a instanceof Tuple x && b instanceof Tuple y) {
        List<Object> out = new ArrayList<>(x.items());
        out.addAll(y.items());
        return new Tuple(out);
      }
      if (a instanceof String) {
        throw new JinjaException("can only concatenate str (not \"" + typeName(b) + "\") to str");
      }
    }
    if (op.equals("*")) {
      if (isInt(b) && (a instanceof String || a instanceof List || a instanceof Tuple)) {
        return repeat(a, toLong(b));
      }
      if (isInt(a) && (b instanceof String || b instanceof List || b instanceof Tuple)) {
        return repeat(b, toLong(a));
      }
    }
    throw new JinjaException("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '"
        + typeName(b) + "'");
  }

  private static Object repeat(Object seq, long n) {
    long unit = seq instanceof String s ? s.length() : len(seq);
    if (n > 0 && unit > 0 && n * unit > MAX_STRING) {
      throw new JinjaException("repeating a " + typeName(seq) + " " + n + " times exceeds the"
          + " chat-template limit of " + MAX_STRING + " items");
    }
    if (seq instanceof String s) {
      return n <= 0 ? "" : s.repeat((int) n);
    }
    List<?> items = seq instanceof Tuple t ? t.items() : (List<?>) seq;
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.addAll(items);
    }
    return seq instanceof Tuple ? new Tuple(out) : out;
  }

  // ---- json.dumps -----------------------------------------------------------------------------

  /**
   * Python's {@code json.dumps(v, ensure_ascii, indent, separators, sort_keys)}, as Hugging Face's
   * {@code tojson} filter calls it.
   */
  static String json(Object v, boolean ensureAscii, String indent, String itemSep, String keySep,
      boolean sortKeys) {
    StringBuilder sb = new StringBuilder();
    String items = itemSep != null ? itemSep : indent != null ? "," : ", ";
    String keys = keySep != null ? keySep : ": ";
    json(sb, v, ensureAscii, indent, items, keys, sortKeys, 0);
    return checkedLength(sb.toString());
  }

  private static void json(StringBuilder sb, Object v, boolean ascii, String indent, String items,
      String keys, boolean sort, int depth) {
    if (sb.length() > MAX_STRING) {
      throw new JinjaException("tojson output exceeds the chat-template limit of " + MAX_STRING);
    }
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Long l) {
      sb.append(l);
    } else if (v instanceof Double d) {
      sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : floatRepr(d));
    } else if (v instanceof String s) {
      jsonString(sb, s, ascii);
    } else if (v instanceof List || v instanceof Tuple) {
      List<?> l = v instanceof Tuple t ? t.items() : (List<?>) v;
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        sb.append(i > 0 ? items : "");
        newline(sb, indent, depth + 1);
        json(sb, l.get(i), ascii, indent, items, keys, sort, depth + 1);
      }
      newline(sb, indent, depth);
      sb.append(']');
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
      if (sort) {
        entries.sort((x, y) -> compare(x.getKey(), y.getKey(), "<"));
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : entries) {
        sb.append(first ? "" : items);
        first = false;
        newline(sb, indent, depth + 1);
        Object k = e.getKey();
        String key = k instanceof String s ? s : k == null ? "null" : k instanceof Boolean b
            ? (b ? "true" : "false") : k instanceof Long || k instanceof Double ? repr(k) : null;
        if (key == null) {
          throw new JinjaException("keys must be str, int, float, bool or None, not " + typeName(k));
        }
        jsonString(sb, key, ascii);
        sb.append(keys);
        json(sb, e.getValue(), ascii, indent, items, keys, sort, depth + 1);
      }
      newline(sb, indent, depth);
      sb.append('}');
    } else {
      throw new JinjaException("Object of type " + typeName(v) + " is not JSON serializable");
    }
  }

  private static void newline(StringBuilder sb, String indent, int depth) {
    if (indent != null) {
      sb.append('\n').append(indent.repeat(depth));
    }
  }

  private static void jsonString(StringBuilder sb, String s, boolean ascii) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
