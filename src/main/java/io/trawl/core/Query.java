package io.trawl.core;

import java.util.Objects;

/** A query (topic): its id and its text. */
public record Query(String id, String text) {
  public Query {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
  }
}
