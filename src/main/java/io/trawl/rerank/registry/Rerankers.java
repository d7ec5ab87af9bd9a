package io.trawl.rerank.registry;

import io.trawl.core.Registry;
import io.trawl.rerank.DuoT5Reranker;
import io.trawl.rerank.EmbedReranker;
import io.trawl.rerank.MonoT5Reranker;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.icr.IcrReranker;
import io.trawl.rerank.listwise.FirstReranker;
import io.trawl.rerank.listwise.RankGptReranker;
import io.trawl.rerank.pointwise.FineGrainedReranker;
import io.trawl.rerank.pointwise.QlmReranker;
import io.trawl.rerank.pointwise.YesNoReranker;
import io.trawl.rerank.pairwise.PrpReranker;
import io.trawl.rerank.setwise.SetwiseReranker;

/**
 * The reranker registry: name -> factory taking the spec's parameters. Adding a reranker is one
 * class and one line here. It lives in its own package, above {@code rerank} (the contract and the
 * pointwise rerankers) and its variant packages ({@code rerank.listwise}, {@code rerank.icr}, {@code rerank.pointwise}, {@code rerank.pairwise},
 * {@code rerank.setwise}),
 * because it is the one place that knows them all: the variants depend on {@code rerank}, never the
 * other way round.
 */
public final class Rerankers {
  private static final Registry<Reranker> REGISTRY = new Registry<Reranker>("reranker");

  static {
    REGISTRY.register(MonoT5Reranker.NAME, MonoT5Reranker::new);
    REGISTRY.register(DuoT5Reranker.NAME, DuoT5Reranker::new);
    REGISTRY.register("rankgpt", RankGptReranker::new);
    REGISTRY.register("first", FirstReranker::new);
    REGISTRY.register("icr", IcrReranker::new);
    REGISTRY.register("embed", EmbedReranker::new);
    REGISTRY.register(YesNoReranker.NAME, YesNoReranker::new);
    REGISTRY.register(QlmReranker.NAME, QlmReranker::new);
    REGISTRY.register(FineGrainedReranker.NAME, FineGrainedReranker::new);
    REGISTRY.register(PrpReranker.NAME, PrpReranker::new);
    REGISTRY.register(SetwiseReranker.NAME, SetwiseReranker::new);
  }

  private Rerankers() {}

  public static Registry<Reranker> registry() {
    return REGISTRY;
  }
}
