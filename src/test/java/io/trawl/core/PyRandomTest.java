package io.trawl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PyRandom} against CPython's own {@code random.Random} (values written by {@code
 * src/test/python/setwise_permutation_golden.py} into {@code setwise-permutation-golden.json}):
 * the first 32-bit outputs after {@code seed(n)} for three seeds (one above 2^32), then a script of
 * {@code sample}, {@code choice} and {@code _randbelow} calls on one generator, each result equal.
 */
class PyRandomTest {
  static final Path GOLDEN = Path.of("src/test/resources/io/trawl/rerank/setwise/setwise-permutation-golden.json");

  @Test
  void equalsCPython() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(GOLDEN.toFile()).path("py_random");
    assertEquals(3, cases.size());
    for (JsonNode c : cases) {
      long seed = c.path("seed").asLong();
      PyRandom r = new PyRandom(seed);
      for (JsonNode v : c.path("first_uint32")) {
        assertEquals(v.asLong(), r.getrandbits(32), "seed " + seed);
      }
      r = new PyRandom(seed);
      int step = 0;
      for (JsonNode op : c.path("script")) {
        String what = "seed " + seed + ", step " + step++ + ": " + op;
        int n = op.path("n").asInt();
        List<Integer> population = new ArrayList<>();
        for (int i = 0; i < Math.min(n, 1000); i++) {
          population.add(i);
        }
        switch (op.path("op").asText()) {
          case "sample" -> {
            List<Integer> expected = new ArrayList<>();
            op.path("result").forEach(x -> expected.add(x.asInt()));
            assertEquals(expected, r.sample(population, op.path("k").asInt()), what);
          }
          case "choice" -> assertEquals(op.path("result").asInt(), r.choice(population), what);
          case "randbelow" -> assertEquals(op.path("result").asInt(), r.randbelow(n), what);
          default -> throw new IllegalStateException(what);
        }
      }
    }
  }

  @Test
  void aCopyDrawsAlike() {
    PyRandom a = new PyRandom(929);
    a.sample(List.of(1, 2, 3), 3);
    PyRandom b = a.copy();
    assertEquals(a.getrandbits(32), b.getrandbits(32));
    b.getrandbits(7);
    assertEquals(new PyRandom(929).sample(List.of(1, 2, 3), 3), new PyRandom(929).sample(List.of(1, 2, 3), 3));
  }

  @Test
  void refusesWhatItDoesNotImplement() {
    PyRandom r = new PyRandom(929);
    assertThrows(IllegalArgumentException.class, () -> new PyRandom(-1));
    assertThrows(IllegalArgumentException.class, () -> r.randbelow(0));
    assertThrows(IllegalArgumentException.class, () -> r.choice(List.of()));
    assertThrows(IllegalArgumentException.class, () -> r.sample(List.of(1, 2), 3));
    List<Integer> big = new ArrayList<>();
    for (int i = 0; i < 22; i++) {
      big.add(i);
    }
    assertThrows(IllegalArgumentException.class, () -> r.sample(big, 2), "CPython's set method: not implemented");
    assertEquals(22, r.sample(big, 22).size(), "k > 5 widens the pool method's range, as in CPython");
  }
}
