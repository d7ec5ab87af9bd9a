package io.trawl.io;

import io.trawl.core.InputException;
import io.trawl.core.Registry;
import io.trawl.core.TrawlException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic names for the topics and qrels shipped in the repository's {@code topics-and-qrels/}
 * folder ({@code dl19-passage}, {@code beir-scifact-test}, {@code cranfield}, ...), resolved to
 * files. A value that names an existing file is used as that file; then a known name; then a
 * file name inside the folder ({@code topics.dl19-passage.txt}); anything else fails with the
 * valid names and a "did you mean".
 *
 * <p>The folder is found from the system property {@code trawl.home} (the launcher passes the
 * repository root), else the current directory, else by walking up from the jar's location.
 */
public final class TopicsAndQrels {
  /** The folder name inside the Trawl home. */
  public static final String FOLDER = "topics-and-qrels";

  /** One named topic set: its topics file and (when judged here) its qrels file, by file name. */
  public record Entry(String name, String topicsFile, String qrelsFile) {}

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
  private static final Registry<Entry> REGISTRY = new Registry<>("topics name");

  private static final String[] BEIR = {
    "arguana", "bioasq", "climate-fever", "cqadupstack-android", "cqadupstack-english",
    "cqadupstack-gaming", "cqadupstack-gis", "cqadupstack-mathematica", "cqadupstack-physics",
    "cqadupstack-programmers", "cqadupstack-stats", "cqadupstack-tex", "cqadupstack-unix",
    "cqadupstack-webmasters", "cqadupstack-wordpress", "dbpedia-entity", "fever", "fiqa",
    "hotpotqa", "nfcorpus", "nq", "quora", "scidocs", "scifact", "signal1m", "trec-covid",
    "trec-news", "webis-touche2020"};

  static {
    add("dl19-passage", "topics.dl19-passage.txt", "qrels.dl19-passage.txt");
    add("dl20-passage", "topics.dl20.txt", "qrels.dl20-passage.txt");
    add("dl20", "topics.dl20.txt", "qrels.dl20-passage.txt");
    add("msmarco-passage-dev-subset", "topics.msmarco-passage.dev-subset.txt",
        "qrels.msmarco-passage.dev-subset.txt");
    add("msmarco-passage-dev-small", "topics.msmarco-passage.dev-subset.txt",
        "qrels.msmarco-passage.dev-subset.txt");
    for (String b : BEIR) {
      String topics = "topics.beir-v1.0.0-" + b + ".test.tsv.gz";
      String qrels = "qrels.beir-v1.0.0-" + b + ".test.txt";
      add("beir-" + b + "-test", topics, qrels);
    }
    add("dl19-doc", "topics.dl19-doc.txt", "qrels.dl19-doc.txt");
    add("dl20-doc", "topics.dl20.txt", "qrels.dl20-doc.txt");
    add("cranfield", "topics.cranfield.tsv", "qrels.cranfield.txt");
    add("robust04", "topics.robust04.txt", null);
    add("sparse-synthetic", "topics.sparse-synthetic.jsonl", "qrels.sparse-synthetic.txt");
  }

  /**
   * Pyserini's names for the same sets, accepted everywhere a name is ({@code trawl list topics}
   * shows Trawl's): {@code beir-v1.0.0-scifact-test} (and {@code beir-v1.0.0-scifact.test}, the
   * collection's name) for {@code beir-scifact-test}, {@code msmarco-passage-dev-subset} as is.
   */
  private static final Map<String, String> ALIASES = new LinkedHashMap<>();

  static {
    for (String b : BEIR) {
      ALIASES.put("beir-v1.0.0-" + b + "-test", "beir-" + b + "-test");
      ALIASES.put("beir-v1.0.0-" + b + ".test", "beir-" + b + "-test");
    }
  }

  private TopicsAndQrels() {}

  private static void add(String name, String topics, String qrels) {
    Entry e = new Entry(name, topics, qrels);
    ENTRIES.put(name, e);
    REGISTRY.register(name, p -> e);
  }

  /** Every known name, in registration order. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(ENTRIES.keySet());
  }

  /** The entry for a name, or null. */
  public static Entry entry(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return ENTRIES.get(ALIASES.getOrDefault(n, n));
  }

  /** True when {@code value} is a registered name (not a file). */
  public static boolean isName(String value) {
    return entry(value) != null;
  }

  /**
   * The topics file for a name or a path: an existing file (or {@code -}) is returned as is; a
   * known name resolves inside the topics-and-qrels folder; anything else is an error (exit 2).
   */
  public static String topics(String nameOrFile) {
    return resolve(nameOrFile, true);
  }

  /** The qrels file for a name or a path; see {@link #topics(String)}. */
  public static String qrels(String nameOrFile) {
    return resolve(nameOrFile, false);
  }

  private static String resolve(String value, boolean topics) {
    if ("-".equals(value) || Files.isRegularFile(Path.of(value))) {
      return value;
    }
    Entry e = entry(value);
    if (e == null) {
      Path inFolder = findFolder() == null || value.isBlank() ? null : findFolder().resolve(value);
      if (inFolder != null && Files.isRegularFile(inFolder)) {
        return inFolder.toString();
      }
      if (value.contains("/") || value.contains("\\") || value.contains(".")) {
        throw new InputException(value, "no such file, and not a known topics name");
      }
      throw TrawlException.invalid(REGISTRY.unknownMessage(value));
    }
    String file = topics ? e.topicsFile() : e.qrelsFile();
    if (file == null) {
      throw TrawlException.invalid("'" + value + "' has no " + (topics ? "topics" : "qrels")
          + " in " + FOLDER + "/");
    }
    Path folder = folder();
    Path p = folder.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new InputException(p.toString(), "missing: '" + value + "' refers to it but "
          + FOLDER + "/ does not hold it");
    }
    return p.toString();
  }

  /** The topics-and-qrels folder (which must exist). */
  public static Path folder() {
    Path f = findFolder();
    if (f == null) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot find the " + FOLDER
          + "/ folder: set -Dtrawl.home=<trawl checkout> or run from the checkout");
    }
    return f;
  }

  /** The folder, or null when none is found. */
  static Path findFolder() {
    String home = System.getProperty("trawl.home");
    if (home != null && !home.isBlank()) {
      Path p = Path.of(home, FOLDER);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    Path cwd = Path.of("").toAbsolutePath().resolve(FOLDER);
    if (Files.isDirectory(cwd)) {
      return cwd;
    }
    try {
      var src = TopicsAndQrels.class.getProtectionDomain().getCodeSource();
      if (src != null) {
        Path dir = Path.of(src.getLocation().toURI()).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
          Path p = d.resolve(FOLDER);
          if (Files.isDirectory(p)) {
            return p;
          }
        }
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall through
    }
    return null;
  }
}
