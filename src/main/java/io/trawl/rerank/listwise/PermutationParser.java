package io.trawl.rerank.listwise;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a model's ranking answer ("[2] > [1] > [3]") into a permutation of window positions,
 * following RankGPT's parsing (Sun et al., 2023):
 *
 * <ol>
 *   <li>digits only: every character that is not a decimal digit ({@link Character#isDigit}, so
 *       full-width digits such as "１２" count, as Python's {@code str.isdigit} does) separates
 *       numbers; "[10]" is 10 but "[1][0]" is 1 then 0;
 *   <li>1-based identifiers become 0-based positions;
 *   <li>the first occurrence of an identifier wins, later repeats are dropped;
 *   <li>out-of-range identifiers (0, or above the window size) are dropped;
 *   <li>positions never mentioned are appended in their original order.
 * </ol>
 *
 * With {@code alphabetic} identifiers (FIRST's [A], [B], ...) the letters A-Z (and a-z, and
 * full-width Ａ-Ｚ) inside brackets are read instead of digits.
 *
 * <p>Each answer is also classified for the run's statistics ({@link Outcome}).
 */
public final class PermutationParser {
  private PermutationParser() {}

  /** What a parse found. {@code permutation[r]} is the original position placed at rank r. */
  public record Result(int[] permutation, boolean wrongFormat, boolean repetition,
      boolean missing, boolean outOfRange) {
    public boolean ok() {
      return !wrongFormat && !repetition && !missing && !outOfRange;
    }
  }

  /** Parses a numeric answer for a window of {@code n} passages. */
  public static Result parse(String response, int n) {
    return parse(response, n, false);
  }

  public static Result parse(String response, int n, boolean alphabetic) {
    List<Integer> ids = alphabetic ? letters(response) : numbers(response);
    boolean[] seen = new boolean[n];
    int[] perm = new int[n];
    int k = 0;
    boolean repetition = false;
    boolean outOfRange = false;
    for (int id : ids) {
      int pos = id - 1;
      if (pos < 0 || pos >= n) {
        outOfRange = true;
        continue;
      }
      if (seen[pos]) {
        repetition = true;
        continue;
      }
      seen[pos] = true;
      perm[k++] = pos;
    }
    boolean missing = k < n;
    for (int i = 0; i < n; i++) {
      if (!seen[i]) {
        perm[k++] = i;
      }
    }
    boolean wrongFormat = ids.isEmpty() || !wellFormed(response, alphabetic);
    return new Result(perm, wrongFormat, repetition, missing, outOfRange);
  }

  /** Maximal runs of decimal digits (any script), as integers (saturating). */
  static List<Integer> numbers(String s) {
    List<Integer> out = new ArrayList<>();
    long cur = -1;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isDigit(cp)) {
        int d = Character.digit(cp, 10);
        cur = cur < 0 ? d : Math.min(Integer.MAX_VALUE, cur * 10 + d);
      } else if (cur >= 0) {
        out.add((int) cur);
        cur = -1;
      }
    }
    if (cur >= 0) {
      out.add((int) cur);
    }
    return out;
  }

  /** Letters inside brackets: "[B] > [A]" gives 2, 1. */
  static List<Integer> letters(String s) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i + 2 < s.length(); i++) {
      char open = s.charAt(i);
      char c = s.charAt(i + 1);
      char close = s.charAt(i + 2);
      if ((open == '[' || open == '［') && (close == ']' || close == '］')) {
        int v = letterValue(c);
        if (v > 0) {
          out.add(v);
        }
      }
    }
    return out;
  }

  private static int letterValue(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 1;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 1;
    }
    if (c >= 'Ａ' && c <= 'Ｚ') {
      return c - 'Ａ' + 1;
    }
    return -1;
  }

  /**
   * True when the answer is only "[id] > [id] > ..." (whitespace allowed; a trailing period
   * tolerated).
   */
  static boolean wellFormed(String response, boolean alphabetic) {
    String s = response.strip();
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    String id = alphabetic ? "[A-Za-z]" : "\\p{Nd}+";
    return s.matches("\\[" + id + "\\](\\s*>\\s*\\[" + id + "\\])*");
  }
}
