package io.trawl.core;

/**
 * Query and document ids as run files carry them: one field of a whitespace-separated line
 * ({@code qid Q0 docid rank score tag}). An id holding a space, tab, newline, carriage return,
 * vertical tab or form feed (the characters trec_eval's and Trawl's run readers split on) would be
 * written into a run that {@code eval} and {@code fuse} then reject or misread, so readers of
 * corpora, topics and candidate files refuse such ids where they read them, with the file and line.
 */
public final class Ids {
  private Ids() {}

  /**
   * Null when {@code id} can stand in a run file; otherwise what is wrong with it, e.g.
   * {@code docid 'a b' contains a space (ids are fields of whitespace-separated run lines)}.
   *
   * @param kind what the id names, for the message ({@code docid}, {@code query id})
   */
  public static String problem(String kind, String id) {
    for (int i = 0; i < id.length(); i++) {
      String what = switch (id.charAt(i)) {
        case ' ' -> "a space";
        case '\t' -> "a tab";
        case '\n' -> "a newline";
        case '\r' -> "a carriage return";
        case '\u000b' -> "a vertical tab";
        case '\f' -> "a form feed";
        default -> null;
      };
      if (what != null) {
        return kind + " '" + printable(id) + "' contains " + what
            + " (ids are fields of whitespace-separated run lines)";
      }
    }
    return null;
  }

  /** The id with tabs, newlines and other control characters escaped, for one-line messages. */
  static String printable(String id) {
    StringBuilder sb = new StringBuilder(id.length() + 8);
    int shown = 0;
    for (int i = 0; i < id.length() && shown < 200; i++, shown++) {
      char c = id.charAt(i);
      switch (c) {
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (shown < id.length()) {
      sb.append("...");
    }
    return sb.toString();
  }
}
