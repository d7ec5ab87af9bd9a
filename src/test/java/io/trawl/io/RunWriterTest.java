package io.trawl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import io.trawl.core.ScoreTies;
import io.trawl.core.TrawlException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunWriterTest {
  @TempDir Path tmp;

  /** Six-decimal values (what retrieval hands on) print exactly as {@code %.6f}: Anserini's lines. */
  @Test
  void sixDecimalScoresPrintAsPercentF() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      double v = switch (i % 3) {
        case 0 -> ScoreTies.decimal((float) (Math.round(r.nextFloat() * 3e5) / 1e4 - r.nextInt(5) * 1e-6f));
        case 1 -> r.nextInt(100_000_000) / 1e6;
        default -> -r.nextInt(100_000_000) / 1e6;
      };
      assertEquals(String.format(Locale.US, "%f", v), RunWriter.formatScore(v), "value " + v + " seed " + seed);
    }
    for (double v : new double[] {0, -0.0, 1e8, 0.000001, 123456.789012, 999999999.999999}) {
      assertEquals(String.format(Locale.US, "%f", v), RunWriter.formatScore(v));
    }
  }

  /**
   * Any other score prints with the fewest decimals (at least six) that read back as the same
   * double, never in exponent form: a reranker's or a fusion's order survives the file.
   */
  @Test
  void otherScoresPrintExactly() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    List<Double> values = new ArrayList<>(List.of(1.0 / 61 + 1.0 / 62, -1e-9, 5e-7, 1e10, 1.5e-300, 1e12 + 0.5,
        -0.0012345678901, 2.7708001136779785, Math.PI * 1e9, Double.MIN_NORMAL));
    for (int i = 0; i < 100_000; i++) {
      values.add(switch (i % 4) {
        case 0 -> r.nextDouble() * 30;
        case 1 -> (double) (float) (r.nextGaussian() * 10);
        case 2 -> -Math.exp(r.nextDouble() * -30);
        default -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1);
      });
    }
    for (double v : values) {
      String s = RunWriter.formatScore(v);
      String where = "value " + v + " printed " + s + " seed " + seed;
      assertEquals(v, Double.parseDouble(s), 0.0, where);
      assertFalse(s.contains("E") || s.contains("e"), where);
      int decimals = s.length() - s.indexOf('.') - 1;
      assertTrue(s.indexOf('.') > 0 && decimals >= 6, where);
      if (decimals > 6) {
        // one decimal fewer does not read back as v
        BigDecimal shorter = new BigDecimal(s).setScale(decimals - 1, RoundingMode.HALF_EVEN);
        assertTrue(Double.parseDouble(shorter.toPlainString()) != v, where);
      }
    }
  }

  @Test
  void nonFiniteScoresAreRefused() {
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      RankedList l = new RankedList("q", List.of(new Candidate("d", v)));
      TrawlException e = assertThrows(TrawlException.class,
          () -> RunWriter.appendLines(new StringBuilder(), l, RunWriter.Format.TREC, "t"));
      assertTrue(e.getMessage().contains("'d'") && e.getMessage().contains("'q'"), e.getMessage());
    }
  }

  @Test
  void scoreTiesDecimalIsAnserinisPrintedValue() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int i = 0; i < 200_000; i++) {
      float f = i % 2 == 0 ? r.nextFloat() * 40 : (float) (Math.round(r.nextFloat() * 4e5) / 1e4 - r.nextInt(99) * 1e-6f);
      double expected = Double.parseDouble(String.format(Locale.US, "%.6f", (double) f));
      assertEquals(expected, ScoreTies.decimal(f), 0.0, "float " + f + " seed " + seed);
    }
  }

  @Test
  void tiesAreNudgedLikeAnserini() {
    // raw float scores; expected strings are Anserini 2.2.0's (run.json2 sample, SciFact run)
    float[] s = {16.31073f, 3.020036f, 0.3648f, 0.096f, 0.096f, 0.096f, 0.09593f};
    ScoreTies.adjust(s, s.length);
    String[] printed = new String[s.length];
    for (int i = 0; i < s.length; i++) {
      printed[i] = RunWriter.formatScore(ScoreTies.decimal(s[i]));
    }
    assertArrayEquals(new String[] {"16.310699", "3.020000", "0.364800", "0.096000", "0.095999",
        "0.095998", "0.095897"}, printed);
  }

  @Test
  void roundingIsDoneInDoubleAsAnserini220Does() {
    float[] s = {2.77085f};
    ScoreTies.adjust(s, 1);
    assertEquals("2.770800", RunWriter.formatScore(ScoreTies.decimal(s[0])));
  }

  @Test
  void trecMsmarcoAndJsonlLines() throws Exception {
    RankedList list = new RankedList("q1", List.of(new Candidate("d1", 2.5, "one"), new Candidate("d2", 1.25, "two")));
    Path trec = tmp.resolve("run.trec");
    try (RunWriter w = RunWriter.open(trec.toString(), RunWriter.Format.TREC, "bm25(k1=0.9,b=0.4)")) {
      w.write(list);
      w.commit();
    }
    assertEquals("q1 Q0 d1 1 2.500000 bm25(k1=0.9,b=0.4)\nq1 Q0 d2 2 1.250000 bm25(k1=0.9,b=0.4)\n",
        Files.readString(trec));
    assertTrue(Files.exists(tmp.resolve("run.trec" + RunMetadata.SUFFIX)), "metadata beside the run");
    Path ms = tmp.resolve("run.msmarco");
    try (RunWriter w = RunWriter.open(ms.toString(), RunWriter.Format.MSMARCO, "x")) {
      w.write(list);
      w.commit();
    }
    assertEquals("q1\td1\t1\nq1\td2\t2\n", Files.readString(ms));
    Path jsonl = tmp.resolve("run.jsonl");
    try (RunWriter w = RunWriter.open(jsonl.toString(), RunWriter.Format.JSONL, "x")) {
      w.write(new Query("q1", "the query"), list);
      w.commit();
    }
    List<QueryCandidates> back = CandidateFiles.read(jsonl.toString());
    assertEquals("the query", back.get(0).query().text());
    assertEquals(list.candidates(), back.get(0).candidates().candidates());
  }

  /** What the writer writes, the reader reads back: the same doubles in the same order. */
  @Test
  void writtenRunsReadBackExactly() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      cs.add(new Candidate("d" + i, i % 3 == 0 ? r.nextInt(5) / 10.0 : r.nextGaussian()));
    }
    cs.sort(RunReader.TREC_EVAL_ORDER);
    Run run = new Run("t", Map.of("q", new RankedList("q", cs)));
    Path p = tmp.resolve("exact.txt");
    RunWriter.write(p.toString(), RunWriter.Format.TREC, run, Map.of());
    assertEquals(cs, RunReader.readRun(p.toString(), RunReader.Mode.STRICT).get("q").candidates(),
        "seed " + seed);
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

  @Test
  void tagIsOneToken() {
    assertEquals("bm25@100_>>_monot5", RunWriter.tag(" bm25@100 >>\tmonot5 "));
    assertEquals("trawl", RunWriter.tag("  "));
    assertEquals("trawl", RunWriter.tag(null));
    assertThrows(TrawlException.class, () -> RunWriter.Format.parse("jsonl", RunWriter.Format.TREC));
  }
}
