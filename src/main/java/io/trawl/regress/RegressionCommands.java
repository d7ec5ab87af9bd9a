package io.trawl.regress;

import io.trawl.core.Spec;
import io.trawl.corpus.BuiltinCollections;
import io.trawl.io.TopicsAndQrels;
import io.trawl.pipeline.Pipeline;
import io.trawl.pipeline.PipelineRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell commands equivalent to running a regression ({@code trawl index}; {@code trawl search}
 * for a plain retriever, {@code trawl run --pipeline} otherwise; {@code trawl eval}), for {@code trawl regress run --dry-run} (with this machine's paths) and for
 * the generated docs (with {@code $TRAWL_COLLECTIONS}-style placeholders).
 */
public final class RegressionCommands {
  /**
   * How paths are shown.
   *
   * @param collections the collections root as text (a path, or {@code $TRAWL_COLLECTIONS})
   * @param models the models root as text
   * @param indexRoot the index root as text
   * @param runsDir the runs folder as text
   */
  public record Roots(String collections, String models, String indexRoot, String runsDir) {
    /** Placeholders for docs. */
    public static final Roots DOCS = new Roots("$" + RegressEnv.COLLECTIONS_VAR, "$" + RegressEnv.MODELS_VAR,
        "indexes", "runs");

    public static Roots of(RegressEnv env) {
      return new Roots(env.collections() == null ? "$" + RegressEnv.COLLECTIONS_VAR : env.collections().toString(),
          env.models().toString(), env.indexRoot().toString(), env.runsDir().toString());
    }

    String data(String path) {
      if (BuiltinCollections.isBuiltin(path) || Path.of(path).isAbsolute()) {
        return path;
      }
      return join(collections, path);
    }

    static String join(String root, String path) {
      return root.endsWith("/") ? root + path : root + "/" + path;
    }
  }

  private RegressionCommands() {}

  /** The commands, one per line, with comment lines starting with {@code #}. */
  public static List<String> of(RegressionSpec spec, Roots roots) {
    List<String> out = new ArrayList<>();
    String name = spec.name().value();
    String index = null;
    if (spec.corpus() != null) {
      index = Roots.join(roots.indexRoot(), spec.index().name().value());
      List<String> cmd = new ArrayList<>(List.of("trawl", "index"));
      if (spec.corpus().format() != null) {
        cmd.add("--collection");
        cmd.add(spec.corpus().format().value());
      }
      cmd.add("--input");
      cmd.add(roots.data(spec.corpus().path().value()));
      cmd.add("--index");
      cmd.add(index);
      try {
        cmd.addAll(IndexOptions.parse(spec.index().options()).flags());
      } catch (RuntimeException e) {
        spec.index().options().forEach((k, v) -> {
          cmd.add("--" + k);
          cmd.add(v);
        });
      }
      out.add(shell(cmd));
    } else if (spec.index() != null && spec.index().prebuilt() != null) {
      index = spec.index().prebuilt().value();
      out.add(shell(List.of("trawl", "fetch", index)));
    }
    String dense = null;
    if (spec.denseIndex() != null && spec.denseIndex().name() != null && spec.denseIndex().vectors() != null) {
      dense = Roots.join(roots.indexRoot(), spec.denseIndex().name().value());
      List<String> cmd = new ArrayList<>(List.of("trawl", "dense-index", "--vectors",
          Roots.join(RegressionSpecs.DEFAULT_DIR, spec.denseIndex().vectors().value()), "--index", dense));
      if (spec.denseIndex().structure() == null || spec.denseIndex().structure().value().equals("flat")) {
        cmd.add("--flat");
      }
      out.add(shell(cmd));
    }
    Map<String, RegressionSpec.TopicSet> topicSets = new LinkedHashMap<>();
    for (RegressionSpec.TopicSet t : spec.topics()) {
      topicSets.put(t.name().value(), t);
    }
    for (RegressionSpec.RunSpec r : spec.runs()) {
      String needs = r.requires().describe();
      out.add("# run " + r.name().value() + (needs.isEmpty() ? "" : " (needs " + needs + ")"));
      for (Map.Entry<String, Map<String, Double>> e : r.expected().entrySet()) {
        String topicSet = e.getKey();
        RegressionSpec.TopicSet ts = topicSets.get(topicSet);
        Map<String, String> vars = new LinkedHashMap<>(Map.of("collections", roots.collections(),
            "models", roots.models(), "topics", topicSet));
        if (dense != null) {
          vars.put("dense_index", dense);
        }
        String runFile = Roots.join(roots.runsDir(), RegressionPlan.runFileName(name, r.name().value(), topicSet));
        String expanded = Pipelines.expand(r.pipeline().value(), vars);
        Pipeline p = Pipeline.parse(expanded);
        List<String> cmd = new ArrayList<>();
        if (p.rerankers().isEmpty() && index != null
            && !Pipeline.SOURCES.contains(p.source().name().toLowerCase(java.util.Locale.ROOT))) {
          // a plain retriever: trawl search, which tags its run as trawl run tags the pipeline
          Spec s = p.source();
          cmd.addAll(List.of("trawl", "search", "--index", index, "--topics",
              topicsArg(ts.topics().value(), roots), "--retriever", new Spec(s.name(), s.params(), null).toString(),
              "--hits", Integer.toString(s.cutoff() != null ? s.cutoff() : PipelineRunner.DEFAULT_HITS)));
        } else {
          cmd.addAll(List.of("trawl", "run", "--pipeline", expanded));
          if (index != null) {
            cmd.add("--index");
            cmd.add(index);
          }
          cmd.add("--topics");
          cmd.add(topicsArg(ts.topics().value(), roots));
        }
        if (spec.search().fields() != null) {
          cmd.add("--fields");
          cmd.add(spec.search().fields().value());
        }
        if (spec.search().removesQuery()) {
          cmd.add("--remove-query");
        }
        cmd.add("--output");
        cmd.add(runFile);
        out.add(shell(cmd));
        Map<String, List<String>> byOptions = new LinkedHashMap<>();
        for (String label : e.getValue().keySet()) {
          String opts = "";
          for (RegressionSpec.Measure m : spec.measures()) {
            if (m.measure().value().equals(label)) {
              opts = MeasureOptions.parse(m.options().value()).toString();
            }
          }
          byOptions.computeIfAbsent(opts, k -> new ArrayList<>()).add(label);
        }
        for (Map.Entry<String, List<String>> g : byOptions.entrySet()) {
          List<String> ev = new ArrayList<>(List.of("trawl", "eval"));
          if (!g.getKey().isEmpty()) {
            ev.addAll(List.of(g.getKey().split(" ")));
          }
          for (String m : g.getValue()) {
            ev.add("-m");
            ev.add(m);
          }
          ev.add(topicsArg(ts.qrels().value(), roots));
          ev.add(runFile);
          out.add(shell(ev));
        }
      }
    }
    return out;
  }

  private static String topicsArg(String value, Roots roots) {
    return TopicsAndQrels.isName(value) ? value : roots.data(value);
  }

  /** Joins arguments into a shell command line, single-quoting where needed. */
  static String shell(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(a));
    }
    return sb.toString();
  }

  static String quote(String a) {
    if (!a.isEmpty() && a.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return a;
    }
    if (a.contains("$") && !a.contains("\"") && !a.contains("`") && !a.contains("\\")) {
      return '"' + a + '"';
    }
    return "'" + a.replace("'", "'\\''") + "'";
  }
}
