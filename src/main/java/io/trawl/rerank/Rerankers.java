package io.trawl.rerank;

import io.trawl.core.Registry;

/**
 * The reranker registry: name -> factory taking the spec's parameters. Adding a reranker is one
 * class and one line here.
 */
public final class Rerankers {
  private static final Registry<Reranker> REGISTRY = new Registry<Reranker>("reranker");

  static {
    REGISTRY.register(MonoT5Reranker.NAME, MonoT5Reranker::new);
    REGISTRY.register("rankgpt", io.trawl.rerank.listwise.RankGptReranker::new);
    REGISTRY.register("first", io.trawl.rerank.listwise.FirstReranker::new);
    REGISTRY.register("icr", io.trawl.rerank.icr.IcrReranker::new);
    REGISTRY.register("embed", EmbedReranker::new);
  }

  private Rerankers() {}

  public static Registry<Reranker> registry() {
    return REGISTRY;
  }
}
