package io.trawl.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code trawl list KIND}: the names a registry knows, one a line, read from the registry itself. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Print the names Trawl knows, one a line: retrievers, rerankers, corpus formats,"
        + " encoders, measures (with their parameter shapes) or topics names.",
    footerHeading = "%nExamples:%n",
    footer = {"  trawl list rerankers", "  trawl list topics | grep beir"})
public final class ListCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "KIND", completionCandidates = RegistryNames.Kinds.class,
      description = "One of: ${COMPLETION-CANDIDATES}.")
  String kind;

  @Override
  public Integer call() {
    if (!RegistryNames.KINDS.containsKey(kind)) {
      throw io.trawl.core.TrawlException.invalid("unknown list '" + kind + "'; valid: "
          + String.join(", ", RegistryNames.KINDS.keySet()));
    }
    PrintWriter out = spec.commandLine().getOut();
    RegistryNames.of(kind).forEach(out::println);
    out.flush();
    return 0;
  }
}
