package io.trawl.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text of an HTML document as Anserini's TREC and TREC Web collections take it: Anserini runs
 * {@code Jsoup.parse(html).text()} (jsoup 1.15.3, in Anserini 1.x and 2.x). This is a single pass
 * over the document that follows the HTML tokenizer as jsoup implements it, and jsoup's rules for
 * {@code text()}; it builds no tree.
 *
 * <ul>
 *   <li><b>Tags</b>: a {@code <} starts a tag only before an ASCII letter ({@code <25%} is text);
 *       {@code </} before a letter is an end tag, {@code </>} is dropped, {@code </} before
 *       anything else and {@code <?} start a bogus comment that runs to the next {@code >}. A
 *       tag runs to its {@code >}, and quoted attribute values may hold {@code >}; jsoup ends a
 *       tag name or an attribute list at a {@code <} too. A tag cut off by the end of the
 *       document is dropped with the rest of it.
 *   <li><b>Comments</b> ({@code <!-- ... -->}, also {@code --!>}, {@code <!-->}), DOCTYPEs and
 *       other {@code <!...>} declarations are dropped; {@code <![CDATA[...]]>} is text, as is.
 *   <li><b>Script and style</b> content is dropped (script data, with the HTML escaping rules
 *       for {@code <!--} and nested {@code <script>}); {@code title} and {@code textarea} hold
 *       text with character references (and, as in jsoup, end where another tag starts when no
 *       end tag follows); {@code noframes, xmp, iframe, noembed} hold raw text, which jsoup
 *       keeps; {@code plaintext} makes the rest of the document text.
 *   <li><b>Character references</b>: jsoup's way: the named references of the HTML standard
 *       ({@code html-entities.txt}), the 106 legacy ones also without {@code ;}, the others only
 *       with it; a name is read as letters then digits, all of it, or not at all ({@code &ampx}
 *       stays as written); numeric ones in decimal or hex, with or without {@code ;},
 *       Windows-1252 for 128-159, U+FFFD for surrogates and values past U+10FFFF.
 *   <li><b>Spaces</b>: runs of space, tab, CR, LF, FF and no-break space become one space, except
 *       inside {@code pre, textarea, title, plaintext} and CDATA, which are kept as they are;
 *       zero-width space and soft hyphen are dropped. A block element ({@code p, div, td, li,
 *       h1, title, ...}, jsoup's list) and {@code br} put a space before themselves, and a
 *       block element ending right before text puts one after itself; inline elements
 *       ({@code b, a, span, font, sub}, unknown tags) join the text around them
 *       ({@code H<sub>2</sub>O} is {@code H2O}). The result is trimmed.
 * </ul>
 *
 * <p>What is not modelled is jsoup's tree building beyond an open-element stack (implied
 * elements, text moved out of tables, misnested formatting elements); it moves or spaces text
 * differently only in malformed corners. {@code HtmlTextTest} holds cases whose expected text
 * is jsoup 1.15.3's output.
 */
public final class HtmlText {
  private static final Set<String> BLOCK = Set.of("html", "head", "body", "frameset", "script",
      "noscript", "style", "meta", "link", "title", "frame", "noframes", "section", "nav", "aside",
      "hgroup", "header", "footer", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre",
      "div", "blockquote", "hr", "address", "figure", "figcaption", "form", "fieldset", "ins",
      "del", "dl", "dt", "dd", "li", "table", "caption", "thead", "tfoot", "tbody", "colgroup",
      "col", "tr", "th", "td", "video", "audio", "canvas", "details", "menu", "plaintext",
      "template", "article", "main", "svg", "math", "center", "dir", "applet", "marquee",
      "listing");
  private static final Set<String> VOID = Set.of("meta", "link", "base", "frame", "img", "br",
      "wbr", "embed", "hr", "input", "keygen", "col", "command", "device", "area", "basefont",
      "bgsound", "menuitem", "param", "source", "track");
  private static final Set<String> PRESERVE = Set.of("pre", "plaintext", "title", "textarea");
  /** Start tags that do not begin the body (jsoup's "in head" rules take them). */
  private static final Set<String> HEAD_LEVEL = Set.of("html", "head", "base", "basefont",
      "bgsound", "command", "link", "meta", "title", "noscript", "noframes", "style", "script",
      "template");
  private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
  /** Start tags jsoup ignores outside a table (and frame outside a frameset). */
  private static final Set<String> TABLE_PARTS = Set.of("caption", "col", "colgroup", "tbody",
      "td", "tfoot", "th", "thead", "tr", "frame");
  private static final Set<String> RAWTEXT = Set.of("style", "noframes", "xmp", "iframe", "noembed");
  /** jsoup looks this many elements up for a whitespace-preserving one. */
  private static final int PRESERVE_LEVELS = 6;
  /** How far down the open elements an end tag looks for its element. */
  private static final int MAX_SCOPE = 256;
  private static final int[] WIN1252 = {0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020,
      0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019,
      0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E,
      0x178};

