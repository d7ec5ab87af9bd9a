package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.corpus.Corpora;
import io.trawl.eval.Measure;
import io.trawl.io.TopicsAndQrels;
import io.trawl.rerank.registry.Rerankers;
import io.trawl.search.Retrievers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code trawl list}, and the lists of names in README.md and docs/ against the registries. */
class ListCommandTest {
  private static List<String> list(String kind) {
    DeclaredCliTest.Result r = DeclaredCliTest.run("list", kind);
    assertEquals(0, r.code(), r.err());
    return r.out().lines().toList();
  }

  @Test
  void listsComeFromTheRegistries() {
    assertEquals(List.copyOf(Retrievers.registry().names()), list("retrievers"));
    assertEquals(List.copyOf(Rerankers.registry().names()), list("rerankers"));
    assertEquals(List.copyOf(Corpora.REGISTRY.names()), list("formats"));
    assertEquals(List.copyOf(TopicsAndQrels.names()), list("topics"));
    assertEquals(Measure.names(), list("measures"));
    assertTrue(list("measures").contains("nDCG[@k]"), "ir_measures names with their shape");
    assertTrue(list("encoders").contains("bge-small-en-v1.5"));
  }

  @Test
  void unknownKindListsTheValidOnes() {
    DeclaredCliTest.Result r = DeclaredCliTest.run("list", "rerankerz");
    assertEquals(2, r.code());
    assertEquals("trawl: error: unknown list 'rerankerz'; valid: retrievers, rerankers, fusion, formats,"
        + " encoders, measures, topics", r.err().strip());
  }

  /** The repository root (tests run there). */
  private static Path root() {
    return Path.of("").toAbsolutePath();
  }

  private static List<Path> docs() throws Exception {
    List<Path> files = new ArrayList<>(List.of(root().resolve("README.md")));
    try (Stream<Path> s = Files.walk(root().resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static Set<String> split(String names) {
    Set<String> out = new TreeSet<>();
    for (String n : names.split("[,|]")) {
      out.add(n.strip().replace("`", ""));
    }
    return out;
  }

  /**
   * Every list of names in the docs written as {@code trawl list KIND: a, b, c} (or {@code a | b})
   * and every {@code --collection a|b|c} equals the registry.
   */
  @Test
  void docsListsEqualTheRegistries() throws Exception {
    Pattern listed = Pattern.compile("trawl list (\\w+)\\)?: ([\\w.|, `-]+)");
    Pattern collection = Pattern.compile("--collection ((?:[\\w-]+\\|)+[\\w-]+)");
    int seen = 0;
    List<String> wrong = new ArrayList<>();
    for (Path f : docs()) {
      String text = Files.readString(f);
      Matcher m = listed.matcher(text);
      while (m.find()) {
        seen++;
        Set<String> expected = new TreeSet<>(RegistryNames.of(m.group(1)));
        if (!split(m.group(2)).equals(expected)) {
          wrong.add(f.getFileName() + ": '" + m.group() + "' but the registry has " + expected);
        }
      }
      Matcher c = collection.matcher(text);
      while (c.find()) {
        seen++;
        Set<String> expected = new TreeSet<>(Corpora.REGISTRY.names());
        if (!split(c.group(1)).equals(expected)) {
          wrong.add(f.getFileName() + ": '" + c.group() + "' but the registry has " + expected);
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(seen >= 5, "README and docs list the retrievers, rerankers and formats: " + seen);
  }

  /** topics-and-qrels/README.md names every registered topics name (BEIR names by pattern). */
  @Test
  void topicsReadmeNamesEveryRegisteredName() throws Exception {
    String text = Files.readString(root().resolve("topics-and-qrels/README.md"));
    Set<String> documented = new LinkedHashSet<>();
    Matcher table = Pattern.compile("(?m)^\\| (`[^|]+`) \\|").matcher(text);
    while (table.find()) {
      for (String n : table.group(1).split(",")) {
        documented.add(n.strip().replace("`", ""));
      }
    }
    Matcher beir = Pattern.compile("BEIR names: ([^.]+)\\.", Pattern.DOTALL).matcher(text);
    assertTrue(beir.find(), "a 'BEIR names:' paragraph");
    String names = beir.group(1).replaceAll("\\s+", " ");
    Matcher braces = Pattern.compile("([\\w-]+)\\{([^}]+)}").matcher(names);
    StringBuilder expanded = new StringBuilder();
    while (braces.find()) {
      List<String> parts = new ArrayList<>();
      for (String p : braces.group(2).split(",")) {
        parts.add(braces.group(1) + p.strip());
      }
      braces.appendReplacement(expanded, String.join(", ", parts));
    }
    braces.appendTail(expanded);
    for (String n : expanded.toString().split(",")) {
      documented.add("beir-" + n.strip() + "-test");
    }
    documented.remove("beir-<name>-test");
    Set<String> registered = new TreeSet<>(TopicsAndQrels.names());
    assertEquals(registered, new TreeSet<>(documented));
    assertFalse(registered.isEmpty());
  }
}
