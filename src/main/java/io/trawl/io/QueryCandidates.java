package io.trawl.io;

import io.trawl.core.Query;
import io.trawl.core.RankedList;
import java.util.Objects;

/** One query with its candidate list: the unit a reranker consumes and a candidates file holds. */
public record QueryCandidates(Query query, RankedList candidates) {
  public QueryCandidates {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(candidates, "candidates");
  }
}
