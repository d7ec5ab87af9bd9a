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

  /** How to show progress on stderr ({@link io.trawl.core.Progress#mode(boolean)}). */
  public io.trawl.core.Progress.Mode progress() {
    return io.trawl.core.Progress.mode(quiet);
  }

  /** The command's stderr, or a writer that drops everything with {@code --quiet}. */
  public PrintWriter err() {
    return quiet ? new PrintWriter(Writer.nullWriter()) : mixee.commandLine().getErr();
  }
}
