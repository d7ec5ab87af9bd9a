package io.trawl.cli;

import picocli.CommandLine.Option;

/** {@code --run-tag TAG} (alias {@code --tag}): the run tag, by default the spec that made the run. */
public final class RunTagOptions {
  @Option(names = {"--run-tag", "--tag"}, paramLabel = "TAG",
      description = "Run tag (default: the canonical spec of what made the run).")
  String tag;

  /** The tag given, else {@code otherwise}. */
  public String or(String otherwise) {
    return tag != null ? tag : otherwise;
  }

  /** The tag given, or null. */
  public String given() {
    return tag;
  }
}