  /** Named references: name -> code points; legacy names also valid without {@code ;}. */
  private static final Map<String, int[]> ENTITIES = new HashMap<>(4096);
  private static final Set<String> LEGACY;

  static {
    java.util.HashSet<String> legacy = new java.util.HashSet<>();
    try (InputStream in = HtmlText.class.getResourceAsStream("html-entities.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.charAt(0) == '#') {
          continue;
        }
        int tab = line.indexOf('\t');
        String name = line.substring(0, tab);
        if (name.endsWith("*")) {
          name = name.substring(0, name.length() - 1);
          legacy.add(name);
        }
        String[] hex = line.substring(tab + 1).split(" ");
        int[] cps = new int[hex.length];
        for (int i = 0; i < hex.length; i++) {
          cps[i] = Integer.parseInt(hex[i], 16);
        }
        ENTITIES.put(name, cps);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LEGACY = Set.copyOf(legacy);
  }

  private final String s;
  private final int n;
  private int pos;
  private final StringBuilder out;
  private String[] stack = new String[32];
  private int depth;
  /** The depth at which a block element just ended (text there gets a space first), or -1. */
  private int tailDepth = -1;
  private boolean seenHtml;
  private boolean seenHead;
  private boolean seenBody;

  private HtmlText(String html) {
    this.s = html;
    this.n = html.length();
    this.out = new StringBuilder(Math.min(n, 1 << 20));
  }

  /** The text of {@code html}, as {@code Jsoup.parse(html).text()}. */
  public static String text(String html) {
    HtmlText h = new HtmlText(html);
    h.run();
    return h.out.toString().trim();
  }

  private void run() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '<') {
        pos++;
        tagOpen();
      } else if (c == '&') {
        pos++;
        charRef(false);
      } else {
        int end = pos;
        while (end < n && s.charAt(end) != '<' && s.charAt(end) != '&') {
          end++;
        }
        chars(pos, end);
        pos = end;
      }
    }
  }

  // ---------------------------------------------------------------- tokenizer

  private static boolean asciiAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean letter(char c) {
    return asciiAlpha(c) || Character.isLetter(c);
  }

  private static boolean ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  /** After {@code <} in data. */
  private void tagOpen() {
    if (pos >= n) {
      chars("<");
      return;
    }
    char c = s.charAt(pos);
    if (c == '!') {
      pos++;
      markupDeclaration();
    } else if (c == '/') {
      pos++;
      if (pos >= n) {
        chars("</");
      } else if (asciiAlpha(s.charAt(pos))) {
        tag(false);
      } else if (s.charAt(pos) == '>') {
        pos++;
      } else {
        bogusComment();
      }
    } else if (c == '?') {
      bogusComment();
    } else if (asciiAlpha(c)) {
      tag(true);
    } else {
      chars("<");
    }
  }

  /** Skips to after the next {@code >} (or the end). */
  private void bogusComment() {
    int gt = s.indexOf('>', pos);
    pos = gt < 0 ? n : gt + 1;
    node();
  }

  private void markupDeclaration() {
    if (s.startsWith("--", pos)) {
      pos += 2;
      comment();
    } else if (s.regionMatches(true, pos, "DOCTYPE", 0, 7)) {
      int gt = s.indexOf('>', pos);
      pos = gt < 0 ? n : gt + 1;
    } else if (s.startsWith("[CDATA[", pos)) {
      int end = s.indexOf("]]>", pos + 7);
      int stop = end < 0 ? n : end;
      String data = s.substring(pos + 7, stop);
      pos = end < 0 ? n : end + 3;
      textNode(data, true);
    } else {
      bogusComment();
    }
  }

  /** A comment, after {@code <!--}: jsoup's comment states. */
  private void comment() {
    node();
    // comment start: "-->" right away or "->" end it
    if (pos < n && s.charAt(pos) == '>') {
      pos++;
      return;
    }
    if (pos + 1 < n && s.charAt(pos) == '-' && s.charAt(pos + 1) == '>') {
      pos += 2;
      return;
    }
    if (pos < n && s.charAt(pos) == '-') {
      pos++; // comment start dash; "--" follows below as comment end
      if (pos < n && s.charAt(pos) == '-') {
        pos++;
        if (commentEnd()) {
          return;
        }
      }
    }
    while (pos < n) {
      int dash = s.indexOf('-', pos);
      if (dash < 0) {
        pos = n;
        return;
      }
      pos = dash + 1;
      if (pos < n && s.charAt(pos) == '-') {
        pos++;
        if (commentEnd()) {
          return;
        }
      }
    }
  }

  /** After {@code --} in a comment: true when the comment ended. */
  private boolean commentEnd() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (c == '>') {
        return true;
      }
      if (c == '-') {
        continue;
      }
      if (c == '!') {
        if (pos >= n) {
          return true;
        }
        char d = s.charAt(pos++);
        if (d == '>') {
          return true;
        }
        if (d == '-') {
          // "--!-": comment end dash
          if (pos < n && s.charAt(pos) == '-') {
            pos++;
            continue;
          }
          return false;
        }
        return false;
      }
      return false;
    }
    return true;
  }

  /** A start or end tag whose name begins at {@code pos}. */
  private void tag(boolean start) {
    int from = pos;
    while (pos < n) {
      char c = s.charAt(pos);
      if (ws(c) || c == '/' || c == '>' || c == '<') {
        break;
      }
      pos++;
    }
    String name = s.substring(from, pos).toLowerCase(Locale.ENGLISH);
    int end = tagRest();
    if (end == DROPPED) {
      return;
    }
    if (start) {
      startTag(name, end == SELF_CLOSING);
    } else {
      endTag(name);
    }
  }

  private static final int DROPPED = 0;
  private static final int EMITTED = 1;
  private static final int SELF_CLOSING = 2;

  /**
   * The rest of a tag after its name (attributes), jsoup's states: {@link #DROPPED} when the
   * document ends inside it, else {@link #EMITTED} or {@link #SELF_CLOSING}; {@code pos} ends
   * after the tag (before a {@code <} that ended it).
   */
  private int tagRest() {
    if (pos >= n) {
      return DROPPED;
    }
    char c = s.charAt(pos++);
    if (c == '<') {
      pos--;
      return EMITTED;
    }
    if (c == '>') {
      return EMITTED;
    }
    if (c == '/') {
      return selfClosing();
    }
    return beforeAttributeName();
  }

  private int selfClosing() {
    if (pos >= n) {
      return DROPPED;
    }
    if (s.charAt(pos) == '>') {
      pos++;
      return SELF_CLOSING;
    }
    return beforeAttributeName();
  }

  private int beforeAttributeName() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (ws(c)) {
        continue;
      }
      switch (c) {
        case '/':
          return selfClosing();
        case '<':
          pos--;
          return EMITTED;
        case '>':
          return EMITTED;
        case '"', '\'', '=':
          return attributeName();
        default:
          pos--;
          return attributeName();
      }
    }
    return DROPPED;
  }

  private int attributeName() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (ws(c)) {
        return afterAttributeName();
      }
      switch (c) {
        case '/':
          return selfClosing();
        case '=':
          return beforeAttributeValue();
        case '>':
          return EMITTED;
        default:
          // '"', '\'', '<' and the rest belong to the name
      }
    }
    return DROPPED;
  }

  private int afterAttributeName() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (ws(c)) {
        continue;
      }
      switch (c) {
        case '/':
          return selfClosing();
        case '=':
          return beforeAttributeValue();
        case '>':
          return EMITTED;
        case '"', '\'', '<':
          return attributeName();
        default:
          pos--;
          return attributeName();
      }
    }
    return DROPPED;
  }

  private int beforeAttributeValue() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (ws(c)) {
        continue;
      }
      switch (c) {
        case '"', '\'': {
          int close = s.indexOf(c, pos);
          if (close < 0) {
            pos = n;
            return DROPPED;
          }
          pos = close + 1;
          return afterQuotedValue();
        }
        case '>':
          return EMITTED;
        case '&':
          pos--;
          return unquotedValue();
        default:
          // '<', '=', '`' and the rest start the value
          return unquotedValue();
      }
    }
    return EMITTED; // jsoup emits the tag when the document ends before a value
  }

  private int unquotedValue() {
    while (pos < n) {
      char c = s.charAt(pos++);
      if (ws(c)) {
        return beforeAttributeName();
      }
      if (c == '>') {
        return EMITTED;
      }
    }
    return DROPPED;
  }

  private int afterQuotedValue() {
    if (pos >= n) {
      return DROPPED;
    }
    char c = s.charAt(pos++);
    if (ws(c)) {
      return beforeAttributeName();
    }
    if (c == '/') {
      return selfClosing();
    }
    if (c == '>') {
      return EMITTED;
    }
    pos--;
    return beforeAttributeName();
  }

  /**
   * At {@code </} in raw text, RCDATA or script data: whether an end tag for {@code name}
   * starts here (letters naming it, then a space, {@code /} or {@code >}); {@code pos} is
   * after {@code </}. Leaves {@code pos} after the name when it does.
   */
  private boolean appropriateEndTag(String name) {
    if (pos >= n || !asciiAlpha(s.charAt(pos))) {
      return false;
    }
    int p = pos;
    while (p < n && letter(s.charAt(p))) {
      p++;
    }
    if (p >= n || !s.substring(pos, p).toLowerCase(Locale.ENGLISH).equals(name)) {
      return false;
    }
    char c = s.charAt(p);
    if (ws(c) || c == '/' || c == '>') {
      pos = p;
      return true;
    }
    return false;
  }

  /** Content of a raw text element, to its end tag; kept unless it is style. */
  private void rawText(String name) {
    int from = pos;
    while (pos < n) {
      int lt = s.indexOf("</", pos);
      if (lt < 0) {
        break;
      }
      pos = lt + 2;
      if (appropriateEndTag(name)) {
        if (!name.equals("style")) {
          textNode(s.substring(from, lt), false);
        }
        if (tagRest() != DROPPED) {
          endTag(name);
        }
        return;
      }
    }
    pos = n;
    if (!name.equals("style")) {
      textNode(s.substring(from), false);
    }
  }

  /** Content of title or textarea: text with character references, to its end tag. */
  private void rcdata(String name) {
    String upper = "</" + name.toUpperCase(Locale.ENGLISH);
    String lower = "</" + name;
    // where the next "</name" (either case) starts, found again only once pos has passed it, so
    // that a text full of "<x" stays linear (-1: none after pos, and none later either)
    int nextLower = s.indexOf(lower, pos);
    int nextUpper = s.indexOf(upper, pos);
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '&') {
        pos++;
        charRef(true);
      } else if (c == '<') {
        pos++;
        if (pos < n && s.charAt(pos) == '/') {
          pos++;
          int mark = pos;
          if (appropriateEndTag(name)) {
            if (tagRest() != DROPPED) {
              endTag(name);
            }
            return;
          }
          pos = mark;
          chars("</");
        } else if (pos < n && asciiAlpha(s.charAt(pos))
            && (nextLower = next(lower, nextLower)) < 0 && (nextUpper = next(upper, nextUpper)) < 0) {
          // jsoup: no end tag anywhere after, so the element ends here and this is a tag
          endTag(name);
          tagOpen();
          return;
        } else {
          chars("<");
        }
      } else {
        int end = pos;
        while (end < n && s.charAt(end) != '<' && s.charAt(end) != '&') {
          end++;
        }
        chars(pos, end);
        pos = end;
      }
    }
  }

  /** The first {@code needle} at or after pos, given the last answer {@code known}. */
  private int next(String needle, int known) {
    return known < 0 || known >= pos ? known : s.indexOf(needle, pos);
  }

  /** Script data to its end tag (dropped), with the escaping states for comments. */
  private void scriptData() {
    int state = 0; // 0 data, 1 escaped, 2 double escaped
    while (pos < n) {
      char c = s.charAt(pos++);
      if (state == 0) {
        if (c != '<' || pos >= n) {
          continue;
        }
        char d = s.charAt(pos);
        if (d == '/') {
          pos++;
          if (appropriateEndTag("script")) {
            if (tagRest() != DROPPED) {
              endTag("script");
            }
            return;
          }
        } else if (d == '!') {
          pos++;
          if (s.startsWith("--", pos)) {
            pos += 2;
            state = escapedDashDash(1);
            if (state < 0) {
              return;
            }
          }
        }
      } else {
        if (c == '-') {
          if (pos < n && s.charAt(pos) == '-') {
            pos++;
            state = escapedDashDash(state);
            if (state < 0) {
              return;
            }
          }
          continue;
        }
        if (c != '<') {
          continue;
        }
        state = escapedLessThan(state);
        if (state < 0) {
          return;
        }
      }
    }
  }

  /** After {@code --} in (double) escaped script data: back to data at {@code >}. */
  private int escapedDashDash(int state) {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '-') {
        pos++;
        continue;
      }
      if (c == '>') {
        pos++;
        return 0;
      }
      if (c == '<') {
        pos++;
        return escapedLessThan(state);
      }
      return state;
    }
    return state;
  }

  /** After {@code <} in (double) escaped script data; -1 when the script ended. */
  private int escapedLessThan(int state) {
    if (pos >= n) {
      return state;
    }
    char c = s.charAt(pos);
    if (state == 1) {
      if (c == '/') {
        pos++;
        if (appropriateEndTag("script")) {
          if (tagRest() != DROPPED) {
            endTag("script");
          }
          return -1;
        }
        return 1;
      }
      if (asciiAlpha(c)) {
        return doubleEscape() ? 2 : 1;
      }
      return 1;
    }
    if (c == '/') {
      pos++;
      return doubleEscape() ? 1 : 2;
    }
    return 2;
  }

  /** Letters naming {@code script} (case as written) then a space, {@code /} or {@code >}. */
  private boolean doubleEscape() {
    int from = pos;
    while (pos < n && letter(s.charAt(pos))) {
      pos++;
    }
    if (pos >= n) {
      return false;
    }
    char c = s.charAt(pos);
    if (ws(c) || c == '/' || c == '>') {
      boolean script = s.startsWith("script", from) && pos - from == 6;
      pos++;
      return script;
    }
    return false;
  }

  /** A character reference after {@code &}, jsoup's way; {@code &} itself when there is none. */
  private void charRef(boolean rcdata) {
    if (pos >= n) {
      chars("&");
      return;
    }
    char c = s.charAt(pos);
    if (ws(c) || c == '<' || c == '&') {
      chars("&");
      return;
    }
    if (c == '#') {
      int p = pos + 1;
      boolean hex = p < n && (s.charAt(p) == 'x' || s.charAt(p) == 'X');
      if (hex) {
        p++;
      }
      int from = p;
      while (p < n && (Character.digit(s.charAt(p), hex ? 16 : 10) >= 0 && s.charAt(p) < 128)) {
        p++;
      }
      if (p == from) {
        chars("&");
        return;
      }
      int value;
      try {
        value = Integer.parseInt(s, from, p, hex ? 16 : 10);
      } catch (NumberFormatException e) {
        value = -1;
      }
      if (p < n && s.charAt(p) == ';') {
        p++;
      }
      pos = p;
      if (value < 0 || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
        value = 0xFFFD;
      } else if (value >= 0x80 && value < 0x80 + WIN1252.length) {
        value = WIN1252[value - 0x80];
      } else if (value == 0) {
        value = ' '; // jsoup passes a NUL through; as a separator it tokenizes alike
      }
      chars(new String(Character.toChars(value)));
      return;
    }
    int p = pos;
    while (p < n && letter(s.charAt(p))) {
      p++;
    }
    while (p < n && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
      p++;
    }
    String name = s.substring(pos, p);
    boolean semicolon = p < n && s.charAt(p) == ';';
    int[] cps = ENTITIES.get(name);
    if (cps == null || !(LEGACY.contains(name) || semicolon)) {
      chars("&");
      return;
    }
    pos = semicolon ? p + 1 : p;
    chars(new String(cps, 0, cps.length));
  }

  // ---------------------------------------------------------------- tree and text

  /** A node other than text is created at the current depth (a following text is not next to an ended block). */
  private void node() {
    if (tailDepth == depth) {
      tailDepth = -1;
    }
  }

  private void startTag(String name, boolean selfClosing) {
    switch (name) {
      case "html" -> {
        if (seenHtml) {
          return; // jsoup merges it into the html element it has
        }
      }
      case "head" -> {
        if (seenHead) {
          return;
        }
        seenHead = true;
      }
      case "body" -> {
        if (seenBody) {
          return;
        }
        seenHead = seenBody = true;
      }
      default -> {
        if (TABLE_PARTS.contains(name) && !open(name.equals("frame") ? "frameset" : "table")) {
          return;
        }
        if (!HEAD_LEVEL.contains(name) && !seenBody) {
          impliedBody();
        }
      }
    }
    seenHtml = true;
    node();
    boolean block = BLOCK.contains(name);
    if (block || name.equals("br")) {
      space();
    }
    if (VOID.contains(name) || selfClosing) {
      // jsoup 1.15.3 makes any <x/> an empty element, even <div/>, <script/> or <iframe/>
      if (block) {
        tailDepth = depth;
      }
      if (selfClosing && name.equals("plaintext")) {
        textNode(s.substring(pos), false); // the plaintext state still follows
        pos = n;
      }
      return;
    }
    push(name);
    if ((name.equals("pre") || name.equals("listing")) && pos < n && s.charAt(pos) == '\n') {
      pos++; // a line feed right after the start tag is dropped
    }
    if (name.equals("script")) {
      scriptData();
    } else if (RAWTEXT.contains(name)) {
      rawText(name);
    } else if (name.equals("title") || name.equals("textarea")) {
      rcdata(name);
    } else if (name.equals("plaintext")) {
      textNode(s.substring(pos), false);
      pos = n;
    }
  }

  private void endTag(String name) {
    if (name.equals("body") || name.equals("html")) {
      return; // jsoup keeps them open: later text still goes into the body
    }
    if (name.equals("br")) {
      startTag("br", false);
      return;
    }
    boolean heading = HEADINGS.contains(name);
    boolean inline = !BLOCK.contains(name);
    int floor = Math.max(0, depth - MAX_SCOPE);
    for (int i = depth - 1; i >= floor; i--) {
      String open = stack[i];
      if (open.equals(name) || (heading && HEADINGS.contains(open))) {
        depth = i;
        tailDepth = BLOCK.contains(open) ? depth : -1;
        return;
      }
      if (inline && BLOCK.contains(open)) {
        break; // an end tag does not close past a block element (jsoup's "special" ones)
      }
    }
    if (name.equals("p")) {
      // jsoup inserts an empty <p> for a stray </p>
      node();
      space();
      tailDepth = depth;
    }
  }

  private boolean open(String name) {
    for (int i = depth - 1; i >= 0; i--) {
      if (stack[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  private void push(String name) {
    if (depth == stack.length) {
      stack = java.util.Arrays.copyOf(stack, depth * 2);
    }
    stack[depth++] = name;
  }

  /** A space unless the text is empty or ends with one. */
  private void space() {
    int len = out.length();
    if (len > 0 && out.charAt(len - 1) != ' ') {
      out.append(' ');
    }
  }

  /** The body begins without a body tag: jsoup inserts the (block) element. */
  private void impliedBody() {
    seenHtml = seenHead = seenBody = true;
    if (depth > 0 && stack[depth - 1].equals("head")) {
      depth--; // jsoup closes the head first
      tailDepth = depth;
    }
    node();
    space();
  }

  /** Whether text here is inside an element of the head (title, style, ...), not the body. */
  /** Whether {@code t} is nothing but HTML's white space (no-break space is not). */
  private static boolean htmlSpace(String t) {
    for (int i = 0; i < t.length(); i++) {
      if (!ws(t.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean inHeadElement() {
    if (depth == 0) {
      return false;
    }
    String top = stack[depth - 1];
    return HEAD_LEVEL.contains(top) && !top.equals("html") && !top.equals("head");
  }

  private boolean preserving() {
    for (int i = depth - 1, k = 0; i >= 0 && k < PRESERVE_LEVELS; i--, k++) {
      if (PRESERVE.contains(stack[i])) {
        return true;
      }
    }
    return false;
  }

  private void chars(int from, int to) {
    if (from < to) {
      textNode(s.substring(from, to), false);
    }
  }

  private void chars(String t) {
    textNode(t, false);
  }

  /** Appends text (one text node or part of one), normalised unless kept as is. */
  private void textNode(String t, boolean asIs) {
    if (t.isEmpty()) {
      return;
    }
    if (!seenBody && !inHeadElement() && !htmlSpace(t)) {
      impliedBody();
    }
    if (tailDepth == depth) {
      space();
      tailDepth = -1;
    }
    if (asIs || preserving()) {
      out.append(t);
      return;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (ws(c) || c == '\u00a0') {
        int len = out.length();
        if (len > 0 && out.charAt(len - 1) != ' ') {
          out.append(' ');
        }
      } else if (c != '\u200b' && c != '\u00ad') {
        out.append(c);
      }
    }
  }
}
