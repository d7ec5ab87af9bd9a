package io.trawl.regress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Loads regression specs from YAML. Binding is strict: unknown fields, wrong types, duplicate keys
 * and missing required fields are {@link InputException}s naming the file, line and column (from
 * Jackson's {@link JsonLocation}) and the field path. Structural checks that need the whole spec
 * (expected values naming a topic set or measure that is not declared, duplicate run names, a
 * file name that does not match the spec's name) are made here too.
 */
public final class RegressionSpecs {
  /** Default folder of specs, relative to the project root. */
  public static final String DEFAULT_DIR = "regressions";

  private static final ObjectMapper MAPPER = JsonMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Specs are a few KiB; anything this large is not one (and is not read into memory). */
  static final long MAX_SPEC_BYTES = 1 << 20;

  private RegressionSpecs() {}

  /**
   * A relative path in a spec resolves against the collections root and must stay inside it
   * ({@code ../../etc/passwd} is refused); an absolute path says plainly where it goes.
   */
  private static void checkInsideRoot(String file, Located v, String what) {
    if (v == null || v.value() == null || v.value().startsWith("builtin:")) {
      return;
    }
    Path p;
    try {
      p = Path.of(v.value()).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw at(file, v, what + " '" + v.value() + "' is not a valid path: " + e.getReason());
    }
    if (!p.isAbsolute() && p.startsWith("..")) {
      throw at(file, v, what + " '" + v.value() + "' escapes the collections root; give a path inside it"
          + " or an absolute path");
    }
  }

  /** Loads and checks one spec file. */
  public static RegressionSpec load(Path file) {
    String name = file.toString();
    String text;
    try {
      if (Files.size(file) > MAX_SPEC_BYTES) {
        throw new InputException(name, "larger than " + (MAX_SPEC_BYTES >> 20) + " MiB: not a regression spec");
      }
      text = Files.readString(file);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new InputException(name, "invalid UTF-8");
    } catch (NoSuchFileException e) {
      throw new InputException(name, "no such regression spec file");
    } catch (IOException e) {
      throw new InputException(name, "cannot read: " + e.getMessage());
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      throw new InputException(name, "empty regression spec");
    }
    return parse(name, text);
  }

  /** Parses spec text; {@code name} is used in error messages. */
  public static RegressionSpec parse(String name, String text) {
    UnknownFields.check(MAPPER, name, text, RegressionSpec.class);
    RegressionSpec spec;
    try {
      spec = MAPPER.readValue(text, RegressionSpec.class);
    } catch (JsonProcessingException e) {
      throw translate(name, e);
    }
    if (spec == null) {
      throw new InputException(name, 1, "empty regression spec");
    }
    checkStructure(name, spec);
    return spec;
  }

  /** All specs in a folder ({@code *.yaml}, {@code *.yml}), sorted by file name. */
  public static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw TrawlException.invalid(dir + ": no such regressions folder");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String f = p.getFileName().toString();
        return f.endsWith(".yaml") || f.endsWith(".yml");
      }).sorted().toList();
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  /** Finds a spec by name in {@code dir}, or takes the argument as a file path. */
  public static Path find(Path dir, String nameOrFile) {
    Path asFile = Path.of(nameOrFile);
    if (nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml") || Files.isRegularFile(asFile)) {
      if (!Files.isRegularFile(asFile)) {
        throw new InputException(nameOrFile, "no such regression spec file");
      }
      return asFile;
    }
    for (String ext : new String[] {".yaml", ".yml"}) {
      Path p = dir.resolve(nameOrFile + ext);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    Set<String> names = new TreeSet<>();
    if (Files.isDirectory(dir)) {
      for (Path p : files(dir)) {
        names.add(p.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
      }
    }
    String best = io.trawl.core.Registry.closest(nameOrFile, names);
    boolean close = best != null;
    throw TrawlException.invalid("unknown regression '" + nameOrFile + "'"
        + (close ? " (did you mean '" + best + "'?)" : "") + "; in " + dir + ": "
        + (names.isEmpty() ? "(none)" : String.join(", ", names)));
  }

  static InputException translate(String file, JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 0 : loc.getLineNr();
    int col = loc == null ? 0 : loc.getColumnNr();
    String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) {
        for (Object o : u.getKnownPropertyIds()) {
          known.add(String.valueOf(o));
        }
      }
      known.sort(null);
      String where = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
      problem = "unknown field '" + u.getPropertyName() + "'"
          + (where.isEmpty() ? "" : " in '" + where + "'") + "; known: " + String.join(", ", known);
    } else if (e instanceof ValueInstantiationException v) {
      Throwable c = v.getCause() != null ? v.getCause() : v;
      problem = (path.isEmpty() ? "" : "in '" + path + "': ") + c.getMessage();
    } else if (e instanceof InvalidFormatException f) {
      problem = "wrong type for '" + path + "': expected " + typeName(f.getTargetType())
          + ", got '" + f.getValue() + "'";
    } else if (e instanceof MismatchedInputException mi) {
      String msg = firstLine(e.getOriginalMessage());
      java.util.regex.Matcher vm = java.util.regex.Pattern.compile("value \\(\"([^\"]*)\"\\)").matcher(msg);
      String got = vm.find() ? "'" + vm.group(1) + "'"
          : msg.contains("Array value") || msg.contains("START_ARRAY") ? "a list"
          : msg.contains("Object value") || msg.contains("START_OBJECT") ? "a mapping"
          : "(" + msg + ")";
      problem = "wrong type for '" + path + "': expected " + typeName(mi.getTargetType()) + ", got " + got;
    } else if (e instanceof JsonMappingException) {
      problem = (path.isEmpty() ? "" : "in '" + path + "': ") + firstLine(e.getOriginalMessage());
    } else {
      problem = "not valid YAML: " + firstLine(e.getOriginalMessage());
    }
    return new InputException(file, line, col, problem);
  }

  private static String typeName(Class<?> c) {
    if (c == null) {
      return "another type";
    }
    if (c == Long.class || c == long.class || c == Integer.class || c == int.class) {
      return "an integer";
    }
    if (c == Double.class || c == double.class) {
      return "a number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "true or false";
    }
    if (c == String.class || c == Located.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(c)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(c) || c.isRecord()) {
      return "a mapping";
    }
    return c.getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static InputException at(String file, Located where, String problem) {
    return new InputException(file, where == null ? 0 : where.line(),
        where == null ? 0 : where.column(), problem);
  }

  private static InputException missing(String file, Located near, String what) {
    return at(file, near, "missing required field '" + what + "'");
  }

  /** Required fields and cross-field checks that need no environment. */
  static void checkStructure(String file, RegressionSpec spec) {
    if (spec.name() == null) {
      throw new InputException(file, 1, "missing required field 'name'");
    }
    for (String[] f : new String[][] {{"topics", spec.topics().isEmpty() ? "" : "x"},
        {"measures", spec.measures().isEmpty() ? "" : "x"}, {"runs", spec.runs().isEmpty() ? "" : "x"}}) {
      if (f[1].isEmpty()) {
        throw at(file, spec.name(), "missing required field '" + f[0] + "' (a non-empty list)");
      }
    }
    if (spec.tolerance() != null && spec.tolerance() < 0) {
      throw at(file, spec.name(), "'tolerance' must be >= 0, got " + spec.tolerance());
    }
    if (spec.corpus() != null) {
      if (spec.corpus().path() == null) {
        throw missing(file, spec.corpus().format() != null ? spec.corpus().format() : spec.name(), "corpus.path");
      }
      if (spec.corpus().format() == null && !spec.corpus().path().value().startsWith("builtin:")) {
        throw missing(file, spec.corpus().path(), "corpus.format");
      }
    }
    if (spec.index() != null && spec.index().prebuilt() != null) {
      if (spec.corpus() != null || spec.index().name() != null || !spec.index().options().isEmpty()) {
        throw at(file, spec.index().prebuilt(), "index.prebuilt is an index to fetch, not to build: give no corpus,"
            + " index.name or index.options with it");
      }
      if (!io.trawl.fetch.Fetcher.isPrebuiltIndex(spec.index().prebuilt().value())) {
        throw at(file, spec.index().prebuilt(), "unknown prebuilt index '" + spec.index().prebuilt().value()
            + "' (trawl fetch --list)");
      }
    } else if (spec.index() != null && spec.index().name() == null) {
      throw missing(file, spec.name(), "index.name");
    }
    for (RegressionSpec.TopicSet t : spec.topics()) {
      if (t == null) {
        throw at(file, spec.name(), "empty entry under 'topics'");
      }
      Located near = t.name() != null ? t.name() : t.topics() != null ? t.topics() : t.qrels();
      if (t.name() == null) {
        throw missing(file, near, "topics[].name");
      }
      if (t.topics() == null) {
        throw missing(file, near, "topics[].topics");
      }
      if (t.qrels() == null) {
        throw missing(file, near, "topics[].qrels");
      }
    }
    for (RegressionSpec.Measure m : spec.measures()) {
      if (m == null || m.measure() == null) {
        throw missing(file, m == null ? spec.name() : m.options(), "measures[].measure");
      }
    }
    for (RegressionSpec.RunSpec r : spec.runs()) {
      if (r == null) {
        throw at(file, spec.name(), "empty entry under 'runs'");
      }
      if (r.name() == null) {
        throw missing(file, r.pipeline(), "runs[].name");
      }
      if (r.pipeline() == null) {
        throw at(file, r.name(), "run '" + r.name().value() + "': missing required field 'pipeline'");
      }
      if (r.tolerance() != null && r.tolerance() < 0) {
        throw at(file, r.name(), "run '" + r.name().value() + "': 'tolerance' must be >= 0, got "
            + r.tolerance());
      }
    }
    String base = Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
    if (!spec.name().value().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw at(file, spec.name(), "name '" + spec.name().value()
          + "' must be letters, digits, '.', '_' or '-'");
    }
    if (!base.equals(spec.name().value()) && (file.endsWith(".yaml") || file.endsWith(".yml"))) {
      throw at(file, spec.name(), "name '" + spec.name().value() + "' does not match the file name '"
          + base + "'");
    }
    if (spec.corpus() != null && spec.index() == null) {
      throw at(file, spec.corpus().path(), "a spec with a corpus needs an 'index' section (index.name)");
    }
    // names become folder and file names: they must not contain paths
    if (spec.index() != null && spec.index().name() != null && !spec.index().name().value().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw at(file, spec.index().name(), "index name '" + spec.index().name().value()
          + "' must be letters, digits, '.', '_' or '-' (it names a folder under the index root)");
    }
    if (spec.corpus() != null) {
      checkInsideRoot(file, spec.corpus().path(), "corpus path");
    }
    Set<String> topicNames = new HashSet<>();
    for (RegressionSpec.TopicSet t : spec.topics()) {
      if (!t.name().value().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw at(file, t.name(), "topic set name '" + t.name().value()
            + "' must be letters, digits, '.', '_' or '-'");
      }
      checkInsideRoot(file, t.topics(), "topics");
      checkInsideRoot(file, t.qrels(), "qrels");
      if (!topicNames.add(t.name().value())) {
        throw at(file, t.name(), "topic set '" + t.name().value() + "' declared twice");
      }
    }
    Set<String> measureNames = new HashSet<>();
    for (RegressionSpec.Measure m : spec.measures()) {
      if (!measureNames.add(m.measure().value())) {
        throw at(file, m.measure(), "measure '" + m.measure().value() + "' declared twice");
      }
      try {
        MeasureOptions.parse(m.options().value());
      } catch (TrawlException ex) {
        throw at(file, m.options(), ex.getMessage());
      }
    }
    Set<String> runNames = new HashSet<>();
    for (RegressionSpec.RunSpec r : spec.runs()) {
      if (!r.name().value().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw at(file, r.name(), "run name '" + r.name().value()
            + "' must be letters, digits, '.', '_' or '-'");
      }
      if (!runNames.add(r.name().value())) {
        throw at(file, r.name(), "run '" + r.name().value() + "' declared twice");
      }
      try {
        Pipelines.parseTemplate(r.pipeline().value());
      } catch (TrawlException ex) {
        throw at(file, r.pipeline(), ex.getMessage());
      }
      if (r.expected().isEmpty()) {
        throw at(file, r.name(), "run '" + r.name().value() + "' has no expected values");
      }
      for (Map.Entry<String, Map<String, Double>> e : r.expected().entrySet()) {
        if (!topicNames.contains(e.getKey())) {
          throw at(file, r.name(), "run '" + r.name().value() + "': expected values for topic set '"
              + e.getKey() + "', which is not declared; declared: " + String.join(", ", new TreeSet<>(topicNames)));
        }
        for (String m : e.getValue().keySet()) {
          if (!measureNames.contains(m)) {
            throw at(file, r.name(), "run '" + r.name().value() + "': expected value for measure '" + m
                + "', which is not declared under 'measures'; declared: "
                + String.join(", ", new TreeSet<>(measureNames)));
          }
        }
      }
    }
  }
}
