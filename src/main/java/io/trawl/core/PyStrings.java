package io.trawl.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's str semantics where Trawl must reproduce Python programs exactly (chat templates,
 * RankLLM's passage formatting): {@code str.isspace}, {@code str.strip} and whitespace {@code
 * str.split}. Python's whitespace is wider than Java's {@code \s}: it includes the no-break space
 * U+00A0, U+3000, U+2000-U+200A, U+0085, U+1680, U+2028/9, U+202F, U+205F and U+001C-U+001F.
 */
public final class PyStrings {
  private PyStrings() {}

  /** Python's {@code str.isspace} for one code point (also what {@code \s} matches in Python's re). */
  public static boolean isSpace(int cp) {
    return switch (cp) {
      case '\t', '\n', 0x0b, 0x0c, '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85, 0xa0, 0x1680, 0x2028,
          0x2029, 0x202f, 0x205f, 0x3000 -> true;
      default -> cp >= 0x2000 && cp <= 0x200a;
    };
  }

  /**
   * Python's {@code s.strip(chars)} ({@code left} and {@code right} both), {@code lstrip} or
   * {@code rstrip}; {@code chars == null} strips Python whitespace.
   */
  public static String strip(String s, String chars, boolean left, boolean right) {
    int[] cp = s.codePoints().toArray();
    int[] set = chars == null ? null : chars.codePoints().toArray();
    int a = 0;
    int b = cp.length;
    if (left) {
      while (a < b && stripped(cp[a], set)) {
        a++;
      }
    }
    if (right) {
      while (b > a && stripped(cp[b - 1], set)) {
        b--;
      }
    }
    return new String(cp, a, b - a);
  }

  public static String strip(String s) {
    return strip(s, null, true, true);
  }

  private static boolean stripped(int c, int[] set) {
    if (set == null) {
      return isSpace(c);
    }
    for (int x : set) {
      if (x == c) {
        return true;
      }
    }
    return false;
  }

  /** Python's {@code s.split()}: the runs of non-whitespace, at most {@code max} of them (-1: all). */
  public static List<String> split(String s, int max) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n && (max < 0 || out.size() < max)) {
      while (i < n && isSpace(s.codePointAt(i))) {
        i += Character.charCount(s.codePointAt(i));
      }
      if (i >= n) {
        break;
      }
      int j = i;
      while (j < n && !isSpace(s.codePointAt(j))) {
        j += Character.charCount(s.codePointAt(j));
      }
      out.add(s.substring(i, j));
      i = j;
    }
    return out;
  }
}
