package io.trawl.model.llm.jinja;

import io.trawl.model.llm.jinja.Py.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Python's str, dict and list methods that templates call ({@code content.strip()}, {@code d.items()}, ...). */
final class Methods {
  private Methods() {}

  static final Set<String> STRING = Set.of("strip", "lstrip", "rstrip", "split", "rsplit",
      "splitlines", "startswith", "endswith", "upper", "lower", "title", "capitalize", "replace",
      "find", "rfind", "index", "rindex", "count", "join", "isdigit", "isalpha", "isalnum",
      "isspace", "isupper", "islower", "center", "ljust", "rjust", "zfill", "casefold",
      "removeprefix", "removesuffix");

  private static Object arg(List<Object> args, int i, Object dflt) {
    return i < args.size() ? args.get(i) : dflt;
  }

  private static String strArg(List<Object> args, int i, String method) {
    Object a = arg(args, i, null);
    if (!(a instanceof String s)) {
      throw new JinjaException(method + "() argument must be str, not " + Py.typeName(a));
    }
    return s;
  }

  static Object string(String s, String name, List<Object> args, Map<String, Object> kw) {
    switch (name) {
      case "strip", "lstrip", "rstrip": {
        Object chars = arg(args, 0, kw.get("chars"));
        return Py.strip(s, chars == null ? null : strArg(List.of(chars), 0, name),
            !name.equals("rstrip"), !name.equals("lstrip"));
      }
      case "split", "rsplit": {
        Object sep = arg(args, 0, kw.get("sep"));
        long max = Py.toLong(arg(args, 1, kw.getOrDefault("maxsplit", -1L)));
        List<Object> out = new ArrayList<>(split(s, sep == null ? null : strArg(List.of(sep), 0, name),
            max, name.equals("rsplit")));
        return out;
      }
      case "splitlines":
        return new ArrayList<Object>(splitlines(s, Py.truthy(arg(args, 0, kw.getOrDefault("keepends", false)))));
      case "startswith", "endswith": {
        Object p = arg(args, 0, null);
        List<Object> options = p instanceof Tuple t ? t.items() : List.of(p == null ? "" : p);
        for (Object o : options) {
          if (!(o instanceof String x)) {
            throw new JinjaException(name + " first arg must be str or a tuple of str, not " + Py.typeName(o));
          }
          if (name.equals("startswith") ? s.startsWith(x) : s.endsWith(x)) {
            return true;
          }
        }
        return false;
      }
      case "upper":
        return s.toUpperCase(Locale.ROOT);
      case "lower", "casefold":
        return s.toLowerCase(Locale.ROOT);
      case "title": {
        StringBuilder sb = new StringBuilder();
        boolean prevCased = false;
        for (int cp : Py.codePoints(s)) {
          String c = new String(Character.toChars(cp));
          sb.append(prevCased ? c.toLowerCase(Locale.ROOT) : titleCase(cp));
          prevCased = isCased(cp);
        }
        return sb.toString();
      }
      case "capitalize":
        return capitalize(s);
      case "replace":
        return replace(s, strArg(args, 0, name), strArg(args, 1, name),
            Py.toLong(arg(args, 2, -1L)));
      case "find", "rfind", "index", "rindex": {
        String sub = strArg(args, 0, name);
        int i = name.startsWith("r") ? s.lastIndexOf(sub) : s.indexOf(sub);
        if (i < 0 && name.endsWith("index")) {
          throw new JinjaException("substring not found");
        }
        return i < 0 ? -1L : (long) s.codePointCount(0, i);
      }
      case "count": {
        String sub = strArg(args, 0, name);
        if (sub.isEmpty()) {
          return Py.len(s) + 1;
        }
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
          n++;
        }
        return n;
      }
      case "join": {
        StringBuilder sb = new StringBuilder();
        List<Object> items = Py.iterate(arg(args, 0, List.of()));
        for (int i = 0; i < items.size(); i++) {
          if (!(items.get(i) instanceof String x)) {
            throw new JinjaException("sequence item " + i + ": expected str instance, "
                + Py.typeName(items.get(i)) + " found");
          }
          sb.append(i > 0 ? s : "").append(x);
        }
        return Py.checkedLength(sb.toString());
      }
      case "isdigit":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
      case "isalpha":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace":
        return !s.isEmpty() && s.codePoints().allMatch(Py::isSpace);
      case "isupper":
        return isCase(s, true);
      case "islower":
        return isCase(s, false);
      case "center", "ljust", "rjust": {
        long width = Py.toLong(arg(args, 0, 0L));
        String fill = arg(args, 1, " ") instanceof String f ? f : " ";
        long n = Py.len(s);
        if (width <= n) {
          return s;
        }
        long pad = Math.min(width, Py.MAX_STRING) - n;
        long left = name.equals("rjust") ? pad : name.equals("ljust") ? 0
            : pad / 2 + (pad & width & 1); // Python's center puts the odd space on the left
        return fill.repeat((int) left) + s + fill.repeat((int) (pad - left));
      }
      case "zfill": {
        long width = Math.min(Py.toLong(arg(args, 0, 0L)), Py.MAX_STRING);
        long n = Py.len(s);
        if (width <= n) {
          return s;
        }
        String zeros = "0".repeat((int) (width - n));
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
          return s.charAt(0) + zeros + s.substring(1);
        }
        return zeros + s;
      }
      case "removeprefix": {
        String p = strArg(args, 0, name);
        return s.startsWith(p) ? s.substring(p.length()) : s;
      }
      case "removesuffix": {
        String p = strArg(args, 0, name);
        return !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
      }
      default:
        throw new JinjaException("'str object' has no attribute '" + name + "'");
    }
  }

  static boolean isCased(int cp) {
    return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
  }

  private static String titleCase(int cp) {
    int t = Character.toTitleCase(cp);
    if (t != cp) {
      return new String(Character.toChars(t));
    }
    return new String(Character.toChars(cp)).toUpperCase(Locale.ROOT);
  }

  /** Python's str.capitalize: first character title-cased, the rest lower-cased. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int first = s.codePointAt(0);
    return titleCase(first) + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
  }

  /** Python's str.isupper / str.islower. */
  static boolean isCase(String s, boolean upper) {
    boolean cased = false;
    for (int cp : Py.codePoints(s)) {
      if (upper ? Character.isLowerCase(cp) || Character.isTitleCase(cp)
          : Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
        return false;
      }
      cased |= isCased(cp);
    }
    return cased;
  }

  /** Python's str.replace(old, new, count); an empty {@code old} inserts between characters. */
  static String replace(String s, String old, String rep, long count) {
    long max = count < 0 ? Long.MAX_VALUE : count;
    StringBuilder sb = new StringBuilder();
    if (old.isEmpty()) {
      int[] cps = Py.codePoints(s);
      long n = 0;
      for (int i = 0; i <= cps.length; i++) {
        if (n < max) {
          sb.append(rep);
          n++;
        }
        if (i < cps.length) {
          sb.appendCodePoint(cps[i]);
        }
        Py.checkedLength(sb.length() > Py.MAX_STRING ? sb.toString() : "");
      }
      return sb.toString();
    }
    int from = 0;
    long n = 0;
    for (int i = s.indexOf(old); i >= 0 && n < max; i = s.indexOf(old, from)) {
      sb.append(s, from, i).append(rep);
      from = i + old.length();
      n++;
      Py.checkedLength(sb.length() > Py.MAX_STRING ? sb.toString() : "");
    }
    return sb.append(s.substring(from)).toString();
  }

  /** Python's str.split / str.rsplit. */
  static List<String> split(String s, String sep, long maxsplit, boolean fromRight) {
    List<String> out = new ArrayList<>();
    long max = maxsplit < 0 ? Long.MAX_VALUE : maxsplit;
    if (sep != null) {
      if (sep.isEmpty()) {
        throw new JinjaException("empty separator");
      }
      if (!fromRight) {
        int from = 0;
        for (int i = s.indexOf(sep); i >= 0 && out.size() < max; i = s.indexOf(sep, from)) {
          out.add(s.substring(from, i));
          from = i + sep.length();
        }
        out.add(s.substring(from));
      } else {
        int to = s.length();
        while (out.size() < max) {
          int i = s.lastIndexOf(sep, to - sep.length());
          if (i < 0) {
            break;
          }
          out.add(0, s.substring(i + sep.length(), to));
          to = i;
        }
        out.add(0, s.substring(0, to));
      }
      return out;
    }
    int[] cps = Py.codePoints(s);
    if (!fromRight) {
      int i = 0;
      while (true) {
        while (i < cps.length && Py.isSpace(cps[i])) {
          i++;
        }
        if (i >= cps.length) {
          break;
        }
        if (out.size() >= max) {
          int end = cps.length;
          out.add(Py.fromCodePoints(cps, i, end));
          break;
        }
        int j = i;
        while (j < cps.length && !Py.isSpace(cps[j])) {
          j++;
        }
        out.add(Py.fromCodePoints(cps, i, j));
        i = j;
      }
    } else {
      int j = cps.length;
      while (true) {
        while (j > 0 && Py.isSpace(cps[j - 1])) {
          j--;
        }
        if (j <= 0) {
          break;
        }
        if (out.size() >= max) {
          out.add(0, Py.fromCodePoints(cps, 0, j));
          break;
        }
        int i = j;
        while (i > 0 && !Py.isSpace(cps[i - 1])) {
          i--;
        }
        out.add(0, Py.fromCodePoints(cps, i, j));
        j = i;
      }
    }
    return out;
  }

  /** Python's str.splitlines (\n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029). */
  static List<String> splitlines(String s, boolean keepEnds) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean br = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d
          || c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029;
      if (!br) {
        i++;
        continue;
      }
      int end = i + (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1);
      out.add(s.substring(start, keepEnds ? end : i));
      start = end;
      i = end;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  static Object dict(Map<?, ?> m, String name, List<Object> args) {
    switch (name) {
      case "items": {
        List<Object> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new Tuple(java.util.Arrays.asList(k, v))));
        return out;
      }
      case "keys":
        return new ArrayList<Object>(m.keySet());
      case "values":
        return new ArrayList<Object>(m.values());
      case "get": {
        Object k = Py.findKey(m, arg(args, 0, null));
        return k != Py.NO_KEY ? m.get(k) : arg(args, 1, null);
      }
      case "copy":
        return new java.util.LinkedHashMap<Object, Object>(m);
      default:
        throw new JinjaException("'dict object' has no attribute '" + name + "'");
    }
  }

  static Object list(List<?> l, String name, List<Object> args) {
    switch (name) {
      case "index": {
        for (int i = 0; i < l.size(); i++) {
          if (Py.eq(l.get(i), arg(args, 0, null))) {
            return (long) i;
          }
        }
        throw new JinjaException(Py.repr(arg(args, 0, null)) + " is not in list");
      }
      case "count":
        return l.stream().filter(x -> Py.eq(x, arg(args, 0, null))).count();
      case "copy":
        return new ArrayList<Object>(l);
      default:
        throw new JinjaException("'list object' has no attribute '" + name + "'");
    }
  }

  /** Python's int(str, base): optional sign, digits with single underscores, surrounding whitespace. */
  static Long parseInt(String s, int base) {
    String t = Py.strip(s, null, true, true);
    if (t.isEmpty() || t.contains("__") || t.startsWith("_") || t.endsWith("_")) {
      return null;
    }
    String digits = t.replace("_", "");
    boolean negative = digits.startsWith("-");
    if (negative || digits.startsWith("+")) {
      digits = digits.substring(1);
    }
    String lower = digits.toLowerCase(Locale.ROOT);
    int prefixBase = lower.startsWith("0x") ? 16 : lower.startsWith("0o") ? 8 : lower.startsWith("0b") ? 2 : 0;
    if (prefixBase != 0 && (base == prefixBase || base == 0)) {
      digits = digits.substring(2);
      base = prefixBase;
    } else if (base == 0) {
      if (digits.length() > 1 && digits.startsWith("0") && !digits.matches("0+")) {
        return null;
      }
      base = 10;
    }
    if (base < 2 || base > 36 || digits.isEmpty() || digits.startsWith("-") || digits.startsWith("+")) {
      return null;
    }
    try {
      long v = Long.parseLong(digits, base);
      return negative ? -v : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Python's float(str): decimal literals, inf, nan (any case), surrounding whitespace. */
  static Double parseFloat(String s) {
    String t = Py.strip(s, null, true, true).replace("_", "");
    String l = t.toLowerCase(Locale.ROOT);
    String body = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
    double sign = l.startsWith("-") ? -1 : 1;
    if (body.equals("inf") || body.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (!body.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
      return null;
    }
    return Double.parseDouble(t);
  }
}
