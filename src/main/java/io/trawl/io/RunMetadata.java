package io.trawl.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trawl.core.AtomicOutput;
import io.trawl.core.Machine;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description written beside every run file, {@code RUN.meta.json}: the run tag, the command
 * that made it, when, the settings that do not show in the tag (threads, engines), and the
 * {@link Machine} (CPU model and flags, cores, JVM, vector width, library versions). A run on
 * stdout gets none. Written after the run itself, atomically.
 */
public final class RunMetadata {
  /** Suffix of the sidecar file. */
  public static final String SUFFIX = ".meta.json";

  /**
   * The settings entry that is written as the top-level {@code "cost"} object instead: what each
   * reranking stage cost, by stage ({@code "stage 2: monot5"}: {@code rerank.Cost#summary}).
   */
  public static final String COST = "cost";

  private static volatile List<String> command = List.of();

  /** Made on first write: a Jackson mapper costs ~0.2 s of start-up that most commands never need. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private RunMetadata() {}

  /** Records the command line of this process (the CLI calls it once, before any work). */
  public static void command(List<String> args) {
    command = List.copyOf(args);
  }

  /**
   * Writes {@code runFile + SUFFIX} for a run written to {@code runFile} ({@code -}: nothing).
   * {@code settings} holds what the tag does not say (e.g. {@code threads}, an encoder's engine);
   * may be empty.
   */
  public static void write(String runFile, String tag, Map<String, ?> settings) {
    if (runFile == null || runFile.equals("-")) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run", java.nio.file.Path.of(runFile).getFileName().toString());
    m.put("tag", tag);
    if (!command.isEmpty()) {
      m.put("command", command);
    }
    m.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Map<String, Object> rest = new LinkedHashMap<>(settings);
    Object cost = rest.remove(COST);
    m.put("settings", rest);
    if (cost != null) {
      m.put(COST, cost);
    }
    m.put("machine", Machine.describe());
    try (AtomicOutput out = AtomicOutput.open(runFile + SUFFIX)) {
      out.write(Json.MAPPER.writeValueAsString(m) + "\n");
      out.commit();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The {@code "cost"} object of a run's metadata (stage to cost summary), or null when the run
   * has no metadata file or no reranking stage wrote one.
   */
  public static Map<String, Object> readCost(String runFile) {
    java.nio.file.Path meta = java.nio.file.Path.of(runFile + SUFFIX);
    if (!java.nio.file.Files.isRegularFile(meta)) {
      return null;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(meta.toFile()).get(COST);
      if (n == null || !n.isObject()) {
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = Json.MAPPER.convertValue(n, LinkedHashMap.class);
      return m;
    } catch (java.io.IOException e) {
      throw new io.trawl.core.InputException(meta.toString(), "cannot read run metadata: " + e.getMessage());
    }
  }

  /**
   * The run arguments without the metadata files among them, so that {@code trawl eval QRELS
   * runs/*} reads the runs and not their {@code *.meta.json} descriptions. Only metadata given:
   * an invalid-input error.
   */
  public static java.util.List<String> runsOnly(java.util.List<String> args) {
    java.util.List<String> runs = args.stream().filter(a -> !a.endsWith(SUFFIX)).toList();
    if (runs.isEmpty() && !args.isEmpty()) {
      throw io.trawl.core.TrawlException.invalid(args.get(0)
          + ": is run metadata (written beside each run), not a run; give the run file");
    }
    return runs;
  }

  /** Deletes the metadata of {@code runFile} if there is any ({@code -}: nothing). */
  public static void delete(String runFile) {
    if (runFile == null || runFile.equals("-")) {
      return;
    }
    try {
      java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(runFile + SUFFIX));
    } catch (java.io.IOException e) {
      throw new io.trawl.core.TrawlException(io.trawl.core.TrawlException.RUNTIME,
          runFile + SUFFIX + ": cannot delete: " + e.getMessage(), e);
    }
  }

  /** {@code write} with only a thread count as settings. */
  public static void write(String runFile, String tag, int threads) {
    write(runFile, tag, Map.of("threads", threads));
  }
}
