package io.trawl.model.llm.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * jinja2's lexer with Hugging Face's settings ({@code trim_blocks}, {@code lstrip_blocks}, no
 * trailing newline kept): template text, {@code {{ }}}, {@code {% %}} (with {@code -}/{@code +}
 * whitespace control), comments, {@code raw} blocks, and the tokens inside tags.
 */
final class Lexer {
  enum Kind {
    DATA, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OP, EOF
  }

  record Token(Kind kind, String text, Object value, int line) {
    boolean is(Kind k, String t) {
      return kind == k && text.equals(t);
    }

    boolean isName(String n) {
      return kind == Kind.NAME && text.equals(n);
    }

    boolean isOp(String o) {
      return kind == Kind.OP && text.equals(o);
    }

    String describe() {
      return switch (kind) {
        case EOF -> "end of template";
        case VAR_END -> "end of print statement";
        case BLOCK_END -> "end of statement block";
        case STRING -> "string";
        default -> "'" + text + "'";
      };
    }
  }

  private static final String[] OPERATORS = {"**", "//", "==", "!=", ">=", "<=", "+", "-", "/",
      "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

  private final String src;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private int line = 1;
  private boolean lineStarting = true;

  private Lexer(String source) {
    this.src = normalize(source);
  }

  static List<Token> tokenize(String source) {
    Lexer lx = new Lexer(source);
    lx.run();
    return lx.out;
  }

  /** Newlines become "\n"; one trailing newline is dropped (jinja2's keep_trailing_newline=False). */
  static String normalize(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private JinjaException error(String msg) {
    return new JinjaException(msg, line, false);
  }

  private void emit(Kind k, String text, Object value) {
    out.add(new Token(k, text, value, line));
  }

  private void advance(int to) {
    for (int i = pos; i < to; i++) {
      if (src.charAt(i) == '\n') {
        line++;
      }
    }
    if (to > pos) {
      lineStarting = src.charAt(to - 1) == '\n';
    }
    pos = to;
  }

  private void run() {
    while (pos < src.length()) {
      int tag = nextTag(pos);
      if (tag < 0) {
        emitData(src.substring(pos));
        advance(src.length());
        break;
      }
      char type = src.charAt(tag + 1);
      char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
      boolean signed = sign == '-' || sign == '+';
      int rawEnd = type == '%' ? rawBegin(tag + 2) : -1;
      String text = src.substring(pos, tag);
      text = controlled(text, signed ? sign : 0, type != '{');
      emitData(text);
      int afterOpen = tag + 2 + (signed ? 1 : 0);
      if (rawEnd >= 0) {
        advance(rawEnd);
        raw();
      } else if (type == '#') {
        advance(afterOpen);
        comment();
      } else if (type == '{') {
        advance(afterOpen);
        emit(Kind.VAR_BEGIN, "{{", null);
        inside(false);
      } else {
        advance(afterOpen);
        emit(Kind.BLOCK_BEGIN, "{%", null);
        inside(true);
      }
    }
    emit(Kind.EOF, "", null);
  }

  /** Applies "-" (strip all whitespace before the tag) or lstrip_blocks to the text before a tag. */
  private String controlled(String text, char sign, boolean block) {
    if (sign == '-') {
      return Py.strip(text, null, false, true);
    }
    if (sign != '+' && block) {
      int l = text.lastIndexOf('\n') + 1;
      if ((l > 0 || lineStarting) && l < text.length() && allSpace(text, l, text.length())) {
        return text.substring(0, l);
      }
    }
    return text;
  }

  private static boolean allSpace(String s, int from, int to) {
    for (int i = from; i < to; ) {
      int cp = s.codePointAt(i);
      if (!Py.isSpace(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private void emitData(String text) {
    if (!text.isEmpty()) {
      emit(Kind.DATA, text, text);
    }
  }

  /** The start of the next "{{", "{%" or "{#" at or after {@code from}, or -1. */
  private int nextTag(int from) {
    int i = from;
    while (true) {
      i = src.indexOf('{', i);
      if (i < 0 || i + 1 >= src.length()) {
        return -1;
      }
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i++;
    }
  }

  private int skipSpace(int i) {
    while (i < src.length()) {
      int cp = src.codePointAt(i);
      if (!Py.isSpace(cp)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  /** If "{%" at {@code at-2} opens "raw", the index after its closing "%}", else -1. */
  private int rawBegin(int at) {
    int i = at;
    if (i < src.length() && (src.charAt(i) == '-' || src.charAt(i) == '+')) {
      i++;
    }
    i = skipSpace(i);
    if (!src.startsWith("raw", i)) {
      return -1;
    }
    i = skipSpace(i + 3);
    if (src.startsWith("-%}", i)) {
      return skipSpace(i + 3);
    }
    return src.startsWith("%}", i) ? i + 2 : -1;
  }

  private void raw() {
    int search = pos;
    while (true) {
      int tag = src.indexOf("{%", search);
      if (tag < 0) {
        throw error("Missing end of raw directive");
      }
      int i = tag + 2;
      char sign = i < src.length() && (src.charAt(i) == '-' || src.charAt(i) == '+') ? src.charAt(i) : 0;
      i = skipSpace(i + (sign != 0 ? 1 : 0));
      if (src.startsWith("endraw", i)) {
        int j = skipSpace(i + 6);
        int end = closeBlock(j);
        if (end >= 0) {
          String text = controlled(src.substring(pos, tag), sign, true);
          emitData(text);
          advance(end);
          return;
        }
      }
      search = tag + 2;
    }
  }

  /** The end of a block close at {@code i} ("+%}", "-%}" + whitespace, "%}" + one newline), or -1. */
  private int closeBlock(int i) {
    if (src.startsWith("+%}", i)) {
      return i + 3;
    }
    if (src.startsWith("-%}", i)) {
      return skipSpace(i + 3);
    }
    if (src.startsWith("%}", i)) {
      return i + 2 < src.length() && src.charAt(i + 2) == '\n' ? i + 3 : i + 2;
    }
    return -1;
  }

  private void comment() {
    int end = src.indexOf("#}", pos);
    if (end < 0) {
      throw error("Missing end of comment tag");
    }
    char before = end > pos ? src.charAt(end - 1) : 0;
    int stop;
    if (before == '-') {
      stop = skipSpace(end + 2);
    } else if (before == '+') {
      stop = end + 2;
    } else {
      stop = end + 2 < src.length() && src.charAt(end + 2) == '\n' ? end + 3 : end + 2;
    }
    advance(stop);
  }

  /** Tokens inside {{ }} ({@code block=false}) or {% %}, up to and including the closing tag. */
  private void inside(boolean block) {
    List<Character> balance = new ArrayList<>();
    while (true) {
      if (pos >= src.length()) {
        throw error("unexpected end of template, expected '" + (block ? "%}" : "}}") + "'");
      }
      if (balance.isEmpty()) {
        int end = block ? closeBlock(pos) : closeVariable(pos);
        if (end >= 0) {
          advance(end);
          emit(block ? Kind.BLOCK_END : Kind.VAR_END, block ? "%}" : "}}", null);
          return;
        }
      }
      int cp = src.codePointAt(pos);
      if (Py.isSpace(cp)) {
        advance(skipSpace(pos));
        continue;
      }
      int start = pos;
      int num = number(pos);
      if (num > pos) {
        String t = src.substring(pos, num).replace("_", "");
        Object v;
        if (t.matches("(?i)0[box].*") || !(t.contains(".") || t.contains("e") || t.contains("E"))) {
          v = parseInteger(t);
          advance(num);
          out.add(new Token(Kind.INTEGER, src.substring(start, num), v, line));
        } else {
          v = Double.parseDouble(t);
          advance(num);
          out.add(new Token(Kind.FLOAT, src.substring(start, num), v, line));
        }
        continue;
      }
      if (cp == '_' || Character.isUnicodeIdentifierStart(cp)) {
        int i = pos + Character.charCount(cp);
        while (i < src.length()) {
          int c = src.codePointAt(i);
          if (c != '_' && !Character.isUnicodeIdentifierPart(c) || Character.isIdentifierIgnorable(c)) {
            break;
          }
          i += Character.charCount(c);
        }
        String name = src.substring(pos, i);
        emit(Kind.NAME, name, name);
        advance(i);
        continue;
      }
      if (cp == '\'' || cp == '"') {
        int end = stringEnd(pos);
        if (end < 0) {
          throw error("unexpected char " + Py.stringRepr(String.valueOf((char) cp)) + " at " + pos);
        }
        String body = src.substring(pos + 1, end - 1);
        emit(Kind.STRING, src.substring(pos, end), unescape(body));
        advance(end);
        continue;
      }
      String op = null;
      for (String o : OPERATORS) {
        if (src.startsWith(o, pos)) {
          op = o;
          break;
        }
      }
      if (op == null) {
        throw error("unexpected char " + Py.stringRepr(new String(Character.toChars(cp))) + " at " + pos);
      }
      switch (op) {
        case "{" -> balance.add('}');
        case "(" -> balance.add(')');
        case "[" -> balance.add(']');
        case "}", ")", "]" -> {
          if (balance.isEmpty()) {
            throw error("unexpected '" + op + "'");
          }
          char want = balance.remove(balance.size() - 1);
          if (want != op.charAt(0)) {
            throw error("unexpected '" + op + "', expected '" + want + "'");
          }
        }
        default -> { }
      }
      emit(Kind.OP, op, op);
      advance(pos + op.length());
    }
  }

  private int closeVariable(int i) {
    if (src.startsWith("-}}", i)) {
      return skipSpace(i + 3);
    }
    return src.startsWith("}}", i) ? i + 2 : -1;
  }

  /** The end of a number literal at {@code i} (jinja2's float_re, then integer_re), or i. */
  private int number(int i) {
    if (i >= src.length() || !isDigit(src.charAt(i))) {
      return i;
    }
    if (i > 0 && src.charAt(i - 1) == '.') {
      // float_re refuses a number right after '.', integer_re takes it (x.0.1 is x[0][1])
      return integerEnd(i);
    }
    int digits = digitsEnd(i);
    int j = digits;
    if (j < src.length() && src.charAt(j) == '.' && j + 1 < src.length() && isDigit(src.charAt(j + 1))) {
      j = digitsEnd(j + 1);
      int e = exponentEnd(j);
      return e > j ? e : j;
    }
    int e = exponentEnd(j);
    if (e > j) {
      return e;
    }
    return integerEnd(i);
  }

  private int integerEnd(int i) {
    if (src.charAt(i) == '0' && i + 1 < src.length()) {
      char p = Character.toLowerCase(src.charAt(i + 1));
      String allowed = p == 'b' ? "01" : p == 'o' ? "01234567" : p == 'x' ? "0123456789abcdef" : null;
      if (allowed != null) {
        int j = i + 2;
        int k = j;
        while (k < src.length()) {
          if (src.charAt(k) == '_' && k + 1 < src.length()
              && allowed.indexOf(Character.toLowerCase(src.charAt(k + 1))) >= 0) {
            k += 2;
          } else if (allowed.indexOf(Character.toLowerCase(src.charAt(k))) >= 0) {
            k++;
          } else {
            break;
          }
        }
        if (k > j) {
          return k;
        }
      }
      int k = i + 1;
      while (k < src.length() && (src.charAt(k) == '0'
          || src.charAt(k) == '_' && k + 1 < src.length() && src.charAt(k + 1) == '0')) {
        k += src.charAt(k) == '_' ? 2 : 1;
      }
      return k;
    }
    return digitsEnd(i);
  }

  private int digitsEnd(int i) {
    int k = i;
    while (k < src.length()) {
      if (isDigit(src.charAt(k))) {
        k++;
      } else if (src.charAt(k) == '_' && k + 1 < src.length() && isDigit(src.charAt(k + 1))) {
        k += 2;
      } else {
        break;
      }
    }
    return k;
  }

  private int exponentEnd(int j) {
    if (j < src.length() && (src.charAt(j) == 'e' || src.charAt(j) == 'E')) {
      int k = j + 1;
      if (k < src.length() && (src.charAt(k) == '+' || src.charAt(k) == '-')) {
        k++;
      }
      if (k < src.length() && isDigit(src.charAt(k))) {
        return digitsEnd(k);
      }
    }
    return j;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Long parseInteger(String t) {
    try {
      String l = t.toLowerCase(java.util.Locale.ROOT);
      if (l.startsWith("0x")) {
        return Long.parseLong(l.substring(2), 16);
      } else if (l.startsWith("0o")) {
        return Long.parseLong(l.substring(2), 8);
      } else if (l.startsWith("0b")) {
        return Long.parseLong(l.substring(2), 2);
      }
      return Long.parseLong(l);
    } catch (NumberFormatException e) {
      throw error("integer literal " + t + " is too large");
    }
  }

  /** The index after the closing quote of the string literal at {@code i}, or -1. */
  private int stringEnd(int i) {
    char q = src.charAt(i);
    int k = i + 1;
    while (k < src.length()) {
      char c = src.charAt(k);
      if (c == '\\') {
        k += 2;
      } else if (c == q) {
        return k + 1;
      } else {
        k++;
      }
    }
    return -1;
  }

  /** Python's "unicode-escape" decoding of a string literal's body, as jinja2 applies it. */
  private String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case '\n' -> { }
        case '\\' -> sb.append('\\');
        case '\'' -> sb.append('\'');
        case '"' -> sb.append('"');
        case 'a' -> sb.append('\u0007');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append('\u000b');
        case 'x', 'u', 'U' -> {
          int len = n == 'x' ? 2 : n == 'u' ? 4 : 8;
          String hex = s.substring(i + 1, Math.min(s.length(), i + 1 + len));
          if (hex.length() < len || !hex.matches("[0-9a-fA-F]+")) {
            throw error("truncated \\" + n + " escape in string literal");
          }
          int cp = Integer.parseUnsignedInt(hex, 16);
          if (cp > 0x10FFFF) {
            throw error("illegal Unicode character in string literal");
          }
          sb.appendCodePoint(cp);
          i += len;
        }
        default -> {
          if (n >= '0' && n <= '7') {
            int v = n - '0';
            int k = 1;
            while (k < 3 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7') {
              v = v * 8 + (s.charAt(++i) - '0');
              k++;
            }
            sb.append((char) v);
          } else {
            sb.append('\\').append(n);
          }
        }
      }
    }
    return sb.toString();
  }
}
