package io.trawl.rerank.listwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Messy model answers and the permutation each documents (window of 5 unless said). */
class PermutationParserTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # answer                                         | n | permutation | ok | wrongFormat | repetition | missing | outOfRange
      [2] > [1] > [5] > [3] > [4]                      | 5 | 1 0 4 2 3   | true  | false | false | false | false
      [2] > [1] > [5] > [3] > [4].                     | 5 | 1 0 4 2 3   | true  | false | false | false | false
      [2] > [1]                                        | 5 | 1 0 2 3 4   | false | false | false | true  | false
      [3] > [3] > [1] > [2] > [5] > [4]                | 5 | 2 0 1 4 3   | false | false | true  | false | false
      [7] > [0] > [2] > [1] > [3] > [4] > [5]          | 5 | 1 0 2 3 4   | false | false | false | false | true
      The ranking is: [4] > [2] > [1] > [3] > [5]. Hope this helps | 5 | 3 1 0 2 4 | false | true | false | false | false
      I cannot rank these passages.                    | 5 | 0 1 2 3 4   | false | true  | false | true  | false
      [1][0] > [2]                                     | 5 | 0 1 2 3 4   | false | true  | false | true  | true
      ４ > ２ > １                                       | 5 | 3 1 0 2 4   | false | true  | false | true  | false
      [１０] > [２]                                      | 12 | 9 1 0 2 3 4 5 6 7 8 10 11 | false | false | false | true | false
      [10] > [2] > [1]                                 | 12 | 9 1 0 2 3 4 5 6 7 8 10 11 | false | false | false | true | false
      2,1,3                                            | 3 | 1 0 2       | false | true  | false | false | false
      ''                                               | 3 | 0 1 2       | false | true  | false | true  | false
      """)
  void table(String answer, int n, String perm, boolean ok, boolean wrongFormat, boolean repetition,
      boolean missing, boolean outOfRange) {
    PermutationParser.Result r = PermutationParser.parse(answer == null ? "" : answer, n);
    assertArrayEquals(Arrays.stream(perm.trim().split(" ")).mapToInt(Integer::parseInt).toArray(),
        r.permutation(), Arrays.toString(r.permutation()));
    assertEquals(ok, r.ok(), "ok");
    assertEquals(wrongFormat, r.wrongFormat(), "wrongFormat");
    assertEquals(repetition, r.repetition(), "repetition");
    assertEquals(missing, r.missing(), "missing");
    assertEquals(outOfRange, r.outOfRange(), "outOfRange");
  }

  @Test
  void alphabeticIdentifiers() {
    PermutationParser.Result r = PermutationParser.parse("[C] > [a] > [Z] > [C]", 4, true);
    assertArrayEquals(new int[] {2, 0, 1, 3}, r.permutation());
    assertEquals(true, r.repetition());
    assertEquals(true, r.outOfRange());
    assertEquals(true, PermutationParser.parse("[B] > [A]", 2, true).ok());
  }

  @Test
  void statsCount() {
    ParseStats s = new ParseStats();
    s.add(PermutationParser.parse("[1] > [2]", 2));
    s.add(PermutationParser.parse("[1] > [1]", 2));
    s.add(PermutationParser.parse("no", 2));
    assertEquals("windows=3, ok=1, wrong_format=1, repetition=1, missing_ids=2, out_of_range=0",
        s.toString());
  }
}
