package io.trawl.rerank.icr;

import io.trawl.core.Query;
import io.trawl.core.RankedList;

/** Test access to ICR's package-private scoring paths. */
public final class IcrAccess {
  private IcrAccess() {}

  public static double[] score(IcrReranker r, Query q, RankedList docs, boolean reuse) {
    return r.score(q, docs.candidates(), reuse);
  }

  /** How many of the 2n+2 span boundaries the tokenizer's character offsets placed. */
  public static int boundariesByOffsets(IcrReranker r, Query q, RankedList docs) {
    return r.prepare(q, docs.candidates(), true).byOffsets();
  }

  /** The prompt text with the query and with "N/A". */
  public static String[] texts(IcrReranker r, Query q, RankedList docs) {
    IcrReranker.Layout l = r.layout(q, docs.candidates());
    return new String[] {l.text(), l.calibration()};
  }

  /** Spans (start, end per document, prompt order), then q0 and the length of the query pass. */
  public static int[] tokens(IcrReranker r, Query q, RankedList docs) {
    return tokens(r, q, docs, true);
  }

  /** As {@link #tokens}; {@code offsets=false}: every boundary by re-encoding the text before it. */
  public static int[] tokens(IcrReranker r, Query q, RankedList docs, boolean offsets) {
    IcrReranker.Prepared p = r.prepare(q, docs.candidates(), offsets);
    int n = p.spanStart().length;
    int[] out = new int[2 * n + 2];
    for (int j = 0; j < n; j++) {
      out[2 * j] = p.spanStart()[j];
      out[2 * j + 1] = p.spanEnd()[j];
    }
    out[2 * n] = p.q0();
    out[2 * n + 1] = p.full().length;
    return out;
  }
}
