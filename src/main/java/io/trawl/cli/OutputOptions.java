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

  @Option(names = "--force",
      description = "Replace an existing output file (and, for rerank, discard a work file's finished queries).")
  boolean force;

  /** The output name ({@code -} for stdout). */
  public String name() {
    return output;
  }

  /** Whether the user allowed replacing finished work ({@code --force}). */
  public boolean force() {
    return force;
  }

  /** An existing output file is finished work: replaced only with {@code --force}. */
  @Override
  public void check() {
    AtomicOutput.check(output);
    if (!force && !"-".equals(output) && java.nio.file.Files.exists(java.nio.file.Path.of(output))) {
      throw io.trawl.core.TrawlException.invalid(output + ": exists; choose another --output, or add --force to replace it");
    }
  }
}
