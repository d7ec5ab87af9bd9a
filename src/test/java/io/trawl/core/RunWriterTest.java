package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunWriterTest {
  @TempDir Path tmp;

  @Test
  void fastScoreFormattingEqualsPercentF() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      double v = switch (i % 4) {
        case 0 -> r.nextDouble() * 30;
        case 1 -> (double) (float) (Math.round(r.nextFloat() * 1e5) / 1e4 - r.nextInt(5) * 1e-6f);
        case 2 -> r.nextInt(100_000) / 1e6;
        default -> (r.nextDouble() - 0.5) * 1e3;
      };
      assertEquals(String.format(Locale.US, "%f", v), RunWriter.formatScore(v), "value " + v + " seed " + seed);
    }
    for (double v : new double[] {0, -0.0, 1e12, 0.0000005, 2.5e-7, Double.NaN, 123456.7890125}) {
      assertEquals(String.format(Locale.US, "%f", v), RunWriter.formatScore(v));
    }
  }

  @Test
  void tiesAreNudgedLikeAnserini() {
    // raw float scores; expected strings are Anserini 2.2.0's (run.json2 sample, SciFact run)
    float[] s = {16.31073f, 3.020036f, 0.3648f, 0.096f, 0.096f, 0.096f, 0.09593f};
    ScoreTies.adjust(s, s.length);
    String[] printed = new String[s.length];
    for (int i = 0; i < s.length; i++) {
      printed[i] = RunWriter.formatScore(s[i]);
    }
    assertArrayEquals(new String[] {"16.310699", "3.020000", "0.364800", "0.096000", "0.095999",
        "0.095998", "0.095897"}, printed);
  }

  @Test
  void roundingIsDoneInDoubleAsAnserini220Does() {
    float[] s = {2.77085f};
    ScoreTies.adjust(s, 1);
    assertEquals("2.770800", RunWriter.formatScore(s[0]));
  }

  @Test
  void trecAndMsmarcoLines() throws Exception {
    RankedList list = new RankedList("q1", List.of(new Candidate("d1", 2.5), new Candidate("d2", 1.25)));
    Path trec = tmp.resolve("run.trec");
    try (RunWriter w = RunWriter.open(trec.toString(), RunWriter.Format.TREC, "bm25(k1=0.9,b=0.4)")) {
      w.write(list);
      w.commit();
    }
    assertEquals("q1 Q0 d1 1 2.500000 bm25(k1=0.9,b=0.4)\nq1 Q0 d2 2 1.250000 bm25(k1=0.9,b=0.4)\n",
        Files.readString(trec));
    Path ms = tmp.resolve("run.msmarco");
    try (RunWriter w = RunWriter.open(ms.toString(), RunWriter.Format.MSMARCO, "x")) {
      w.write(list);
      w.commit();
    }
    assertEquals("q1\td1\t1\nq1\td2\t2\n", Files.readString(ms));
  }

  @Test
  void uncommittedOutputLeavesNoFile() throws Exception {
    Path p = tmp.resolve("partial.txt");
    try (RunWriter w = RunWriter.open(p.toString(), RunWriter.Format.TREC, "t a g")) {
      assertEquals("t_a_g", w.tag());
      w.write(new RankedList("q", List.of(new Candidate("d", 1))));
    }
    assertEquals(false, Files.exists(p));
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count());
    }
  }
}
