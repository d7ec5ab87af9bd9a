package io.trawl.cli;

import io.trawl.corpus.Corpora;
import io.trawl.eval.Measure;
import io.trawl.eval.fusion.Fusion;
import io.trawl.io.TopicsAndQrels;
import io.trawl.model.encoder.Encoders;
import io.trawl.rerank.registry.Rerankers;
import io.trawl.search.Retrievers;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The names in Trawl's registries, for {@code trawl list} and for help texts ({@code
 * completionCandidates} + {@code ${COMPLETION-CANDIDATES}}), so that no help text lists them by hand.
 */
final class RegistryNames {
  private RegistryNames() {}

  /** Each list by its {@code trawl list} name. */
  static final Map<String, Supplier<Collection<String>>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("retrievers", () -> Retrievers.registry().names());
    KINDS.put("rerankers", () -> Rerankers.registry().names());
    KINDS.put("fusion", () -> Fusion.registry().names());
    KINDS.put("formats", () -> Corpora.REGISTRY.names());
    KINDS.put("encoders", Encoders::names);
    KINDS.put("measures", Measure::names);
    KINDS.put("topics", TopicsAndQrels::names);
  }

  /** The names of one kind. */
  static Collection<String> of(String kind) {
    return KINDS.get(kind).get();
  }

  /** Completion candidates: the kinds {@code trawl list} knows. */
  static final class Kinds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return KINDS.keySet().iterator();
    }
  }

  /** Completion candidates: retriever names. */
  static final class RetrieverNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return of("retrievers").iterator();
    }
  }

  /** Completion candidates: reranker names. */
  static final class RerankerNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return of("rerankers").iterator();
    }
  }

  /** Completion candidates: corpus format names. */
  static final class FormatNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return of("formats").iterator();
    }
  }

  /** Completion candidates: encoder names. */
  static final class EncoderNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return of("encoders").iterator();
    }
  }
}
