package io.trawl.cli;

import io.trawl.core.TrawlException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code trawl} root command. Each subcommand is one small class; exit codes are API. */
@Command(
    name = "trawl",
    mixinStandardHelpOptions = true,
    versionProvider = Trawl.Version.class,
    description = "Reproducible information-retrieval experiments: index, retrieve, rerank, evaluate.",
    subcommands = {
      CommandLine.HelpCommand.class,
      CompletionCommand.class,
      IndexCommand.class,
      IndexStatsCommand.class,
      SearchCommand.class,
      EvalCommand.class,
      CompareCommand.class,
      FuseCommand.class,
      RerankCommand.class,
      DemoCommand.class,
      RunCommand.class,
      RegressCommand.class,
      EncodeCommand.class,
      DenseIndexCommand.class,
      DenseSearchCommand.class,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl index --input builtin:cranfield --index indexes/cranfield",
      "  trawl search --index indexes/cranfield --topics cranfield --output runs/cranfield.bm25.txt",
      "  trawl eval -c -m ndcg_cut.10 cranfield runs/cranfield.bm25.txt",
      "",
      "Exit codes: 0 ok, 1 runtime failure, 2 invalid input or usage, 3 regression mismatch."
    })
public final class Trawl implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with Trawl's error handling (tests use this without exiting). */
  public static CommandLine commandLine() {
    // qrels names (dl19-passage, beir-scifact-test, cranfield, ...) resolve through topics-and-qrels/
    io.trawl.eval.Qrels.setResolver(name -> io.trawl.io.TopicsAndQrels.isName(name)
        ? java.nio.file.Path.of(io.trawl.io.TopicsAndQrels.qrels(name)) : null);
    CommandLine cl = new CommandLine(new Trawl());
    addDebugOption(cl);
    return withErrorHandling(cl, "trawl", ex -> ex instanceof TrawlException te ? te : null,
        "internal error");
  }

  /**
   * Installs Trawl's error handling on a command line (shared with trawl-spark): a
   * {@link TrawlException} (as found by {@code cause}) prints {@code PROGRAM: error: message} and
   * exits with its code; running out of memory prints {@code PROGRAM: error: out of memory ...;
   * raise TRAWL_HEAP} and exits 1; any other exception prints {@code PROGRAM: LABEL: exception}
   * and exits 1; usage errors exit 2 with suggestions. Stack traces only with {@code --debug}.
   */
  public static CommandLine withErrorHandling(CommandLine cl, String program,
      java.util.function.Function<Throwable, TrawlException> cause, String otherLabel) {
    CommandLine.IExecutionStrategy strategy = cl.getExecutionStrategy();
    cl.setExecutionStrategy(parseResult -> {
      java.util.List<String> command = new java.util.ArrayList<>();
      command.add(program);
      command.addAll(parseResult.originalArgs());
      io.trawl.io.RunMetadata.command(command);
      try {
        return strategy.execute(parseResult);
      } catch (OutOfMemoryError e) {
        return outOfMemory(program, e, parseResult.commandSpec().commandLine().getErr(),
            parseResult.originalArgs().contains("--debug"));
      }
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      boolean debug = parseResult.originalArgs().contains("--debug");
      PrintWriter err = commandLine.getErr();
      OutOfMemoryError oom = outOfMemoryCause(ex);
      if (oom != null) {
        return outOfMemory(program, oom, err, debug);
      }
      TrawlException te = cause.apply(ex);
      if (te != null) {
        err.println(program + ": error: " + te.getMessage());
        if (debug) {
          ex.printStackTrace(err);
        }
        err.flush();
        return te.exitCode();
      }
      err.println(program + ": " + otherLabel + ": " + ex);
      if (debug) {
        ex.printStackTrace(err);
      } else {
        err.println("(run again with --debug for the stack trace)");
      }
      err.flush();
      return TrawlException.RUNTIME;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      PrintWriter err = c.getErr();
      err.println(program + ": error: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return TrawlException.INVALID_INPUT;
    });
    return cl;
  }

  /** The OutOfMemoryError among {@code t} and its causes, or null. */
  static OutOfMemoryError outOfMemoryCause(Throwable t) {
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof OutOfMemoryError oom) {
        return oom;
      }
    }
    return null;
  }

  /**
   * The one line for an OutOfMemoryError: what ran out, the heap limit, and the setting to raise
   * (exit 1). Input that is merely large is bounded elsewhere (line and document limits, model
   * sizes checked against their weights, a cap on chat template output); what is left is work that
   * needs more heap than it was given.
   */
  static String outOfMemoryMessage(OutOfMemoryError e) {
    long max = Runtime.getRuntime().maxMemory();
    long mib = 1L << 20;
    // suggest at least twice the current limit, rounded up to 256 MiB (in GiB from 1 GiB on)
    long suggest = Math.max(256, (2 * max / mib + 255) / 256 * 256);
    String what = e.getMessage() == null || e.getMessage().isBlank() ? "Java heap space" : e.getMessage();
    return "out of memory (" + what + "; the heap limit is " + size(max) + "); raise TRAWL_HEAP, e.g."
        + " TRAWL_HEAP=" + (suggest % 1024 == 0 ? suggest / 1024 + "g" : suggest + "m");
  }

  private static String size(long bytes) {
    return bytes >= (1L << 30) ? String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
        : (bytes >> 20) + " MiB";
  }

  private static int outOfMemory(String program, OutOfMemoryError e, PrintWriter err, boolean debug) {
    err.println(program + ": error: " + outOfMemoryMessage(e));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return TrawlException.RUNTIME;
  }

  /** Every command accepts {@code --debug} (stack traces on errors), declared or not. */
  private static void addDebugOption(CommandLine cl) {
    CommandLine.Model.CommandSpec s = cl.getCommandSpec();
    if (s.findOption("--debug") == null) {
      s.addOption(CommandLine.Model.OptionSpec.builder("--debug")
          .description("Print stack traces of errors.")
          .type(boolean.class)
          .build());
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        addDebugOption(sub);
      }
    }
  }

  /**
   * Lucene logs through java.util.logging ("INFO: Java vector incubator API enabled ..."); those
   * lines are noise on a command line, so only warnings and worse get through.
   */
  static void quietLibraryLogging() {
    java.util.logging.Logger lucene = java.util.logging.Logger.getLogger("org.apache.lucene");
    lucene.setLevel(java.util.logging.Level.WARNING);
    luceneLogger = lucene; // keep a strong reference: loggers are only weakly held
  }

  private static java.util.logging.Logger luceneLogger;

  public static void main(String[] args) {
    // a thread of our own that runs out of memory ends the command with the same one line
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      OutOfMemoryError oom = outOfMemoryCause(e);
      if (oom == null) {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace();
        return;
      }
      System.err.println("trawl: error: " + outOfMemoryMessage(oom));
      System.err.flush();
      System.exit(TrawlException.RUNTIME);
    });
    int code;
    try {
      quietLibraryLogging();
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.println("trawl: error: " + outOfMemoryMessage(e));
      code = TrawlException.RUNTIME;
    }
    System.out.flush();
    System.exit(code);
  }

  /** Reads the version Maven filtered into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trawl " + version(), "Java " + Runtime.version()};
    }
  }

  /** The project version, or "dev" outside a build. */
  public static String version() {
    try (InputStream in = Trawl.class.getResourceAsStream("/io/trawl/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (java.io.IOException e) {
      return "dev";
    }
  }
}
