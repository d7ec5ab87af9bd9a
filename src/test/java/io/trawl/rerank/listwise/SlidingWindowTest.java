package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TrawlException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  @ParameterizedTest
  @CsvSource({"100,20,10", "100,20,15", "30,20,10", "7,20,10", "100,20,20", "21,20,10", "1,20,10"})
  void coversEveryPositionAndEndsWithTheTopWindow(int n, int window, int stride) {
    List<SlidingWindow.Range> r = new SlidingWindow(window, stride, 100).ranges(n);
    boolean[] covered = new boolean[n];
    for (SlidingWindow.Range w : r) {
      assertTrue(w.size() <= window && w.size() > 0, w.toString());
      for (int i = w.start(); i < w.end(); i++) {
        covered[i] = true;
      }
    }
    for (int i = 0; i < n; i++) {
      assertTrue(covered[i], "position " + i + " not covered by " + r);
    }
    assertEquals(0, r.get(r.size() - 1).start(), "last window must be the top one: " + r);
    assertEquals(Math.min(n, window), r.get(r.size() - 1).end());
    assertEquals(n, r.get(0).end(), "first window is the bottom one");
    for (int i = 1; i < r.size(); i++) {
      assertTrue(r.get(i).start() < r.get(i - 1).start(), "moves upward");
    }
  }

  @Test
  void defaultWindowsOverTop100() {
    List<SlidingWindow.Range> r = SlidingWindow.defaults().ranges(1000);
    assertEquals(9, r.size());
    assertEquals(new SlidingWindow.Range(80, 100), r.get(0));
    assertEquals(new SlidingWindow.Range(0, 20), r.get(8));
    List<SlidingWindow.Range> odd = new SlidingWindow(20, 15, 100).ranges(100);
    assertEquals(new SlidingWindow.Range(5, 25), odd.get(odd.size() - 2));
    assertEquals(new SlidingWindow.Range(0, 20), odd.get(odd.size() - 1));
    assertTrue(new SlidingWindow(20, 10, 100).ranges(0).isEmpty());
  }

  @Test
  void windowAllIsOnePromptOverTheWholeDepth() {
    SlidingWindow all = SlidingWindow.of(new io.trawl.core.Params(java.util.Map.of("window", "all", "depth", "30")));
    assertEquals(new SlidingWindow(30, 30, 30), all);
    assertEquals(java.util.List.of(new SlidingWindow.Range(0, 30)), all.ranges(30));
    assertEquals(java.util.List.of(new SlidingWindow.Range(0, 12)), all.ranges(12));
    assertThrows(TrawlException.class, () -> SlidingWindow.of(
        new io.trawl.core.Params(java.util.Map.of("window", "all", "stride", "10"))));
  }

  @Test
  void defaultStrideIsCappedAtTheWindow() {
    // first(window=5) with no stride: windows of 5 moved by 5 (the default stride 10 would exceed it)
    SlidingWindow five = SlidingWindow.of(new io.trawl.core.Params(java.util.Map.of("window", "5")));
    assertEquals(new SlidingWindow(5, 5, 100), five);
    assertEquals(new SlidingWindow(20, 10, 100),
        SlidingWindow.of(new io.trawl.core.Params(java.util.Map.of())));
    assertEquals(new SlidingWindow(12, 10, 50),
        SlidingWindow.of(new io.trawl.core.Params(java.util.Map.of("window", "12", "depth", "50"))));
    TrawlException e = assertThrows(TrawlException.class, () -> SlidingWindow.of(
        new io.trawl.core.Params(java.util.Map.of("window", "5", "stride", "6"))));
    assertTrue(e.getMessage().contains("stride must be in [1, window=5]"), e.getMessage());
    // through the rerankers' constructors (rankgpt with a stand-in backend; first needs a model)
    new RankGptReranker(new io.trawl.core.Params(java.util.Map.of("window", "5")),
        new ChatBackend() {
          @Override
          public String describe() {
            return "none";
          }

          @Override
          public java.util.List<Completion> completeAll(java.util.List<Request> requests) {
            throw new UnsupportedOperationException();
          }
        }).close();
  }

  @Test
  void rejectsBadValues() {
    assertThrows(TrawlException.class, () -> new SlidingWindow(0, 1, 10));
    assertThrows(TrawlException.class, () -> new SlidingWindow(20, 21, 10));
    assertThrows(TrawlException.class, () -> new SlidingWindow(20, 10, 0));
  }
}
