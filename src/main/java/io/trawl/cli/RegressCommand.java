package io.trawl.cli;

import io.trawl.core.TrawlException;
import io.trawl.regress.RegressEnv;
import io.trawl.regress.RegressionCommands;
import io.trawl.regress.RegressionDocs;
import io.trawl.regress.RegressionPlan;
import io.trawl.regress.RegressionReport;
import io.trawl.regress.RegressionResult;
import io.trawl.regress.RegressionRunner;
import io.trawl.regress.RegressionSpec;
import io.trawl.regress.RegressionSpecs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trawl regress}: list, run and document the YAML regression specs. */
@Command(
    name = "regress",
    mixinStandardHelpOptions = true,
    description = {
      "Reproduce published tables from YAML specs in regressions/: index (or reuse a matching",
      "index), run each pipeline, evaluate in-process and compare with the expected values.",
      "Exit 3 when any value differs; specs this machine cannot run are skipped with the reason."
    },
    subcommands = {
      RegressCommand.ListSpecsCommand.class,
      RegressCommand.RunSpecsCommand.class,
      RegressCommand.DocsSpecsCommand.class,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl regress list",
      "  trawl regress run cranfield-bm25",
      "  trawl regress run --all --collections ../shared/data",
      "  trawl regress run scifact-bm25-flat --dry-run",
      "  trawl regress docs"
    })
