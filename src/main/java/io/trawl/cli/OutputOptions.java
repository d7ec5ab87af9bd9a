package io.trawl.cli;

import io.trawl.core.AtomicOutput;
import picocli.CommandLine.Option;

/**
 * {@code -o, --output FILE}: where a command writes its result, {@code -} for stdout (the
 * default). Checked before any work starts (not a folder, under a folder: {@link
 * AtomicOutput#check}); written to a temporary file and renamed, so a failure leaves no partial
 * file.
 */
public final class OutputOptions implements Trawl.Checked {
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-",
      description = "Output file, - for stdout (default); appears only when complete.")
  String output;

  /** The output name ({@code -} for stdout). */
  public String name() {
    return output;
  }

  @Override
  public void check() {
    AtomicOutput.check(output);
  }
}
