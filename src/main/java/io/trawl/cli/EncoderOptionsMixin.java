package io.trawl.cli;

import io.trawl.model.encoder.EncoderOptions;
import picocli.CommandLine.Option;

/** Shared bi-encoder options. */
public final class EncoderOptionsMixin {
  @Option(names = "--batch", defaultValue = "32", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--threads", defaultValue = "0",
      description = "Encoder threads (0 = all cores); changes speed only, never a vector on the exact engine.")
  int threads;

  @Option(names = "--max-length", defaultValue = "0",
      description = "Maximum tokens per text (0 = the model's own, 512 for BGE/E5); longer texts are truncated and counted.")
  int maxLength;

  EncoderOptions toOptions() {
    return new EncoderOptions(batch, threads, maxLength);
  }
}
