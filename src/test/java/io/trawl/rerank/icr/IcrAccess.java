package io.trawl.rerank.icr;

import io.trawl.core.Query;
import io.trawl.core.RankedList;

/** Test access to ICR's package-private scoring paths. */
public final class IcrAccess {
  private IcrAccess() {}

  public static double[] score(IcrReranker r, Query q, RankedList docs, boolean reuse) {
    return r.score(q, docs.candidates(), reuse);
  }
}
