package io.trawl.rerank.listwise;

import io.trawl.core.Params;
import io.trawl.core.TrawlException;

/** Opens the local (in-process decoder-only model) chat backend from spec parameters. */
final class LocalBackends {
  private LocalBackends() {}

  static ChatBackend open(Params p) {
    throw TrawlException.invalid("backend=local is not available yet; use backend=openai");
  }
}
