package io.trawl.spark;

import io.trawl.core.Query;
import java.io.Serializable;
import java.util.List;

/** A query as Spark ships it to executors (core's {@link Query} is not serializable). */
public record Topic(String id, String text) implements Serializable {
  public Query query() {
    return new Query(id, text);
  }

  public static List<Topic> of(List<Query> queries) {
    return queries.stream().map(q -> new Topic(q.id(), q.text())).toList();
  }
}
