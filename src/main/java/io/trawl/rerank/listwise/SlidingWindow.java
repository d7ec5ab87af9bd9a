package io.trawl.rerank.listwise;

import java.util.ArrayList;
import java.util.List;

/**
 * The sliding window of RankGPT (Sun et al., 2023): windows of {@code window} positions moved up
 * by {@code stride} from the bottom of the top {@code depth} candidates to the top.
 *
 * <p>Unlike the original loop ({@code while start >= rank_start}), which skips the top window when
 * {@code depth - window} is not a multiple of {@code stride}, this loop always ends with the full
 * window that starts at position 0 ({@code [0, min(window, n))}), so every position is covered and
 * the top positions are decided last.
 */
public record SlidingWindow(int window, int stride, int depth) {

  /** A half-open range {@code [start, end)} of 0-based positions. */
  public record Range(int start, int end) {
    public int size() {
      return end - start;
    }
  }

  public SlidingWindow {
    if (window < 1) {
      throw io.trawl.core.TrawlException.invalid("window must be >= 1, got " + window);
    }
    if (stride < 1 || stride > window) {
      throw io.trawl.core.TrawlException.invalid(
          "stride must be in [1, window=" + window + "], got " + stride);
    }
    if (depth < 1) {
      throw io.trawl.core.TrawlException.invalid("depth must be >= 1, got " + depth);
    }
  }

  public static SlidingWindow defaults() {
    return new SlidingWindow(20, 10, 100);
  }

  /**
   * {@code window=20, stride=10, depth=100} from spec parameters ({@code window=all}: one window of
   * the whole depth, stride the depth, printed with its numbers); a stride not given is capped at
   * the window ({@code first(window=5)} moves windows of 5 by 5), as RankLLM's default stride 10
   * would otherwise exceed it.
   */
  public static SlidingWindow of(io.trawl.core.Params p) {
    int depth = p.getInt("depth", 100);
    if ("all".equalsIgnoreCase(p.getString("window", ""))) {
      // one prompt over the whole list ("Sliding Windows Are Not the End", Liu et al. 2025): the
      // window is the depth; a prompt that does not fit the model's context is an error, never cut
      if (p.has("stride") && p.getInt("stride", depth) != depth) {
        throw io.trawl.core.TrawlException.invalid("window=all reranks the whole list in one prompt: give no stride");
      }
      return new SlidingWindow(depth, depth, depth);
    }
    int window = p.getInt("window", 20);
    return new SlidingWindow(window, p.getInt("stride", Math.min(10, Math.max(1, window))), depth);
  }

  /** Adds {@code window}, {@code stride} and {@code depth} to a canonical spec. */
  static void canonical(io.trawl.core.Spec.Builder spec, SlidingWindow w) {
    spec.put("window", w.window()).put("stride", w.stride()).put("depth", w.depth());
  }

  /** The windows, in processing order (bottom first, top last), over {@code min(n, depth)} items. */
  public List<Range> ranges(int n) {
    int total = Math.min(n, depth);
    List<Range> out = new ArrayList<>();
    if (total <= 0) {
      return out;
    }
    int end = total;
    while (true) {
      int start = Math.max(0, end - window);
      if (start == 0) {
        // the top window is always a full one, even when the stride overshoots position 0
        out.add(new Range(0, Math.min(total, window)));
        break;
      }
      out.add(new Range(start, end));
      end -= stride;
    }
    return out;
  }
}
