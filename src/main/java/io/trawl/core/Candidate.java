package io.trawl.core;

import java.util.Objects;

/**
 * One ranked document: its id, its score and (optionally, filled on demand from the index's stored
 * raw document or a candidates file) its text. {@code text} may be null.
 */
public record Candidate(String docId, double score, String text) {
  public Candidate {
    Objects.requireNonNull(docId, "docId");
  }

  public Candidate(String docId, double score) {
    this(docId, score, null);
  }

  public Candidate withScore(double newScore) {
    return new Candidate(docId, newScore, text);
  }

  public Candidate withText(String newText) {
    return new Candidate(docId, score, newText);
  }
}
