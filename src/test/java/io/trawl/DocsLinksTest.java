package io.trawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/ points to a file that exists, and a link to a heading
 * ({@code page.md#heading}, {@code #heading}) to a heading of that page, by GitHub's anchor rule.
 */
class DocsLinksTest {
  /** {@code [text](target)} or {@code [text](target "title")}; images too. */
  private static final Pattern INLINE = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  /** {@code [label]: target} at the start of a line. */
  private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s+<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("(?m)^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

  private static Path root() {
    return Path.of("").toAbsolutePath();
  }

  private static List<Path> pages() throws IOException {
    List<Path> files = new ArrayList<>(List.of(root().resolve("README.md")));
    try (Stream<Path> s = Files.walk(root().resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** The text without fenced code blocks and inline code spans, where brackets are not links. */
  static String prose(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
        fenced = !fenced;
        out.append('\n');
        continue;
      }
      out.append(fenced ? "" : line.replaceAll("`+[^`]*`+", "``")).append('\n');
    }
    return out.toString();
  }

  /** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
  static String anchor(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        sb.appendCodePoint(c);
      } else if (c == ' ') {
        sb.append('-');
      }
    });
    return sb.toString();
  }

  /** Every anchor of a page, duplicates numbered as GitHub numbers them. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new HashSet<>();
    StringBuilder text = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
        fenced = !fenced;
      } else if (!fenced) {
        text.append(line).append('\n');
      }
    }
    Matcher m = HEADING.matcher(text);
    while (m.find()) {
      String a = anchor(m.group(1));
      String candidate = a;
      for (int n = 1; !out.add(candidate); n++) {
        candidate = a + "-" + n;
      }
    }
    return out;
  }

  /** The broken links of one page, as "page: target (why)". */
  static List<String> broken(Path page) throws IOException {
    String markdown = Files.readString(page);
    String prose = prose(markdown);
    List<String> targets = new ArrayList<>();
    for (Pattern p : List.of(INLINE, REFERENCE)) {
      Matcher m = p.matcher(prose);
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    List<String> out = new ArrayList<>();
    String name = root().relativize(page).toString();
    for (String target : targets) {
      if (SCHEME.matcher(target).find()) {
        continue;
      }
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      String fragment = hash < 0 ? null : target.substring(hash + 1);
      Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
      if (!Files.exists(resolved)) {
        out.add(name + ": " + target + " (no such file)");
      } else if (fragment != null && resolved.toString().endsWith(".md")
          && !anchors(Files.readString(resolved)).contains(fragment)) {
        out.add(name + ": " + target + " (no such heading)");
      }
    }
    return out;
  }

  @Test
  void everyRelativeLinkPointsToAnExistingFile() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      broken.addAll(broken(page));
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theCheckFindsBrokenLinksAndSkipsCode(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("there.md"), "# A heading, with `code`\n\n## A heading, with code\n");
    Path page = tmp.resolve("page.md");
    Files.writeString(page, String.join("\n",
        "[ok](there.md) [ok too](there.md#a-heading-with-code-1) [self](#top) [web](https://x.org/y)",
        "[gone](missing.md) [bad anchor](there.md#nowhere)",
        "`[not a link](missing.md)`",
        "```",
        "[not a link either](missing.md)",
        "```",
        "[ref]: missing-too.md",
        "# Top"));
    List<String> found = broken(page);
    assertEquals(3, found.size(), found.toString());
    assertTrue(found.get(0).endsWith("missing.md (no such file)"), found.toString());
    assertTrue(found.get(1).endsWith("there.md#nowhere (no such heading)"), found.toString());
    assertTrue(found.get(2).endsWith("missing-too.md (no such file)"), found.toString());
  }
}
