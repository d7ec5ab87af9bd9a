package io.trawl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.InputException;
import io.trawl.core.RankedList;
import io.trawl.core.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {
  @TempDir Path tmp;

  private Path write(String text) throws Exception {
    Path p = tmp.resolve("run-" + System.nanoTime() + ".txt");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static List<String> ids(RankedList l) {
    return l.candidates().stream().map(Candidate::docId).toList();
  }

  @Test
  void sortsLikeTrecEval() throws Exception {
    Path p = write("q1 Q0 a 1 5.0 tag1\nq1 Q0 c 2 5.0 tag1\nq1 Q0 b 3 6.0 tag1\n"
        + "q2 Q0 x 1 1 tag1 extra junk\n");
    for (RunReader.Mode mode : RunReader.Mode.values()) {
      Run run = RunReader.readRun(p.toString(), mode);
      assertEquals("tag1", run.tag());
      assertEquals(List.of("b", "c", "a"), ids(run.get("q1")));
      assertEquals(1, run.get("q2").size());
    }
  }

  /**
   * Ties go by docid descending in UTF-8 byte order (trec_eval's strcmp), not by the rank column
   * (the old reranker reader) nor by UTF-16 order (the old dense reader): U+1F600 encodes as
   * F0 9F 98 80 and sorts after U+FF21 (EF BC A1) in bytes, before it in UTF-16 (D83D < FF21).
   */
  @Test
  void tiesByDocidBytesNotRankNorUtf16() throws Exception {
    Path p = write("q Q0 \uFF21 1 2.5 t\nq Q0 \uD83D\uDE00 2 2.5 t\nq Q0 b 3 2.5 t\nq Q0 a 4 3 t\n");
    Run run = RunReader.readRun(p.toString(), RunReader.Mode.LENIENT);
    assertEquals(List.of("a", "\uD83D\uDE00", "\uFF21", "b"), ids(run.get("q")));
    assertTrue("\uD83D\uDE00".compareTo("\uFF21") < 0, "UTF-16 order would differ");
  }

  @Test
  void rankColumnIsIgnoredAsByTrecEval() throws Exception {
    Path p = write("q Q0 a x 1.0 t\nq Q0 b 7 2.0 t\n");
    assertEquals(List.of("b", "a"), ids(RunReader.readRun(p.toString(), RunReader.Mode.STRICT).get("q")));
  }

  @Test
  void msMarcoRunsOnlyWhenLenient() throws Exception {
    Path p = write("1\td2\t2\n1\td1\t1\n2\td9\t1\n");
    Run run = RunReader.readRun(p.toString(), RunReader.Mode.LENIENT);
    assertEquals(List.of("d1", "d2"), ids(run.get("1")));
    assertEquals(-1.0, run.get("1").get(0).score(), 0.0);
    InputException e = assertThrows(InputException.class,
        () -> RunReader.read(p.toString(), RunReader.Mode.STRICT));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("6 fields"), e.getMessage());
    // the first line decides: a TREC line in an MS MARCO file is an error, and the other way round
    Path mixed = write("1 d1 1\n1 Q0 d2 2 0.5 t\n");
    assertEquals(2, assertThrows(InputException.class,
        () -> RunReader.read(mixed.toString(), RunReader.Mode.LENIENT)).line());
    Path mixed2 = write("1 Q0 d2 1 0.5 t\n1 d1 2\n");
    assertEquals(2, assertThrows(InputException.class,
        () -> RunReader.read(mixed2.toString(), RunReader.Mode.LENIENT)).line());
  }

  @Test
  void errorsNameFileAndLine() throws Exception {
    Path dup = write("q1 Q0 a 1 5.0 t\nq1 Q0 b 2 4.0 t\nq1 Q0 a 3 4.5 t\n");
    RunTable table = RunReader.read(dup.toString(), RunReader.Mode.STRICT); // trec_eval reads it
    InputException e = assertThrows(InputException.class, table::toRun);
    assertEquals(3, e.line());
    assertEquals(dup.toString(), e.file());
    assertTrue(e.getMessage().contains("also on line 1"), e.getMessage());
    Path score = write("q1 Q0 a 1 five t\n");
    assertEquals(1, assertThrows(InputException.class,
        () -> RunReader.read(score.toString(), RunReader.Mode.LENIENT)).line());
    Path nan = write("q1 Q0 a 1 1 t\nq1 Q0 b 2 NaN t\n");
    assertEquals(2, assertThrows(InputException.class,
        () -> RunReader.read(nan.toString(), RunReader.Mode.LENIENT)).line());
    Path shortLine = write("q1 Q0 a\n");
    assertEquals(1, assertThrows(InputException.class,
        () -> RunReader.read(shortLine.toString(), RunReader.Mode.LENIENT)).line());
    Path empty = write("\n# nothing\n");
    assertTrue(assertThrows(InputException.class,
        () -> RunReader.read(empty.toString(), RunReader.Mode.STRICT)).getMessage().contains("empty"));
  }

  @Test
  void idsMustBeUtf8ForListsNotForEvaluation() throws Exception {
    Path p = tmp.resolve("bad.txt");
    byte[] bad = {'q', ' ', 'Q', '0', ' ', 'd', (byte) 0xC3, (byte) 0x28, ' ', '1', ' ', '1', ' ', 't', '\n'};
    Files.write(p, bad);
    RunTable t = RunReader.read(p.toString(), RunReader.Mode.STRICT);
    assertEquals(1, t.size());
    InputException e = assertThrows(InputException.class, t::toRun);
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  /** The byte-level order of the table and the comparator on candidates are one order. */
  @Test
  void tableOrderEqualsCandidateOrder() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    String[] alphabet = {"a", "b", "Z", "\u00e9", "\uFF21", "\uD83D\uDE00", "1", "10"};
    for (int round = 0; round < 200; round++) {
      Map<String, Candidate> docs = new LinkedHashMap<>();
      int n = 1 + r.nextInt(30);
      while (docs.size() < n) {
        StringBuilder id = new StringBuilder();
        for (int k = 0, len = 1 + r.nextInt(3); k < len; k++) {
          id.append(alphabet[r.nextInt(alphabet.length)]);
        }
        docs.put(id.toString(), new Candidate(id.toString(), r.nextInt(4) / 2.0));
      }
      List<Candidate> expected = new ArrayList<>(docs.values());
      expected.sort(RunReader.TREC_EVAL_ORDER);
      List<Candidate> shuffled = new ArrayList<>(docs.values());
      java.util.Collections.shuffle(shuffled, r);
      Run run = new Run("t", Map.of("q", new RankedList("q", shuffled)));
      assertEquals(expected, RunTable.of(run).toRun().get("q").candidates(), "seed " + seed);
    }
  }
}
