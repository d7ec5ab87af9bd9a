package io.trawl.hostile;

import io.trawl.cli.Trawl;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code trawl} command line in-process with captured stdout and stderr. */
final class Cli {
  private Cli() {}

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }
}
