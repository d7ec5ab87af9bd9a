package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.io.Topics;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --topics NAME|FILE}: a name from {@code topics-and-qrels/} ({@code trawl list topics})
 * or a topics file, read by {@link Topics}.
 */
public final class TopicsOptions {
  /** The help text of every {@code --topics} option. */
  static final String DESCRIPTION = "Topics: a name from topics-and-qrels/ ('trawl list topics', e.g."
      + " cranfield, dl19-passage) or a file (TSV, TREC <top>, BEIR queries.jsonl; .gz ok; - = stdin).";

  @Option(names = "--topics", required = true, paramLabel = "NAME|FILE", description = DESCRIPTION)
  String topics;

  /** The name or file as given. */
  public String name() {
    return topics;
  }

  /** The topics, format detected. */
  public List<Query> read() {
    return Topics.read(topics);
  }
}
