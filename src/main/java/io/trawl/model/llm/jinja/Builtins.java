package io.trawl.model.llm.jinja;

import io.trawl.model.llm.jinja.Py.Callable;
import io.trawl.model.llm.jinja.Py.Namespace;
import io.trawl.model.llm.jinja.Py.Tuple;
import io.trawl.model.llm.jinja.Py.Undefined;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's default filters, tests and globals, Python's str/dict/list methods, and attribute and
 * item lookup as jinja2's {@code ImmutableSandboxedEnvironment} (the one Hugging Face renders chat
 * templates with) does them.
 */
final class Builtins {
  private Builtins() {}

  static final Set<String> FILTERS = Set.of("abs", "attr", "capitalize", "center", "count", "d",
      "default", "dictsort", "e", "escape", "first", "float", "forceescape", "indent", "int",
      "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
      "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort",
      "string", "sum", "title", "tojson", "trim", "unique", "upper", "wordcount");
  static final Set<String> TESTS = Set.of("odd", "even", "divisibleby", "defined", "undefined",
      "filter", "test", "none", "boolean", "false", "true", "integer", "float", "lower", "upper",
      "string", "mapping", "number", "sequence", "iterable", "callable", "sameas", "escaped", "in",
      "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", ">=", "ge", "<", "lt",
      "lessthan", "<=", "le");
  private static final Set<String> UNSAFE_LIST = Set.of("append", "clear", "pop", "reverse",
      "insert", "sort", "extend", "remove");
  private static final Set<String> UNSAFE_DICT = Set.of("clear", "pop", "popitem", "setdefault",
      "update");
  /** jinja2's sandbox limit on range(). */
  static final int MAX_RANGE = 100_000;

  static boolean hasFilter(String name) {
    return FILTERS.contains(name);
  }

  static boolean hasTest(String name) {
    return TESTS.contains(name);
  }

  // ---- lookup ----------------------------------------------------------------------------------

  static String objectTypeRepr(Object obj) {
    if (obj == null) {
      return "None";
    }
    return Py.typeName(obj) + " object";
  }

