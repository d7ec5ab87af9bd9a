package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one progress reporter, on a fake clock: when it writes, what, and the ETA from recent throughput. */
class ProgressTest {
  static final long S = 1_000_000_000L;

  /** A clock the test moves by hand, and the pieces written. */
  static final class Fake {
    long now = 1_000 * S;
    final List<String> out = new ArrayList<>();

    Progress progress(Progress.Mode mode, long total) {
      return new Progress(out::add, mode, "encode", "texts", total, () -> now);
    }

    String all() {
      return String.join("", out);
    }
  }

  @Test
  void liveRedrawsOneLineAtMostTwiceASecondAndErasesItAtTheEnd() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LIVE, 1000);
    f.now += S / 10;
    p.update(10);
    assertEquals(1, f.out.size(), "the first update shows at once");
    assertTrue(f.out.get(0).startsWith("\rencode: 10/1,000 texts, 100 texts/s, ETA 10s"), f.out.get(0));
    assertFalse(f.out.get(0).contains("\n"));
    f.now += S / 10;
    p.update(20);
    assertEquals(1, f.out.size(), "no redraw within half a second");
    f.now += S / 2;
    p.update(70);
    assertEquals(2, f.out.size());
    assertTrue(f.out.get(1).startsWith("\rencode: 70/1,000 texts, "), f.out.get(1));
    p.close();
    String last = f.out.get(f.out.size() - 1);
    assertTrue(last.startsWith("\r") && last.endsWith("\r") && last.strip().isEmpty(), "erased: [" + last + "]");
    assertTrue(last.length() - 2 >= f.out.get(1).length() - 1, "the blanks cover the whole line");
  }

  @Test
  void aShorterLineBlanksWhatIsLeftOfALongerOne() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LIVE, 0);
    f.now += S;
    p.update(123_456, "a long detail that makes this line long");
    f.now += S;
    p.update(123_457, null);
    assertEquals(f.out.get(0).length(), f.out.get(1).length(), f.out.toString());
  }

  @Test
  void aLogGetsAPlainLineEveryThirtySecondsAndNothingForAShortJob() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LOG, 3000);
    for (int i = 1; i <= 29; i++) {
      f.now += S;
      p.update(i * 10);
    }
    assertEquals(List.of(), f.out, "nothing in the first 30 s");
    f.now += S;
    p.update(300);
    assertEquals(List.of("encode: 300/3,000 texts, 10.0 texts/s, ETA 4m30s" + System.lineSeparator()), f.out);
    f.now += 29 * S;
    p.update(590);
    assertEquals(1, f.out.size());
    f.now += S;
    p.update(600);
    assertEquals(2, f.out.size());
    assertFalse(f.all().contains("\r"));
    p.close();
    assertEquals(2, f.out.size(), "close adds nothing to a log");

    Fake g = new Fake();
    Progress q = g.progress(Progress.Mode.LOG, 10);
    g.now += 5 * S;
    q.update(10);
    q.close();
    assertEquals(List.of(), g.out, "a job shorter than 30 s writes nothing");
  }

  @Test
  void offWritesNothing() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.OFF, 10);
    f.now += 60 * S;
    p.update(5);
    p.close();
    assertEquals(List.of(), f.out);
    Progress none = new Progress(null, Progress.Mode.LIVE, "x", "docs", 10, () -> 0L);
    none.update(3);
    assertEquals(Progress.Mode.OFF, none.mode());
  }

  @Test
  void theEtaFollowsTheLastThirtySecondsNotTheAverageSinceTheStart() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LIVE, 100_000);
    // 100 texts/s for two minutes, then 10 texts/s for a minute
    long done = 0;
    for (int i = 0; i < 120; i++) {
      f.now += S;
      done += 100;
      p.update(done);
    }
    for (int i = 0; i < 60; i++) {
      f.now += S;
      done += 10;
      p.update(done);
    }
    assertEquals(10.0, p.rate(f.now), 1e-9);
    String line = f.out.get(f.out.size() - 1);
    // 100,000 - 12,600 = 87,400 texts at 10/s: 8,740 s; the average since the start (70/s) would say 1,249 s
    assertTrue(line.contains("12,600/100,000 texts, 10.0 texts/s, ETA 2h25m"), line);
  }

  @Test
  void theEtaFollowsTheWorkWhenItemsDifferInCost() {
    // 100 texts, shortest first: text i has 10 + i tokens (5,950 in all); 100 tokens a second
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LIVE, 100);
    long tokens = 0;
    for (int i = 0; i < 50; i++) {
      tokens += 10 + i;
      f.now += (10 + i) * S / 100;
      p.update(i + 1, tokens, 5950);
    }
    // 1,725 tokens in 17.25 s: 4,225 tokens left at 100/s = 42 s (texts alone would say 17 s)
    assertEquals(42, p.eta(f.now));
    String line = f.out.get(f.out.size() - 1);
    assertTrue(line.contains("/100 texts, 2.") && line.contains(" texts/s, ETA "), line);
    p.update(50, 0, 0);
    assertEquals(17, p.eta(f.now), "without work, the count's rate");
  }

  @Test
  void untilThirtySecondsHavePassedTheRateIsSinceTheStart() {
    Fake f = new Fake();
    Progress p = f.progress(Progress.Mode.LIVE, 1000);
    f.now += 2 * S;
    p.update(100);
    f.now += 2 * S;
    p.update(300);
    assertEquals(75.0, p.rate(f.now), 1e-9);
  }

  @Test
  void anEstimatedTotalAndADetailAndALabel() {
    Fake f = new Fake();
    Progress p = new Progress(f.out::add, Progress.Mode.LIVE, "indexing", "docs", 0, () -> f.now);
    f.now += S;
    p.update(500);
    assertTrue(f.out.get(0).startsWith("\rindexing: 500 docs, 500 docs/s"), f.out.get(0));
    assertFalse(f.out.get(0).contains("ETA"), "no total, no ETA");
    p.total(2000, true);
    p.label("indexing");
    f.now += S;
    p.update(1000, "3/10 files");
    assertTrue(f.out.get(1).startsWith("\rindexing: 1,000/~2,000 docs, 3/10 files, 500 docs/s, ETA 2s"), f.out.get(1));
    p.label("writing");
    p.total(2000, false);
    f.now += S;
    p.update(2000, null);
    assertTrue(f.out.get(2).startsWith("\rwriting: 2,000/2,000 docs, 667 docs/s, ETA 0s"), f.out.get(2));
  }

  @Test
  void pollingUpdatesFromATimerThreadUntilClosed() throws Exception {
    List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
    Progress p = new Progress(out::add, Progress.Mode.LIVE, "indexing", "docs", 0, System::nanoTime);
    p.poll(() -> p.update(n.incrementAndGet()));
    long deadline = System.nanoTime() + 10 * S;
    while (out.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    p.close();
    int size = out.size();
    assertTrue(size >= 2, "a line, then the erasing: " + out);
    Thread.sleep(700);
    assertEquals(size, out.size(), "nothing after close");
  }

  @Test
  void durations() {
    assertEquals("0s", Progress.duration(0));
    assertEquals("59s", Progress.duration(59));
    assertEquals("1m00s", Progress.duration(60));
    assertEquals("59m59s", Progress.duration(3599));
    assertEquals("1h00m", Progress.duration(3600));
    assertEquals("26h03m", Progress.duration(26 * 3600 + 3 * 60 + 59));
  }

  @Test
  void thePropertyOverridesTheTerminalTest() {
    String before = System.getProperty("trawl.progress");
    try {
      System.setProperty("trawl.progress", "live");
      assertEquals(Progress.Mode.LIVE, Progress.mode(false));
      assertEquals(Progress.Mode.OFF, Progress.mode(true), "--quiet wins");
      System.setProperty("trawl.progress", "log");
      assertEquals(Progress.Mode.LOG, Progress.mode(false));
      System.setProperty("trawl.progress", "off");
      assertEquals(Progress.Mode.OFF, Progress.mode(false));
      System.clearProperty("trawl.progress");
      // the test JVM's stderr is a pipe to Maven, not a terminal
      assertEquals(Progress.stderrIsTerminal() ? Progress.Mode.LIVE : Progress.Mode.LOG, Progress.mode(false));
    } finally {
      if (before == null) {
        System.clearProperty("trawl.progress");
      } else {
        System.setProperty("trawl.progress", before);
      }
    }
  }
}
