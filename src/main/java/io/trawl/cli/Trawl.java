package io.trawl.cli;

import io.trawl.core.TrawlException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
      ListCommand.class,
      IndexCommand.class,
      IndexStatsCommand.class,
      SearchCommand.class,
      DocCommand.class,
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
      FetchCommand.class,
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  trawl index --input builtin:cranfield --index indexes/cranfield",
      "  trawl search --index indexes/cranfield --topics cranfield --output runs/cranfield.bm25.txt",
      "  trawl search --index indexes/cranfield --query 'supersonic boundary layer' --hits 5",
      "  trawl doc --index indexes/cranfield 184",
      "  trawl eval -c -m ndcg_cut.10 cranfield runs/cranfield.bm25.txt",
      "  trawl list rerankers",
      "",
      "Every command takes --debug (stack traces) and --quiet (nothing on stderr but errors).",
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
    addLoggingOptions(cl);
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
        checkMixins(parseResult);
        return strategy.execute(parseResult);
      } catch (TrawlException e) {
        if (io.trawl.core.Shutdown.isStop(e)) {
          return 130; // stopped by a signal: the JVM exits with its status, nothing to report
        }
        CommandLine leaf = leaf(parseResult).commandSpec().commandLine();
        return report(program, e, e, leaf.getErr(), parseResult.originalArgs().contains("--debug"));
      } catch (OutOfMemoryError e) {
        return outOfMemory(program, e, parseResult.commandSpec().commandLine().getErr(),
            parseResult.originalArgs().contains("--debug"));
      }
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      boolean debug = parseResult.originalArgs().contains("--debug");
      if (io.trawl.core.Shutdown.isStop(ex)) {
        return 130; // stopped by a signal: the JVM exits with its status, nothing to report
      }
      PrintWriter err = commandLine.getErr();
      OutOfMemoryError oom = outOfMemoryCause(ex);
      if (oom != null) {
        return outOfMemory(program, oom, err, debug);
      }
      TrawlException te = cause.apply(ex);
      if (te == null) {
        te = ioFailure(ex);
      }
      if (te != null) {
        return report(program, te, ex, err, debug);
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
      String message = ex.getMessage();
      String hint = null;
      String badOption = null;
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
        String word = u.getUnmatched().get(0);
        if (!c.getSubcommands().isEmpty() && !word.startsWith("-")) {
          message = "unknown command '" + word + "'";
          String best = io.trawl.core.Registry.closest(word, c.getSubcommands().keySet());
          hint = best == null ? null : c.getCommandSpec().qualifiedName() + " " + best;
        } else {
          badOption = unknownOption(c, u.getUnmatched().toArray(new String[0]));
        }
      } else if (ex instanceof CommandLine.MissingParameterException) {
        badOption = unknownOption(c, argsOf(c, args));
      }
      if (badOption != null) {
        // before "missing required options": the unknown one is usually the misspelt required one
        message = "unknown option '" + badOption + "'";
        List<String> names = new ArrayList<>();
        c.getCommandSpec().options().forEach(o -> {
          for (String n : o.names()) {
            if (n.startsWith("--")) {
              names.add(n);
            }
          }
        });
        hint = badOption.startsWith("--") ? io.trawl.core.Registry.closest(badOption, names) : null;
      }
      err.println(program + ": error: " + message + (hint != null ? " (did you mean '" + hint + "'?)" : ""));
      if (badOption == null && hint == null && !message.startsWith("unknown command")) {
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      }
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return TrawlException.INVALID_INPUT;
    });
    return cl;
  }

  /**
   * The first argument that looks like an option ({@code -x}, {@code --name}, {@code --name=v})
   * and that the command does not declare, or null. A lone {@code -} (stdin) and negative numbers
   * are values.
   */
  static String unknownOption(CommandLine c, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.length() < 2 || a.charAt(0) != '-' || Character.isDigit(a.charAt(1)) || a.charAt(1) == '.') {
        continue;
      }
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (name.equals("--")) {
        return null;
      }
      CommandLine.Model.OptionSpec known = c.getCommandSpec().findOption(name);
      if (known == null && !isClusteredShortOptions(c, name)) {
        return name;
      }
      if (known != null && known.arity().max() > 0 && !a.contains("=")) {
        i++; // its value, which may start with '-' (--query "-covid vaccine")
      }
    }
    return null;
  }

  /** The arguments after the command's own name (all of them for the top command). */
  private static String[] argsOf(CommandLine c, String[] args) {
    if (c.getParent() == null) {
      return args;
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(c.getCommandName()) || c.getCommandSpec().aliases().length > 0
          && java.util.Arrays.asList(c.getCommandSpec().aliases()).contains(args[i])) {
        return java.util.Arrays.copyOfRange(args, i + 1, args.length);
      }
    }
    return args;
  }

  /**
   * {@code -qV} (short boolean options together) or {@code -k10} (a short option with its value
   * attached), as picocli accepts them.
   */
  private static boolean isClusteredShortOptions(CommandLine c, String name) {
    if (name.startsWith("--") || name.length() < 3) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      CommandLine.Model.OptionSpec o = c.getCommandSpec().findOption("-" + name.charAt(i));
      if (o == null) {
        return false;
      }
      if (o.arity().max() > 0) {
        return true; // the rest is its value
      }
    }
    return true;
  }

  /**
   * A mixin whose values are checked before the command's work starts (an output that cannot be
   * written, a negative thread count): a failure is reported like any other, exit 2.
   */
  interface Checked {
    void check();
  }

  private static CommandLine.ParseResult leaf(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult r = parseResult;
    while (r.subcommand() != null) {
      r = r.subcommand();
    }
    return r;
  }

  /** Runs {@link Checked#check()} of the executed command's mixins (unless help was asked for). */
  private static void checkMixins(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult r = leaf(parseResult);
    if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
      return;
    }
    for (CommandLine.Model.CommandSpec m : r.commandSpec().mixins().values()) {
      if (m.userObject() instanceof Checked c) {
        c.check();
      }
    }
  }

  private static int report(String program, TrawlException te, Throwable ex, PrintWriter err, boolean debug) {
    err.println(program + ": error: " + te.getMessage());
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return te.exitCode();
  }

  /**
   * An I/O failure that no reader or writer turned into a message of its own (they say {@code
   * FILE: cannot read: reason} or {@code FILE: cannot write: reason}): {@code FILE: I/O error:
   * reason}, exit 1, never an "internal error"; null for other exceptions.
   */
  static TrawlException ioFailure(Throwable t) {
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      java.io.IOException io = t instanceof java.io.UncheckedIOException u ? u.getCause()
          : t instanceof java.io.IOException e ? e : null;
      if (io != null) {
        String what = io instanceof java.nio.file.FileSystemException fse && fse.getFile() != null
            ? fse.getFile() : "I/O";
        String reason = io instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
            ? fse.getReason()
            : io instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
            : io instanceof java.nio.file.AccessDeniedException ? "Permission denied"
            : String.valueOf(io.getMessage());
        return new TrawlException(TrawlException.RUNTIME, what + ": I/O error: " + reason, io);
      }
    }
    return null;
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

  /**
   * Every command accepts {@code --debug} and {@code --quiet}, declared once in {@link
   * LoggingOptions}: a command that does not mix it in gets its options here, without a short
   * name the command already uses ({@code eval -q}).
   */
  private static void addLoggingOptions(CommandLine cl) {
    CommandLine.Model.CommandSpec s = cl.getCommandSpec();
    CommandLine.Model.CommandSpec declared = CommandLine.Model.CommandSpec.forAnnotatedObject(new LoggingOptions());
    for (CommandLine.Model.OptionSpec o : declared.options()) {
      if (s.findOption(o.longestName()) != null) {
        continue;
      }
      String[] names = java.util.Arrays.stream(o.names()).filter(n -> s.findOption(n) == null)
          .toArray(String[]::new);
      s.addOption(CommandLine.Model.OptionSpec.builder(o).names(names).build());
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        addLoggingOptions(sub);
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
      io.trawl.core.Shutdown.exiting();
      System.exit(TrawlException.RUNTIME);
    });
    quietLibraryLogging();
    // Ctrl-C and SIGTERM: workers stop and native calls return before the JVM exits
    io.trawl.core.Shutdown.enable();
    int code = execute(args, new java.io.FileOutputStream(java.io.FileDescriptor.out));
    io.trawl.core.Shutdown.exiting();
    System.exit(code);
  }

  /**
   * Runs the command line with {@code stdout} as standard output; a write to it that fails (a full
   * disk, a closed file) ends the command with {@code trawl: error: stdout: cannot write: reason},
   * exit 1, instead of a silent exit 0 ({@link java.io.PrintStream} swallows the error). A pipe
   * closed by its reader ({@code | head}) is not reported.
   */
  static int execute(String[] args, java.io.OutputStream stdout) {
    StdoutGuard guard = new StdoutGuard(stdout);
    java.io.PrintStream before = System.out;
    System.setOut(new java.io.PrintStream(new java.io.BufferedOutputStream(guard, 1 << 16), false,
        before.charset()));
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.println("trawl: error: " + outOfMemoryMessage(e));
      code = TrawlException.RUNTIME;
    } finally {
      System.out.flush();
      System.setOut(before);
    }
    String reason = guard.failure == null ? null : guard.failure.getMessage();
    if (reason != null && !reason.contains("Broken pipe") && code == 0) {
      System.err.println("trawl: error: stdout: cannot write: " + reason);
      System.err.flush();
      code = TrawlException.RUNTIME;
    }
    return code;
  }

  /** Standard output that remembers its first write failure. */
  private static final class StdoutGuard extends java.io.FilterOutputStream {
    java.io.IOException failure;

    StdoutGuard(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      try {
        out.write(b, off, len);
      } catch (java.io.IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }

    @Override
    public void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void flush() throws java.io.IOException {
      try {
        out.flush();
      } catch (java.io.IOException e) {
        failure = failure == null ? e : failure;
        throw e;
      }
    }
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
