package io.trawl.cli;

import io.trawl.core.Query;
import io.trawl.io.Topics;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --topics NAME|FILE}: a name from {@code topics-and-qrels/} ({@code trawl list topics})
 * or a topics file, read by {@link Topics}.
 */
public final class TopicsOptions implements Trawl.Checked {
  /** The help text of every {@code --topics} option. */
  static final String DESCRIPTION = "Topics: a name from topics-and-qrels/ ('trawl list topics', e.g."
      + " cranfield, dl19-passage) or a file (TSV, TREC <top>, BEIR queries.jsonl; .gz ok; - = stdin).";
  /** The query id of {@code --query}. */
  public static final String QUERY_ID = "query";

  @Option(names = "--topics", paramLabel = "NAME|FILE", description = DESCRIPTION)
  String topics;

  @Option(names = "--query", paramLabel = "TEXT",
      description = "One ad-hoc query instead of --topics (query id '" + QUERY_ID + "'), e.g. --query \"how do bears hibernate\".")
  String query;

  @Override
  public void check() {
    if (topics == null && query == null) {
      throw io.trawl.core.TrawlException.invalid("give --topics NAME|FILE, or --query TEXT for one query");
    }
    if (topics != null && query != null) {
      throw io.trawl.core.TrawlException.invalid("give --topics or --query, not both");
    }
    if (query != null && query.isBlank()) {
      throw io.trawl.core.TrawlException.invalid("--query is empty");
    }
  }

  /** The topics name or file as given, or {@code --query} for an ad-hoc query. */
  public String name() {
    return topics != null ? topics : "--query";
  }

  /** The ad-hoc query, or null. */
  public String query() {
    return query;
  }

  /** The topics, format detected. */
  public List<Query> read() {
    return query != null ? List.of(new Query(QUERY_ID, query.strip())) : Topics.read(topics);
  }

  /** The topics in a given format and field ({@link Topics#read(String, String, String)}). */
  public List<Query> read(String format, String field) {
    if (query != null && (format != null && !format.equals("auto") || field != null && !field.equals("title"))) {
      throw io.trawl.core.TrawlException.invalid("--topics-format and --topic-field apply to --topics, not to --query");
    }
    return query != null ? List.of(new Query(QUERY_ID, query.strip())) : Topics.read(topics, format, field);
  }
}