public final class RegressCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where specs, data, models, indexes and runs are. */
  static final class EnvOptions {
    @Option(names = "--dir", defaultValue = "regressions", paramLabel = "DIR",
        description = "Folder of regression specs (default: regressions).")
    Path dir;

    @Option(names = "--collections", paramLabel = "DIR",
        description = "Collections root for relative data paths (default: $TRAWL_COLLECTIONS).")
    Path collections;

    @Option(names = "--models", paramLabel = "DIR",
        description = "Models root for model folders (default: $TRAWL_MODELS, else models).")
    Path models;

    @Option(names = "--index-root", defaultValue = "indexes", paramLabel = "DIR",
        description = "Where indexes are built and reused (default: indexes).")
    Path indexRoot;

    @Option(names = "--runs", defaultValue = "runs", paramLabel = "DIR",
        description = "Where run files are written (default: runs).")
    Path runs;

    @Option(names = "--base-url", paramLabel = "URL",
        description = "API endpoint for rerankers that call a server (default: $TRAWL_LLM_BASE_URL);"
            + " a spec cannot choose it.")
    String baseUrl;

    @Option(names = "--api-key-env", paramLabel = "VAR",
        description = "Environment variable holding the API key for that endpoint (default:"
            + " $TRAWL_LLM_API_KEY_ENV, else OPENAI_API_KEY); a spec cannot choose it.")
    String apiKeyEnv;

    RegressEnv env() {
      return RegressEnv.of(collections, models, indexRoot, runs).withEndpoint(baseUrl, apiKeyEnv);
    }
  }

  /** {@code trawl regress list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the regression specs and whether each can run here.",
      footerHeading = "%nExample:%n",
      footer = "  trawl regress list --collections ../shared/data")
  static final class ListSpecsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin EnvOptions env;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      RegressEnv e = env.env();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"regression", "runs", "here", "status"});
      for (Path f : RegressionSpecs.files(env.dir)) {
        RegressionSpec s = RegressionSpecs.load(f);
        String here;
        try {
          RegressionPlan p = RegressionPlan.resolve(f, s, e);
          if (p.skipped() != null) {
            here = "skipped: " + p.skipped();
          } else {
            long runnable = p.runs().stream().filter(r -> r.skipped() == null).count();
            here = runnable == p.runs().size() ? "runnable"
                : runnable + " of " + p.runs().size() + " runs runnable";
          }
        } catch (TrawlException ex) {
          here = "invalid: " + ex.getMessage();
        }
        rows.add(new String[] {s.name().value(), Integer.toString(s.runs().size()), here,
            RegressionDocs.status(s)});
      }
      int[] w = new int[3];
      for (String[] r : rows) {
        for (int i = 0; i < 3; i++) {
          w[i] = Math.max(w[i], r[i].length());
        }
      }
      for (String[] r : rows) {
        out.println(String.format(Locale.ROOT, "%-" + w[0] + "s  %" + w[1] + "s  %-" + w[2] + "s  %s",
            r[0], r[1], r[2], r[3]).stripTrailing());
      }
      out.flush();
      return 0;
    }
  }

  /** {@code trawl regress run}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      footerHeading = "%nExamples:%n",
      footer = {"  trawl regress run cranfield-bm25", "  trawl regress run --all --collections ../shared/data"},
      description = {"Run regressions and compare with their expected values.",
          "Exit 0 when every value matches, 3 on any mismatch, 2 for an invalid spec. With --all,",
          "specs this machine cannot run are skipped and what to fetch is listed at the end; a spec",
          "named on the command line that cannot run here exits 1, naming what to fetch."})
  static final class RunSpecsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin EnvOptions env;

    @Parameters(paramLabel = "NAME|FILE", arity = "0..*",
        description = "Spec names (in --dir) or YAML files.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Run every spec in --dir.")
    boolean all;

    @Option(names = "--dry-run", description = "Print the equivalent trawl commands instead of running.")
    boolean dryRun;

    @Option(names = "--rebuild", description = "Rebuild indexes even when a matching one exists.")
    boolean rebuild;

    @Mixin ThreadsOptions threads;

    @Option(names = "--gpu", negatable = true, paramLabel = "BOOL",
        description = "Override GPU detection (default: $TRAWL_GPU, else whether an NVIDIA device exists).")
    Boolean gpu;

    @Mixin LoggingOptions logging;

    @Override
    public Integer call() {
      if (all == !names.isEmpty()) {
        throw TrawlException.invalid(all ? "give spec names or --all, not both" : "give spec names or --all");
      }
      List<Path> files = new ArrayList<>();
      if (all) {
        files.addAll(RegressionSpecs.files(env.dir));
      } else {
        for (String n : names) {
          files.add(RegressionSpecs.find(env.dir, n));
        }
      }
      RegressEnv e = env.env();
      if (gpu != null) {
        e = e.withGpu(gpu);
      }
      return dryRun ? dryRun(files, e) : runAll(files, e);
    }

    /** Prints the equivalent trawl commands of each spec. */
    private int dryRun(List<Path> files, RegressEnv e) {
      PrintWriter out = spec.commandLine().getOut();
      RegressionCommands.Roots roots = RegressionCommands.Roots.of(e);
      for (Path f : files) {
        RegressionSpec s = RegressionSpecs.load(f);
        RegressionPlan p = RegressionPlan.resolve(f, s, e);
        out.println("# " + s.name().value() + " (" + f + ")"
            + (p.skipped() != null ? ": would be skipped here: " + p.skipped() : ""));
        for (String line : RegressionCommands.of(s, roots)) {
          out.println(line);
        }
        out.println();
      }
      out.flush();
      return 0;
    }

    /** Runs every spec and prints its report; exit 3 when any value differs. */
    private int runAll(List<Path> files, RegressEnv e) {
      PrintWriter out = spec.commandLine().getOut();
      int n = threads.resolve(ThreadsOptions.Work.INDEXING);
      RegressionRunner runner = new RegressionRunner(e, logging.quiet() ? null : spec.commandLine().getErr(),
          n, rebuild);
      // Load and resolve every spec first, so that a bad spec fails before hours of work.
      List<RegressionPlan> plans = new ArrayList<>();
      for (Path f : files) {
        plans.add(RegressionPlan.resolve(f, RegressionSpecs.load(f), e));
      }
      List<RegressionResult> results = new ArrayList<>();
      out.println("machine: " + io.trawl.core.Machine.summary() + "; " + n + " threads");
      out.println();
      for (RegressionPlan p : plans) {
        RegressionResult r = runner.run(p);
        results.add(r);
        out.print(RegressionReport.render(r));
        out.println();
        out.flush();
      }
      if (results.size() > 1) {
        out.print(RegressionReport.summary(results));
      }
      // what could not run here, and what trawl fetch would get for it
      List<String> cannotRun = new ArrayList<>();
      List<String> fetch = new ArrayList<>();
      for (RegressionPlan p : plans) {
        boolean none = p.skipped() != null || p.runs().stream().allMatch(r -> r.skipped() != null);
        if (!none) {
          continue;
        }
        String name = p.spec().name().value();
        cannotRun.add(name + " (" + (p.skipped() != null ? p.skipped()
            : p.runs().stream().map(r -> r.skipped()).distinct().reduce((a, b) -> a + "; " + b).orElse("")) + ")");
        for (String f : e.toFetch(p.spec())) {
          if (!fetch.contains(f)) {
            fetch.add(f);
          }
        }
      }
      if (!fetch.isEmpty()) {
        out.println();
        out.println("to fetch what the skipped specs need: trawl fetch " + String.join(" ", fetch));
      }
      out.flush();
      boolean failed = results.stream().anyMatch(r -> r.status() == RegressionResult.Status.FAIL);
      if (failed) {
        return TrawlException.MISMATCH;
      }
      if (!all && !cannotRun.isEmpty()) {
        // a spec named on the command line that cannot run here is not a success
        PrintWriter err = spec.commandLine().getErr();
        err.println("trawl: error: cannot run here: " + String.join("; ", cannotRun));
        err.flush();
        return TrawlException.RUNTIME;
      }
      return 0;
    }
  }

  /** {@code trawl regress docs}. */
  @Command(name = "docs", mixinStandardHelpOptions = true,
      footerHeading = "%nExamples:%n",
      footer = {"  trawl regress docs", "  trawl regress docs --check"},
      description = {"Generate docs/regressions/NAME.md for each spec and docs/regressions/README.md.",
          "With --check, write nothing and exit 3 when the committed docs are out of date."})
  static final class DocsSpecsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", defaultValue = "regressions", paramLabel = "DIR",
        description = "Folder of regression specs (default: regressions).")
    Path dir;

    @Option(names = {"-o", "--output"}, defaultValue = "docs/regressions", paramLabel = "DIR",
        description = "Where the docs go (default: docs/regressions).")
    Path output;

    @Option(names = "--check", description = "Only check that the docs are up to date.")
    boolean check;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (check) {
        List<String> stale = RegressionDocs.stale(dir, output);
        if (!stale.isEmpty()) {
          spec.commandLine().getErr().println("trawl: docs out of date in " + output + ": "
              + String.join(", ", stale) + "; run 'trawl regress docs'");
          spec.commandLine().getErr().flush();
          return TrawlException.MISMATCH;
        }
        out.println("docs in " + output + " are up to date");
        out.flush();
        return 0;
      }
      List<String> written = RegressionDocs.write(dir, output);
      out.println("wrote " + written.size() + " files to " + output);
      out.flush();
      return 0;
    }
  }
}
