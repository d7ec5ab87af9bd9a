package io.trawl.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import java.util.ArrayList;
import java.util.List;

/** The candidates of a golden file's {@code docs} ({@code docid}, {@code text}) as a first stage. */
public final class GoldenCandidates {
  private GoldenCandidates() {}

  /**
   * Query {@code q}'s ranked list of {@code docs} in their order, with first-stage scores
   * {@code top}, {@code top - 1}, ...
   */
  public static RankedList list(JsonNode docs, int top) {
    List<Candidate> cs = new ArrayList<>();
    int i = 0;
    for (JsonNode d : docs) {
      cs.add(new Candidate(d.path("docid").asText(), top - i++, d.path("text").asText()));
    }
    return new RankedList("q", cs);
  }
}
