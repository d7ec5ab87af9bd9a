package io.trawl.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints a bash/zsh completion script generated from the command model. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = "Print a bash/zsh completion script.",
    footerHeading = "%nExample:%n",
    footer = "  source <(trawl completion)")
public final class CompletionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash("trawl", root));
    spec.commandLine().getOut().flush();
  }
}
