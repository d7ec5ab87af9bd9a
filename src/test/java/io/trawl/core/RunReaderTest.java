package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {
  @TempDir Path tmp;

  @Test
  void sortsLikeTrecEval() throws Exception {
    Path p = tmp.resolve("r.txt");
    Files.writeString(p, "q1 Q0 a 1 5.0 tag1\nq1 Q0 c 2 5.0 tag1\nq1 Q0 b 3 6.0 tag1\n"
        + "q2 Q0 x 1 1 tag1 extra junk\n");
    Run run = RunReader.read(p.toString());
    assertEquals("tag1", run.tag());
    assertEquals(List.of("b", "c", "a"),
        run.get("q1").candidates().stream().map(Candidate::docId).toList());
    assertEquals(1, run.get("q2").size());
  }

  @Test
  void msMarcoFormat() throws Exception {
    Path p = tmp.resolve("m.tsv");
    Files.writeString(p, "1\td2\t2\n1\td1\t1\n");
    Run run = RunReader.read(p.toString());
    assertEquals(List.of("d1", "d2"),
        run.get("1").candidates().stream().map(Candidate::docId).toList());
  }

  @Test
  void errorsNameFileAndLine() throws Exception {
    Path p = tmp.resolve("bad.txt");
    Files.writeString(p, "q1 Q0 a 1 5.0 t\nq1 Q0 a 2 4.0 t\n");
    InputException e = assertThrows(InputException.class, () -> RunReader.read(p.toString()));
    assertEquals(2, e.line());
    Files.writeString(p, "q1 Q0 a 1 five t\n");
    assertEquals(1, assertThrows(InputException.class, () -> RunReader.read(p.toString())).line());
    Files.writeString(p, "q1 Q0 a\n");
    assertEquals(1, assertThrows(InputException.class, () -> RunReader.read(p.toString())).line());
  }
}
