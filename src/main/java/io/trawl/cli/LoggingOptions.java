package io.trawl.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --debug} (stack traces of errors) and {@code -q, --quiet} (no progress, summary or
 * warnings on stderr), declared here once. Every command accepts both: {@link Trawl#commandLine()}
 * adds them where a command does not mix this class in, long-only where the short name means
 * something else ({@code trawl eval -q} is trec_eval's per-query flag).
 */
public final class LoggingOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  @Option(names = {"-q", "--quiet"}, description = "No progress, summary or warnings on stderr.")
  boolean quiet;

  public boolean quiet() {
    return quiet;
  }

  /** Whether to show progress lines: not {@code --quiet}, and stderr is a terminal. */
  public boolean progress() {
    return !quiet && stderrIsTerminal();
  }

  /** True when stderr goes to a terminal (progress lines use carriage returns). */
  static boolean stderrIsTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      // Java 22+: a console object exists even when redirected; ask whether it is a terminal
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }

  /** The command's stderr, or a writer that drops everything with {@code --quiet}. */
  public PrintWriter err() {
    return quiet ? new PrintWriter(Writer.nullWriter()) : mixee.commandLine().getErr();
  }
}
