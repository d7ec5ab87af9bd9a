package io.trawl.cli;

import io.trawl.model.encoder.EncoderOptions;
import picocli.CommandLine.Option;

/** Shared bi-encoder options. */
public final class EncoderOptionsMixin {
  @Option(names = "--batch", defaultValue = "32", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--max-length", defaultValue = "0",
      description = "Maximum tokens per text (0 = the model's own, 512 for BGE/E5); longer texts are truncated and counted.")
  int maxLength;

  /** The options with {@code --threads} (which changes speed only, never a vector on the exact engine). */
  EncoderOptions toOptions(ThreadsOptions threads) {
    return new EncoderOptions(batch, threads.forEncoder(), maxLength);
  }
}