  /** {@code obj.name}: the attribute (method), else the item, else undefined. */
  static Object getattr(Object obj, String name) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    Object a = attribute(obj, name);
    if (a != NONE) {
      return a;
    }
    if (obj instanceof Map<?, ?> m) {
      Object k = Py.findKey(m, name);
      if (k != Py.NO_KEY) {
        return m.get(k);
      }
    }
    return new Undefined("'" + objectTypeRepr(obj) + "' has no attribute '" + name + "'");
  }

  /** {@code obj[key]}: the item, else (for a string key) the attribute, else undefined. */
  static Object getitem(Object obj, Object key) {
    if (obj instanceof Undefined u) {
      throw u.error();
    }
    if (key instanceof Slice s) {
      return slice(obj, s);
    }
    if (obj instanceof Map<?, ?> m) {
      Object k = Py.findKey(m, key);
      if (k != Py.NO_KEY) {
        return m.get(k);
      }
    } else if ((obj instanceof List || obj instanceof Tuple || obj instanceof String)
        && Py.isInt(key)) {
      long i = Py.toLong(key);
      if (obj instanceof String s) {
        int[] cp = Py.codePoints(s);
        long j = i < 0 ? i + cp.length : i;
        if (j >= 0 && j < cp.length) {
          return new String(Character.toChars(cp[(int) j]));
        }
      } else {
        List<?> l = obj instanceof Tuple t ? t.items() : (List<?>) obj;
        long j = i < 0 ? i + l.size() : i;
        if (j >= 0 && j < l.size()) {
          return l.get((int) j);
        }
      }
    }
    if (key instanceof String name) {
      Object a = attribute(obj, name);
      if (a != NONE) {
        return a;
      }
      return new Undefined("'" + objectTypeRepr(obj) + "' has no attribute '" + name + "'");
    }
    return new Undefined("'" + objectTypeRepr(obj) + "' object has no element " + Py.repr(key));
  }

  private static final Object NONE = new Object();

  /** A Python attribute of {@code obj} (a method, a namespace or loop field), or NONE. */
  static Object attribute(Object obj, String name) {
    if (name.startsWith("_")) {
      return unsafe(obj, name);
    }
    if (obj instanceof Namespace n) {
      return n.attrs.containsKey(name) ? n.attrs.get(name) : NONE;
    }
    if (obj instanceof Renderer.Loop loop) {
      return loop.attribute(name);
    }
    if (obj instanceof String s) {
      return Methods.STRING.contains(name) ? (Callable) (args, kw) -> Methods.string(s, name, args, kw)
          : NONE;
    }
    if (obj instanceof Map<?, ?> m) {
      if (UNSAFE_DICT.contains(name)) {
        return unsafe(obj, name);
      }
      return switch (name) {
        case "items", "keys", "values", "get", "copy" -> (Callable) (args, kw) -> Methods.dict(m, name, args);
        default -> NONE;
      };
    }
    if (obj instanceof List<?> l) {
      if (UNSAFE_LIST.contains(name)) {
        return unsafe(obj, name);
      }
      return switch (name) {
        case "index", "count", "copy" -> (Callable) (args, kw) -> Methods.list(l, name, args);
        default -> NONE;
      };
    }
    if (obj instanceof Tuple t) {
      return switch (name) {
        case "index", "count" -> (Callable) (args, kw) -> Methods.list(t.items(), name, args);
        default -> NONE;
      };
    }
    return NONE;
  }

  private static Object unsafe(Object obj, String name) {
    return new Undefined("access to attribute '" + name + "' of '" + Py.typeName(obj)
        + "' object is unsafe.");
  }

  /** A slice {@code [start:stop:step]}; each part null when omitted. */
  record Slice(Object start, Object stop, Object step) {}

  static Object slice(Object obj, Slice s) {
    if (!(obj instanceof String || obj instanceof List || obj instanceof Tuple)) {
      return new Undefined("'" + objectTypeRepr(obj) + "' object has no element slice");
    }
    int n;
    int[] cps = null;
    List<?> items = null;
    if (obj instanceof String str) {
      cps = Py.codePoints(str);
      n = cps.length;
    } else {
      items = obj instanceof Tuple t ? t.items() : (List<?>) obj;
      n = items.size();
    }
    long step = s.step() == null ? 1 : index(s.step());
    if (step == 0) {
      throw new JinjaException("slice step cannot be zero");
    }
    long start;
    long stop;
    if (step > 0) {
      start = s.start() == null ? 0 : clamp(index(s.start()), n, 0, n);
      stop = s.stop() == null ? n : clamp(index(s.stop()), n, 0, n);
    } else {
      start = s.start() == null ? n - 1 : clamp(index(s.start()), n, -1, n - 1);
      stop = s.stop() == null ? -1 : clamp(index(s.stop()), n, -1, n - 1);
    }
    List<Integer> picked = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      picked.add((int) i);
    }
    if (cps != null) {
      StringBuilder sb = new StringBuilder();
      for (int i : picked) {
        sb.appendCodePoint(cps[i]);
      }
      return sb.toString();
    }
    List<Object> out = new ArrayList<>();
    for (int i : picked) {
      out.add(items.get(i));
    }
    return obj instanceof Tuple ? new Tuple(out) : out;
  }

  private static long index(Object v) {
    if (!Py.isInt(v)) {
      throw new JinjaException("slice indices must be integers or None, not " + Py.typeName(v));
    }
    return Py.toLong(v);
  }

  private static long clamp(long i, int n, long lo, long hi) {
    long j = i < 0 ? i + n : i;
    return Math.max(lo, Math.min(hi, j));
  }

  // ---- tests -------------------------------------------------------------------------------------

  static boolean test(String name, Object v, List<Object> args) {
    switch (name) {
      case "defined":
        return !(v instanceof Undefined);
      case "undefined":
        return v instanceof Undefined;
      case "none":
        return v == null;
      case "boolean":
        return v instanceof Boolean;
      case "false":
        return Boolean.FALSE.equals(v);
      case "true":
        return Boolean.TRUE.equals(v);
      case "integer":
        return v instanceof Long;
      case "float":
        return v instanceof Double;
      case "number":
        return Py.isNumber(v);
      case "string":
        return v instanceof String;
      case "mapping":
        return v instanceof Map;
      case "sequence":
        return v instanceof String || v instanceof List || v instanceof Tuple || v instanceof Map
            || v instanceof Undefined;
      case "iterable":
        return v instanceof String || v instanceof List || v instanceof Tuple || v instanceof Map
            || v instanceof Undefined;
      case "callable":
        return v instanceof Callable || v instanceof Renderer.Macro;
      case "escaped":
        return false;
      case "lower":
        return Methods.isCase(Py.str(v), false);
      case "upper":
        return Methods.isCase(Py.str(v), true);
      case "odd":
      case "even": {
        if (!Py.isInt(v)) {
          throw new JinjaException("unsupported operand type(s) for %: '" + Py.typeName(v) + "' and 'int'");
        }
        return (Math.floorMod(Py.toLong(v), 2) == 1) == name.equals("odd");
      }
      case "divisibleby":
        return Py.eq(Py.arithmetic("%", v, arg(args, 0, name)), 0L);
      case "filter":
        return v instanceof String s && hasFilter(s);
      case "test":
        return v instanceof String s && hasTest(s);
      case "sameas": {
        Object o = arg(args, 0, name);
        if (v == null || o == null || v instanceof Boolean || o instanceof Boolean) {
          return v == o || (v instanceof Boolean && v.equals(o));
        }
        return v == o;
      }
      case "in":
        return Py.contains(arg(args, 0, name), v);
      case "==", "eq", "equalto":
        return Py.eq(v, arg(args, 0, name));
      case "!=", "ne":
        return !Py.eq(v, arg(args, 0, name));
      case ">", "gt", "greaterthan":
        return Py.compare(v, arg(args, 0, name), ">") > 0;
      case ">=", "ge":
        return Py.compare(v, arg(args, 0, name), ">=") >= 0;
      case "<", "lt", "lessthan":
        return Py.compare(v, arg(args, 0, name), "<") < 0;
      case "<=", "le":
        return Py.compare(v, arg(args, 0, name), "<=") <= 0;
      default:
        throw new JinjaException("No test named '" + name + "'.");
    }
  }

  private static Object arg(List<Object> args, int i, String fn) {
    if (args.size() <= i) {
      throw new JinjaException(fn + "() missing required argument " + (i + 1));
    }
    return args.get(i);
  }

  // ---- filters -----------------------------------------------------------------------------------

  /** Positional and keyword arguments of a filter call, Python style. */
  record Args(List<Object> positional, Map<String, Object> keywords) {
    Object get(int i, String name, Object dflt) {
      if (i < positional.size()) {
        return positional.get(i);
      }
      return keywords.containsKey(name) ? keywords.get(name) : dflt;
    }

    boolean has(int i, String name) {
      return i < positional.size() || keywords.containsKey(name);
    }
  }

  static Object filter(Renderer r, String name, Object v, Args a) {
    switch (name) {
      case "trim": {
        Object chars = nullable(a.get(0, "chars", null));
        return Py.strip(Py.str(v), chars == null ? null : Py.str(chars), true, true);
      }
      case "length", "count":
        return Py.len(v);
      case "string":
        return Py.str(v);
      case "upper":
        return Py.str(v).toUpperCase(Locale.ROOT);
      case "lower":
        return Py.str(v).toLowerCase(Locale.ROOT);
      case "capitalize":
        return Methods.capitalize(Py.str(v));
      case "title":
        return title(Py.str(v));
      case "replace": {
        Object count = a.get(2, "count", null);
        return Methods.replace(Py.str(v), Py.str(a.get(0, "old", "")), Py.str(a.get(1, "new", "")),
            count == null ? -1 : Py.toLong(count));
      }
      case "default", "d": {
        Object dflt = a.get(0, "default_value", "");
        boolean bool = Py.truthy(a.get(1, "boolean", false));
        return v instanceof Undefined || (bool && !Py.truthy(v)) ? dflt : v;
      }
      case "join": {
        Object attr = a.get(1, "attribute", null);
        List<Object> items = Py.iterate(v);
        StringBuilder sb = new StringBuilder();
        String sep = Py.str(a.get(0, "d", ""));
        for (int i = 0; i < items.size(); i++) {
          Object x = attr == null ? items.get(i) : attrPath(items.get(i), attr, null);
          sb.append(i > 0 ? sep : "").append(Py.str(x));
          Py.checkedLength(sb.length() > Py.MAX_STRING ? sb.toString() : "");
        }
        return sb.toString();
      }
      case "list":
        return Py.iterate(v);
      case "first": {
        List<Object> items = Py.iterate(v);
        return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
      }
      case "last": {
        List<Object> items = Py.iterate(v);
        return items.isEmpty() ? new Undefined("No last item, sequence was empty.")
            : items.get(items.size() - 1);
      }
      case "items": {
        if (v instanceof Undefined) {
          return new ArrayList<>();
        }
        if (!(v instanceof Map<?, ?> m)) {
          throw new JinjaException("Can only get item pairs from a mapping.");
        }
        return Methods.dict(m, "items", List.of());
      }
      case "dictsort": {
        if (!(v instanceof Map<?, ?> m)) {
          throw new JinjaException("You can only sort by either \"key\" or \"value\"");
        }
        boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
        String by = Py.str(a.get(1, "by", "key"));
        boolean rev = Py.truthy(a.get(2, "reverse", false));
        int pos = by.equals("key") ? 0 : by.equals("value") ? 1 : -1;
        if (pos < 0) {
          throw new JinjaException("You can only sort by either \"key\" or \"value\"");
        }
        @SuppressWarnings("unchecked")
        List<Object> items = (List<Object>) Methods.dict(m, "items", List.of());
        items.sort((x, y) -> Py.compare(sortKey(((Tuple) x).items().get(pos), cs),
            sortKey(((Tuple) y).items().get(pos), cs), "<"));
        if (rev) {
          Collections.reverse(items);
        }
        return items;
      }
      case "sort": {
        boolean rev = Py.truthy(a.get(0, "reverse", false));
        boolean cs = Py.truthy(a.get(1, "case_sensitive", false));
        Object attr = a.get(2, "attribute", null);
        List<Object> items = Py.iterate(v);
        items.sort((x, y) -> Py.compare(sortKey(attr == null ? x : attrPath(x, attr, null), cs),
            sortKey(attr == null ? y : attrPath(y, attr, null), cs), "<"));
        if (rev) {
          Collections.reverse(items);
        }
        return items;
      }
      case "unique": {
        boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
        Object attr = a.get(1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
          Object k = sortKey(attr == null ? x : attrPath(x, attr, null), cs);
          if (seen.stream().noneMatch(s -> Py.eq(s, k))) {
            seen.add(k);
            out.add(x);
          }
        }
        return out;
      }
      case "min", "max": {
        boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
        Object attr = a.get(1, "attribute", null);
        List<Object> items = Py.iterate(v);
        if (items.isEmpty()) {
          return new Undefined("No aggregated item, sequence was empty.");
        }
        Object best = items.get(0);
        for (Object x : items.subList(1, items.size())) {
          int c = Py.compare(sortKey(attr == null ? x : attrPath(x, attr, null), cs),
              sortKey(attr == null ? best : attrPath(best, attr, null), cs), "<");
          if (name.equals("min") ? c < 0 : c > 0) {
            best = x;
          }
        }
        return best;
      }
      case "sum": {
        Object attr = a.get(0, "attribute", null);
        Object total = a.get(1, "start", 0L);
        for (Object x : Py.iterate(v)) {
          total = Py.arithmetic("+", total, attr == null ? x : attrPath(x, attr, null));
        }
        return total;
      }
      case "reverse": {
        if (v instanceof String s) {
          return new StringBuilder(s).reverse().toString();
        }
        List<Object> items = Py.iterate(v);
        Collections.reverse(items);
        return items;
      }
      case "abs": {
        if (v instanceof Double d) {
          return Math.abs(d);
        }
        if (Py.isInt(v)) {
          return Math.abs(Py.toLong(v));
        }
        throw new JinjaException("bad operand type for abs(): '" + Py.typeName(v) + "'");
      }
      case "int":
        return toInt(v, a.get(0, "default", 0L), a.get(1, "base", 10L));
      case "float":
        return toFloat(v, a.get(0, "default", 0.0));
      case "round":
        return round(v, Py.toLong(a.get(0, "precision", 0L)), Py.str(a.get(1, "method", "common")));
      case "center": {
        long width = Py.toLong(a.get(0, "width", 80L));
        return Methods.string(Py.str(v), "center", List.of(width), Map.of());
      }
      case "indent":
        return indent(Py.str(v), a.get(0, "width", 4L), Py.truthy(a.get(1, "first", false)),
            Py.truthy(a.get(2, "blank", false)));
      case "wordcount": {
        long n = 0;
        boolean in = false;
        for (int cp : Py.codePoints(Py.str(v))) {
          boolean w = cp == '_' || Character.isLetterOrDigit(cp);
          if (w && !in) {
            n++;
          }
          in = w;
        }
        return n;
      }
      case "escape", "e", "forceescape":
        return escape(Py.str(v));
      case "safe":
        return v;
      case "attr": {
        Object x = v instanceof Undefined u ? u : attribute(v, Py.str(a.get(0, "name", "")));
        return x == NONE ? new Undefined("'" + objectTypeRepr(v) + "' has no attribute '"
            + Py.str(a.get(0, "name", "")) + "'") : x;
      }
      case "tojson":
        return tojson(v, a);
      case "map":
        return map(r, v, a);
      case "select", "reject":
        return select(r, v, a, name.equals("select"), false);
      case "selectattr", "rejectattr":
        return select(r, v, a, name.equals("selectattr"), true);
      default:
        throw new JinjaException("No filter named '" + name + "'.");
    }
  }

  private static Object nullable(Object v) {
    return v instanceof Undefined ? null : v;
  }

  private static Object sortKey(Object v, boolean caseSensitive) {
    return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
  }

  /** jinja2's attribute getter: "a.b.0" looks up a, then b, then item 0. */
  static Object attrPath(Object item, Object attribute, Object dflt) {
    Object cur = item;
    String path = Py.str(attribute);
    for (String part : attribute instanceof Long ? new String[] {path} : path.split("\\.")) {
      Object key = part.matches("\\d+") ? (Object) Long.parseLong(part) : part;
      cur = getitem(cur, key);
      if (cur instanceof Undefined && dflt != null) {
        return dflt;
      }
    }
    return cur;
  }

  private static Object map(Renderer r, Object v, Args a) {
    List<Object> out = new ArrayList<>();
    if (a.keywords().containsKey("attribute")) {
      Object attr = a.keywords().get("attribute");
      Object dflt = a.keywords().get("default");
      for (Object x : Py.iterate(v)) {
        out.add(attrPath(x, attr, dflt));
      }
      return out;
    }
    if (a.positional().isEmpty()) {
      throw new JinjaException("map requires a filter argument");
    }
    String f = Py.str(a.positional().get(0));
    if (!hasFilter(f)) {
      throw new JinjaException("No filter named '" + f + "'.");
    }
    Args rest = new Args(a.positional().subList(1, a.positional().size()), a.keywords());
    for (Object x : Py.iterate(v)) {
      out.add(filter(r, f, x, rest));
    }
    return out;
  }

  private static Object select(Renderer r, Object v, Args a, boolean keep, boolean byAttr) {
    List<Object> pos = a.positional();
    int off = 0;
    Object attr = null;
    if (byAttr) {
      if (pos.isEmpty()) {
        throw new JinjaException("Missing parameter for attribute name");
      }
      attr = pos.get(0);
      off = 1;
    }
    String test = pos.size() > off ? Py.str(pos.get(off)) : null;
    if (test != null && !hasTest(test)) {
      throw new JinjaException("No test named '" + test + "'.");
    }
    List<Object> testArgs = pos.size() > off + 1 ? pos.subList(off + 1, pos.size()) : List.of();
    List<Object> out = new ArrayList<>();
    for (Object x : Py.iterate(v)) {
      Object subject = byAttr ? attrPath(x, attr, null) : x;
      boolean ok = test == null ? Py.truthy(subject) : test(test, subject, testArgs);
      if (ok == keep) {
        out.add(x);
      }
    }
    return out;
  }

  private static Object tojson(Object v, Args a) {
    Object indent = a.get(1, "indent", null);
    Object seps = a.get(2, "separators", null);
    String ind = indent == null ? null : indent instanceof String s ? s : " ".repeat((int) Py.toLong(indent));
    String itemSep = null;
    String keySep = null;
    if (seps != null) {
      List<Object> s = Py.iterate(seps);
      itemSep = Py.str(s.get(0));
      keySep = Py.str(s.get(1));
    }
    return Py.json(v, Py.truthy(a.get(0, "ensure_ascii", false)), ind, itemSep, keySep,
        Py.truthy(a.get(3, "sort_keys", false)));
  }

  /** jinja2's title filter: uppercase after "-", whitespace, "(", "{", "[", "<". */
  static String title(String s) {
    StringBuilder sb = new StringBuilder();
    int[] cps = Py.codePoints(s);
    int i = 0;
    while (i < cps.length) {
      int j = i;
      boolean sep = isTitleSeparator(cps[i]);
      while (j < cps.length && isTitleSeparator(cps[j]) == sep) {
        j++;
      }
      String part = Py.fromCodePoints(cps, i, j);
      if (sep || part.isEmpty()) {
        sb.append(part);
      } else {
        int first = part.codePointAt(0);
        sb.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT))
            .append(part.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
      }
      i = j;
    }
    return sb.toString();
  }

  private static boolean isTitleSeparator(int cp) {
    return cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' || Py.isSpace(cp);
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&#34;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static Object toInt(Object v, Object dflt, Object base) {
    if (v instanceof String s) {
      Long l = Methods.parseInt(s, (int) Py.toLong(base));
      if (l != null) {
        return l;
      }
      Double d = Methods.parseFloat(s);
      if (d != null && !d.isNaN() && !d.isInfinite()) {
        return (long) d.doubleValue();
      }
      return dflt;
    }
    if (Py.isInt(v)) {
      return Py.toLong(v);
    }
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new JinjaException("cannot convert float " + Py.floatRepr(d) + " to integer");
      }
      return (long) d.doubleValue();
    }
    return dflt;
  }

  private static Object toFloat(Object v, Object dflt) {
    if (v instanceof String s) {
      Double d = Methods.parseFloat(s);
      return d == null ? dflt : d;
    }
    if (Py.isNumber(v)) {
      return Py.toDouble(v);
    }
    return dflt;
  }

  private static Object round(Object v, long precision, String method) {
    if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
      throw new JinjaException("method must be common, ceil or floor");
    }
    if (!Py.isNumber(v)) {
      throw new JinjaException("type " + Py.typeName(v) + " doesn't define __round__ method");
    }
    if (method.equals("common")) {
      if (Py.isInt(v)) {
        return Py.toLong(v);
      }
      double d = Py.toDouble(v);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return d;
      }
      return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
    }
    double p = Math.pow(10, precision);
    double x = Py.toDouble(v) * p;
    return (method.equals("ceil") ? Math.ceil(x) : Math.floor(x)) / p;
  }

  private static String indent(String s, Object width, boolean first, boolean blank) {
    String ind = width instanceof String w ? w : " ".repeat((int) Py.toLong(width));
    List<String> lines = Methods.splitlines(s + "\n", false);
    StringBuilder sb = new StringBuilder();
    if (blank) {
      for (int i = 0; i < lines.size(); i++) {
        sb.append(i > 0 ? "\n" + ind : "").append(lines.get(i));
      }
    } else {
      sb.append(lines.get(0));
      for (int i = 1; i < lines.size(); i++) {
        sb.append('\n').append(lines.get(i).isEmpty() ? "" : ind).append(lines.get(i));
      }
    }
    return first ? ind + sb : sb.toString();
  }

  // ---- globals -----------------------------------------------------------------------------------

  /** jinja2's default globals (range, dict, namespace) and Hugging Face's raise_exception. */
  static Map<String, Object> globals() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("range", (Callable) (args, kw) -> range(args));
    g.put("dict", (Callable) (args, kw) -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> src) {
        m.putAll(src);
      }
      m.putAll(kw);
      return m;
    });
    g.put("namespace", (Callable) (args, kw) -> {
      Namespace n = new Namespace();
      for (Object a : args) {
        if (a instanceof Map<?, ?> src) {
          src.forEach((k, x) -> n.attrs.put(Py.str(k), x));
        }
      }
      n.attrs.putAll(kw);
      return n;
    });
    g.put("raise_exception", (Callable) (args, kw) -> {
      throw new JinjaException(args.isEmpty() ? "" : Py.str(args.get(0)), 0, true);
    });
    return g;
  }

  private static Object range(List<Object> args) {
    if (args.isEmpty() || args.size() > 3) {
      throw new JinjaException("range expected at most 3 arguments, got " + args.size());
    }
    for (Object a : args) {
      if (!Py.isInt(a)) {
        throw new JinjaException("'" + Py.typeName(a) + "' object cannot be interpreted as an integer");
      }
    }
    long start = args.size() == 1 ? 0 : Py.toLong(args.get(0));
    long stop = args.size() == 1 ? Py.toLong(args.get(0)) : Py.toLong(args.get(1));
    long step = args.size() == 3 ? Py.toLong(args.get(2)) : 1;
    if (step == 0) {
      throw new JinjaException("range() arg 3 must not be zero");
    }
    long n = step > 0 ? Math.max(0, (stop - start + step - 1) / step)
        : Math.max(0, (start - stop - step - 1) / -step);
    if (n > MAX_RANGE) {
      throw new JinjaException("Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
          + MAX_RANGE + ").");
    }
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add(start + i * step);
    }
    return out;
  }
}
