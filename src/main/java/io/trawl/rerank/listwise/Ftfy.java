package io.trawl.rerank.listwise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ftfy.fix_text(text)} with its default configuration (ftfy 6.3.1, Robyn Speer), which
 * RankLLM applies to passages and to the rendered prompt before RankZephyr and FIRST read it: per
 * line, until nothing changes, HTML entities unescaped (only while no line so far contained
 * "&lt;"), mojibake decoded (text that was UTF-8 read as Latin-1, Windows-1252, -1250, -1251, -1253,
 * -1254, -1257, ISO-8859-2, MacRoman or CP437, with ftfy's "badness" heuristic deciding when to
 * try), C1 controls read as Windows-1252, Latin ligatures split, full-width characters and U+3000
 * made normal width, curly quotes straightened, line breaks made "\n", lone surrogates replaced,
 * terminal escapes and control characters removed, NFC.
 *
 * <p>The algorithm is ftfy's; its data (byte tables of the encodings, width and ligature maps, HTML
 * entities, the character classes of its "badness" regex and UTF-8 detector) was written by running ftfy:
 * {@code src/test/python/ftfy_tables.py} -> {@code ftfy-tables.json}. {@code FtfyTest} compares
 * with ftfy's own output on the DL19/DL20 passages it changes and on crafted strings.
 */
public final class Ftfy {
  private static final int MAX_SEGMENT = 1_000_000;
  private static final Pattern HTML_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
  private static final Pattern ANSI = Pattern.compile("\u001b\\[(?:\\p{Nd}|;)*[a-zA-Z]");
  private static final Pattern A_GRAVE_WORD = Pattern.compile("\u00c3 (?! |quele|quela|quilo|s )");
  private static final Pattern ALTERED_UTF8 = Pattern.compile(
      "[\u00c2\u00c3\u00c5\u00ce\u00d0\u00d9][ ]"
          + "|[\u00e2\u00e3][ ][\u0080-\u0084\u0086-\u009f\u00a1-\u00bf]"
          + "|[\u00e0-\u00e3][\u0080-\u0084\u0086-\u009f\u00a1-\u00bf][ ]"
          + "|[\u00f0][ ][\u0080-\u00bf][\u0080-\u00bf]"
          + "|[\u00f0][\u0080-\u00bf][ ][\u0080-\u00bf]"
          + "|[\u00f0][\u0080-\u00bf][\u0080-\u00bf][ ]");
  private static final Pattern LOSSY_UTF8 = Pattern.compile(
      "[\u00c2-\u00df][\u001a]"
          + "|[\u00c2-\u00c3][?]"
          + "|\u00ed[\u00a0-\u00af][\u001a?]\u00ed[\u00b0-\u00bf][\u001a?\u0080-\u00bf]"
          + "|\u00ed[\u00a0-\u00af][\u001a?\u0080-\u00bf]\u00ed[\u00b0-\u00bf][\u001a?]"
          + "|[\u00e0-\u00ef][\u001a?][\u001a\u0080-\u00bf]"
          + "|[\u00e0-\u00ef][\u001a\u0080-\u00bf][\u001a?]"
          + "|[\u00f0-\u00f4][\u001a?][\u001a\u0080-\u00bf][\u001a\u0080-\u00bf]"
          + "|[\u00f0-\u00f4][\u001a\u0080-\u00bf][\u001a?][\u001a\u0080-\u00bf]"
          + "|[\u00f0-\u00f4][\u001a\u0080-\u00bf][\u001a\u0080-\u00bf][\u001a?]"
          + "|\u001a");
  private static final String LOSSY_REPLACEMENT = "\u00ef\u00bf\u00bd"; // the bytes of U+FFFD

  private Ftfy() {}

  /** The tables ftfy-tables.json holds, read once. */
  private static final class Tables {
    static final Tables INSTANCE = new Tables();

    final List<String> encodings = new ArrayList<>();
    final List<int[]> decode = new ArrayList<>();
    final List<Map<Integer, Integer>> encode = new ArrayList<>();
    final List<Set<Integer>> possible = new ArrayList<>();
    final int[] windows1252 = new int[256];
    final Map<Integer, String> width = new HashMap<>();
    final Map<Integer, String> ligatures = new HashMap<>();
    final Set<Integer> control = new HashSet<>();
    final Map<String, String> entities = new HashMap<>();
    final Map<Integer, String> invalidCharrefs = new HashMap<>();
    final Set<Integer> invalidCodepoints = new HashSet<>();
    final List<Branch> badness = new ArrayList<>();
    final Map<Integer, List<Branch>> badnessByFirst = new HashMap<>();
    final List<Branch> badnessAnyFirst = new ArrayList<>();
    final CharClass notAfter;
    final List<Unit> units = new ArrayList<>();

