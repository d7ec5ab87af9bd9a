package io.trawl.index.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class ByteDictionaryTest {
  /** The dictionary's terms by id. */
  private static List<String> terms(ByteDictionary d) {
    List<String> out = new ArrayList<>();
    for (int e = 0; e < d.size; e++) {
      out.add(new String(d.bytes, d.start[e], d.length[e], StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Ids in order of first addition, found again by bytes and by characters alike, over
   * documents of very different sizes (the table grows, then is reused after clear()); the hash
   * kept per term is the one a second dictionary is given.
   */
  @Test
  void numbersTermsInOrderOfFirstAdditionByBytesOrByChars() {
    Random r = new Random(42);
    int[] sizes = {0, 1, 5, 3000, 2, 40, 20000, 7, 0, 300};
    ByteDictionary byBytes = new ByteDictionary(4, 8);
    ByteDictionary byChars = new ByteDictionary(4, 8);
    ByteDictionary segment = new ByteDictionary(4, 8);
    BytesRef scratch = new BytesRef();
    for (int size : sizes) {
      byBytes.clear();
      byChars.clear();
      Map<String, Integer> expected = new LinkedHashMap<>();
      int vocabulary = 1 + size / 3;
      for (int i = 0; i < size; i++) {
        String t = "t" + r.nextInt(vocabulary) + (r.nextInt(50) == 0 ? "é€" : "");
        Integer known = expected.putIfAbsent(t, expected.size());
        int want = known == null ? expected.size() - 1 : -1 - known;
        BytesRef b = new BytesRef(t);
        assertEquals(want, byBytes.add(b.bytes, b.offset, b.length), t);
        assertEquals(want, byChars.addChars(t.toCharArray(), t.length(), scratch), t);
      }
      assertEquals(new ArrayList<>(expected.keySet()), terms(byBytes), "document of " + size + " tokens");
      assertEquals(new ArrayList<>(expected.keySet()), terms(byChars), "document of " + size + " tokens");
      for (int e = 0; e < byChars.size; e++) {
        assertEquals(byBytes.hash[e], byChars.hash[e]);
        segment.add(byChars.bytes, byChars.start[e], byChars.length[e], byChars.hash[e]);
      }
    }
    // the segment's dictionary holds every term once, whatever chunk it came from
    assertEquals(segment.size, terms(segment).stream().distinct().count());
    int[] order = new int[segment.size];
    Arrays.setAll(order, i -> i);
    segment.sort(order, order.length);
    for (int i = 1; i < order.length; i++) {
      BytesRef a = segment.term(order[i - 1], new BytesRef());
      BytesRef b = segment.term(order[i], new BytesRef());
      assertEquals(-1, Integer.signum(a.compareTo(b)), "unsigned byte order");
    }
  }

  @Test
  void oneKeyKindBetweenClears() {
    ByteDictionary d = new ByteDictionary(4, 8);
    d.addChars("a".toCharArray(), 1, new BytesRef());
    assertThrows(IllegalStateException.class, () -> d.add(new byte[] {'b'}, 0, 1));
    d.clear();
    d.add(new byte[] {'b'}, 0, 1);
    assertThrows(IllegalStateException.class, () -> d.addChars("a".toCharArray(), 1, new BytesRef()));
  }

  @Test
  void refusesTermsLuceneCannotIndex() {
    ByteDictionary d = new ByteDictionary(4, 8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d.add(new byte[ByteDictionary.MAX_TERM_BYTES + 1], 0, ByteDictionary.MAX_TERM_BYTES + 1));
    assertEquals("a term is longer than 32766 bytes (UTF-8); Lucene cannot index it", e.getMessage());
  }
}