    private Tables() {
      JsonNode root;
      try (InputStream in = Ftfy.class.getResourceAsStream("ftfy-tables.json")) {
        root = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (JsonNode name : root.path("charmap_encodings")) {
        encodings.add(name.asText());
        JsonNode t = root.path("decode_tables").path(name.asText());
        int[] table = new int[256];
        Map<Integer, Integer> inverse = new HashMap<>();
        Set<Integer> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
          table[b] = t.get(b).asInt();
          inverse.put(table[b], b);
        }
        // ftfy's possible_encoding: \x00-\x19, \x1b-\x7f and the characters of bytes 0x80-0xff, 0x1a
        for (int c = 0; c < 0x80; c++) {
          if (c != 0x1a) {
            chars.add(c);
          }
        }
        for (int b = 0x80; b < 0x100; b++) {
          chars.add(table[b]);
        }
        chars.add(table[0x1a]);
        decode.add(table);
        encode.add(inverse);
        possible.add(chars);
      }
      for (int b = 0; b < 256; b++) {
        windows1252[b] = root.path("windows_1252_strict").get(b).asInt();
      }
      root.path("width_map").fields().forEachRemaining(
          e -> width.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
      root.path("ligatures").fields().forEachRemaining(
          e -> ligatures.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
      root.path("control_chars").forEach(c -> control.add(c.asInt()));
      root.path("html_entities").fields().forEachRemaining(
          e -> entities.put(e.getKey(), e.getValue().asText()));
      root.path("invalid_charrefs").fields().forEachRemaining(
          e -> invalidCharrefs.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
      root.path("invalid_codepoints").forEach(c -> invalidCodepoints.add(c.asInt()));
      for (JsonNode b : root.path("badness_branches")) {
        List<Token> tokens = new ArrayList<>();
        for (JsonNode tok : b.path("tokens")) {
          tokens.add(new Token(charClass(tok.path("class")), tok.path("min").asInt(),
              tok.path("max").asInt()));
        }
        Branch branch = new Branch(b.path("at_start").asBoolean(), tokens.toArray(new Token[0]));
        badness.add(branch);
        CharClass first = branch.tokens[0].cls;
        if (branch.atStart || first.negate || first.space || first.word || branch.tokens[0].min == 0) {
          badnessAnyFirst.add(branch);
        } else {
          for (int[] r : first.ranges) {
            for (int cp = r[0]; cp <= r[1]; cp++) {
              badnessByFirst.computeIfAbsent(cp, k -> new ArrayList<>()).add(branch);
            }
          }
        }
      }
      JsonNode detector = root.path("utf8_detector");
      notAfter = charClass(detector.path("not_after"));
      for (JsonNode u : detector.path("units")) {
        units.add(new Unit(charClass(u.path("first")), charClass(u.path("continuation")),
            u.path("count").asInt()));
      }
    }

    private static CharClass charClass(JsonNode c) {
      List<int[]> ranges = new ArrayList<>();
      c.path("ranges").forEach(r -> ranges.add(new int[] {r.get(0).asInt(), r.get(1).asInt()}));
      return new CharClass(ranges.toArray(new int[0][]), c.path("negate").asBoolean(),
          c.path("space").asBoolean(), c.path("word").asBoolean());
    }
  }

  /** One alternative of the UTF-8 detector: a first byte's character, then {@code count} continuations. */
  private record Unit(CharClass first, CharClass continuation, int count) {}

  /** A regex character class: code point ranges, Python's \\s and \\w, maybe negated. */
  private record CharClass(int[][] ranges, boolean negate, boolean space, boolean word) {
    boolean contains(int cp) {
      boolean in = (space && io.trawl.core.PyStrings.isSpace(cp))
          || (word && (cp == '_' || Character.isLetter(cp) || isNumber(cp)));
      for (int i = 0; !in && i < ranges.length; i++) {
        in = cp >= ranges[i][0] && cp <= ranges[i][1];
      }
      return in != negate;
    }

    private static boolean isNumber(int cp) {
      int t = Character.getType(cp);
      return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER
          || t == Character.OTHER_NUMBER;
    }
  }

  /** A class repeated min..max times. */
  private record Token(CharClass cls, int min, int max) {}

  /** One alternative of the badness regex: a sequence of tokens, maybe anchored at the start. */
  private record Branch(boolean atStart, Token[] tokens) {}

  /** ftfy's {@code is_bad}: whether the badness regex matches anywhere in {@code text}. */
  static boolean isBad(String text) {
    Tables t = Tables.INSTANCE;
    int[] cps = text.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      List<Branch> byFirst = t.badnessByFirst.get(cps[i]);
      if (byFirst != null) {
        for (Branch b : byFirst) {
          if (matches(b.tokens, 0, cps, i)) {
            return true;
          }
        }
      }
      for (Branch b : t.badnessAnyFirst) {
        if ((!b.atStart || i == 0) && matches(b.tokens, 0, cps, i)) {
          return true;
        }
      }
    }
    // a branch that may match the empty string (none does today) would match at the end
    return false;
  }

  /** Whether tokens[k..] match at cps[pos..] (greedy, with backtracking over repeat counts). */
  private static boolean matches(Token[] tokens, int k, int[] cps, int pos) {
    if (k == tokens.length) {
      return true;
    }
    Token tok = tokens[k];
    int n = 0;
    while (n < tok.max && pos + n < cps.length && tok.cls.contains(cps[pos + n])) {
      n++;
    }
    for (; n >= tok.min; n--) {
      if (matches(tokens, k + 1, cps, pos + n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The spans (code point offsets) ftfy's UTF-8 detector matches: {@code (?<![strict continuation])
   * ([first of 2][continuation] | [first of 3][continuation]{2} | [first of 4][continuation]{3})+},
   * leftmost and longest, not overlapping.
   */
  private static List<int[]> utf8Spans(int[] cps) {
    Tables t = Tables.INSTANCE;
    List<int[]> spans = new ArrayList<>();
    int i = 0;
    while (i < cps.length) {
      if (i > 0 && t.notAfter.contains(cps[i - 1])) {
        i++;
        continue;
      }
      int end = i;
      while (true) {
        int unit = utf8Unit(cps, end);
        if (unit == 0) {
          break;
        }
        end += unit;
      }
      if (end > i) {
        spans.add(new int[] {i, end});
        i = end;
      } else {
        i++;
      }
    }
    return spans;
  }

  /**
   * The length of one "unit" of the UTF-8 detector at {@code i} (its alternatives tried in order,
   * as the regex does), 0 when none matches.
   */
  private static int utf8Unit(int[] cps, int i) {
    if (i >= cps.length) {
      return 0;
    }
    for (Unit u : Tables.INSTANCE.units) {
      if (!u.first.contains(cps[i]) || i + u.count >= cps.length) {
        continue;
      }
      boolean ok = true;
      for (int k = 1; k <= u.count && ok; k++) {
        ok = u.continuation.contains(cps[i + k]);
      }
      if (ok) {
        return u.count + 1;
      }
    }
    return 0;
  }



  /** {@code ftfy.fix_text(text)}: the text split after each "\n", each segment fixed. */
  public static String fixText(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean unescape = true; // unescape_html="auto": off for good once a segment holds '<'
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl + 1;
      if (end - pos > MAX_SEGMENT) {
        end = pos + MAX_SEGMENT;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
          end++;
        }
      }
      String segment = text.substring(pos, end);
      if (unescape && segment.indexOf('<') >= 0) {
        unescape = false;
      }
      out.append(fixSegment(segment, unescape));
      pos = end;
    }
    return out.toString();
  }

  private static String fixSegment(String text, boolean unescape) {
    boolean html = unescape && text.indexOf('<') < 0;
    Tables t = Tables.INSTANCE;
    while (true) {
      String orig = text;
      if (html) {
        text = unescapeHtml(text);
      }
      text = fixEncoding(text);
      text = fixC1Controls(text);
      text = translate(text, t.ligatures);
      text = translate(text, t.width);
      text = uncurlQuotes(text);
      text = fixLineBreaks(text);
      text = fixSurrogates(text);
      text = ANSI.matcher(text).replaceAll("");
      text = removeControlChars(text);
      text = Normalizer.normalize(text, Normalizer.Form.NFC);
      if (text.equals(orig)) {
        return text;
      }
    }
  }

  /** {@code ftfy.fix_encoding}: one-step encoding fixes until nothing changes. */
  static String fixEncoding(String text) {
    while (true) {
      String prev = text;
      text = fixEncodingOneStep(text);
      if (text.equals(prev)) {
        return text;
      }
    }
  }

  private static String fixEncodingOneStep(String text) {
    if (text.isEmpty() || isAscii(text) || !isBad(text)) {
      return text;
    }
    Tables t = Tables.INSTANCE;
    List<String> possible = new ArrayList<>();
    for (int e = 0; e < t.encodings.size(); e++) {
      String encoding = t.encodings.get(e);
      if (!possibleEncoding(text, e)) {
        continue;
      }
      possible.add(encoding);
      String bytes = encode(text, e); // one char per byte, 0-255
      if (!encoding.equals("macroman") && ALTERED_UTF8.matcher(bytes).find()) {
        bytes = restoreByteA0(bytes);
      }
      if (encoding.startsWith("sloppy")) {
        bytes = LOSSY_UTF8.matcher(bytes).replaceAll(LOSSY_REPLACEMENT);
      }
      String fixed = bytes.indexOf('\u00ed') >= 0 || bytes.indexOf('\u00c0') >= 0
          ? decodeUtf8Variants(bytes) : decodeUtf8(bytes);
      if (fixed != null) {
        return fixed;
      }
    }
    int[] cps = text.codePoints().toArray();
    List<int[]> spans = utf8Spans(cps);
    if (!spans.isEmpty()) {
      String fixed = decodeInconsistentUtf8(cps, spans);
      if (!fixed.equals(text)) {
        return fixed;
      }
    }
    if (possible.contains("latin-1")) {
      // ftfy tries strict Windows-1252 only when "windows-1252" is not possible, which it never is
      StringBuilder sb = new StringBuilder(text.length());
      boolean ok = true;
      for (int i = 0; i < text.length() && ok; i++) {
        int c = t.windows1252[text.charAt(i)];
        ok = c >= 0;
        sb.append((char) c);
      }
      if (ok && !sb.toString().equals(text)) {
        return sb.toString();
      }
    }
    if (hasC1(text)) {
      return fixC1Controls(text);
    }
    return text;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean possibleEncoding(String text, int e) {
    Set<Integer> chars = Tables.INSTANCE.possible.get(e);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (!chars.contains(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static String encode(String text, int e) {
    Map<Integer, Integer> inverse = Tables.INSTANCE.encode.get(e);
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      sb.append((char) (int) inverse.get((int) text.charAt(i)));
    }
    return sb.toString();
  }

  private static String restoreByteA0(String bytes) {
    String b = A_GRAVE_WORD.matcher(bytes).replaceAll("\u00c3\u00a0 ");
    Matcher m = ALTERED_UTF8.matcher(b);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group().replace(' ', '\u00a0')));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Strict UTF-8 of bytes held one per char; null when they are not valid UTF-8. */
  private static String decodeUtf8(String bytes) {
    byte[] b = new byte[bytes.length()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes.charAt(i);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * ftfy's "utf-8-variants": UTF-8 that also accepts Java's C0 80 for NUL and CESU-8 surrogate
   * pairs (ED A0-AF xx ED B0-BF xx); null when invalid.
   */
  private static String decodeUtf8Variants(String bytes) {
    StringBuilder out = new StringBuilder();
    int n = bytes.length();
    int start = 0;
    int i = 0;
    while (i < n) {
      int b = bytes.charAt(i);
      if (b == 0xc0 && i + 1 < n && bytes.charAt(i + 1) == 0x80) {
        String part = decodeUtf8(bytes.substring(start, i));
        if (part == null) {
          return null;
        }
        out.append(part).append('\0');
        i += 2;
        start = i;
      } else if (b == 0xed && i + 5 < n && in(bytes.charAt(i + 1), 0xa0, 0xaf)
          && in(bytes.charAt(i + 2), 0x80, 0xbf) && bytes.charAt(i + 3) == 0xed
          && in(bytes.charAt(i + 4), 0xb0, 0xbf) && in(bytes.charAt(i + 5), 0x80, 0xbf)) {
        String part = decodeUtf8(bytes.substring(start, i));
        if (part == null) {
          return null;
        }
        int cp = ((bytes.charAt(i + 1) & 0x0f) << 16) + ((bytes.charAt(i + 2) & 0x3f) << 10)
            + ((bytes.charAt(i + 4) & 0x0f) << 6) + (bytes.charAt(i + 5) & 0x3f) + 0x10000;
        out.appendCodePoint(cp);
        i += 6;
        start = i;
      } else {
        i++;
      }
    }
    String rest = decodeUtf8(bytes.substring(start));
    return rest == null ? null : out.append(rest).toString();
  }

  private static boolean in(char c, int lo, int hi) {
    return c >= lo && c <= hi;
  }

  private static String decodeInconsistentUtf8(int[] cps, List<int[]> spans) {
    StringBuilder sb = new StringBuilder();
    int last = 0;
    for (int[] span : spans) {
      sb.append(new String(cps, last, span[0] - last));
      String sub = new String(cps, span[0], span[1] - span[0]);
      sb.append(span[1] - span[0] < cps.length && isBad(sub) ? fixEncoding(sub) : sub);
      last = span[1];
    }
    return sb.append(new String(cps, last, cps.length - last)).toString();
  }

  private static boolean hasC1(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 && c <= 0x9f) {
        return true;
      }
    }
    return false;
  }

  private static String fixC1Controls(String text) {
    if (!hasC1(text)) {
      return text;
    }
    int[] sloppy1252 = Tables.INSTANCE.decode.get(Tables.INSTANCE.encodings.indexOf("sloppy-windows-1252"));
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sb.append(c >= 0x80 && c <= 0x9f ? (char) sloppy1252[c] : c);
    }
    return sb.toString();
  }

  private static String unescapeHtml(String text) {
    Matcher m = HTML_ENTITY.matcher(text);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      String entity = m.group();
      String rep = Tables.INSTANCE.entities.get(entity);
      if (rep == null) {
        rep = entity.startsWith("&#") ? numericCharref(entity) : entity;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, last, m.start()).append(rep);
      last = m.end();
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /** html.unescape of "&#...;" as ftfy keeps it: the entity itself when it is not a number. */
  private static String numericCharref(String entity) {
    String body = entity.substring(2, entity.length() - 1);
    boolean hex = !body.isEmpty() && (body.charAt(0) == 'x' || body.charAt(0) == 'X');
    String digits = hex ? body.substring(1) : body;
    if (digits.isEmpty() || !digits.matches(hex ? "[0-9a-fA-F]+" : "[0-9]+")) {
      return entity;
    }
    java.math.BigInteger big = new java.math.BigInteger(digits, hex ? 16 : 10);
    if (big.bitLength() > 31) {
      return "\ufffd";
    }
    int num = big.intValue();
    Tables t = Tables.INSTANCE;
    if (t.invalidCharrefs.containsKey(num)) {
      return t.invalidCharrefs.get(num);
    }
    if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) {
      return "\ufffd";
    }
    if (t.invalidCodepoints.contains(num)) {
      return "";
    }
    return new String(Character.toChars(num));
  }

  private static String translate(String text, Map<Integer, String> map) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      String rep = map.get(cp);
      if (rep != null && sb == null) {
        sb = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (sb != null) {
        if (rep != null) {
          sb.append(rep);
        } else {
          sb.appendCodePoint(cp);
        }
      }
      i += Character.charCount(cp);
    }
    return sb == null ? text : sb.toString();
  }

  private static String uncurlQuotes(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      char r = c == '\u02bc' || (c >= '\u2018' && c <= '\u201b') ? '\''
          : c >= '\u201c' && c <= '\u201f' ? '"' : c;
      if (r != c && sb == null) {
        sb = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (sb != null) {
        sb.append(r);
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static String fixLineBreaks(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n')
        .replace('\u2029', '\n').replace('\u0085', '\n');
  }

  private static String fixSurrogates(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
          && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)));
      if (Character.isHighSurrogate(c) && !lone) {
        if (sb != null) {
          sb.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (lone && sb == null) {
        sb = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (sb != null) {
        sb.append(lone ? '\ufffd' : c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static String removeControlChars(String text) {
    Set<Integer> control = Tables.INSTANCE.control;
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      boolean drop = control.contains(cp);
      if (drop && sb == null) {
        sb = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (sb != null && !drop) {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return sb == null ? text : sb.toString();
  }
}
