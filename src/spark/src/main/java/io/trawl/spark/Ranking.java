package io.trawl.spark;

import io.trawl.core.Candidate;
import io.trawl.core.RankedList;
import io.trawl.io.RunReader;
import java.io.Serializable;

/**
 * One query's top hits from some shards, as Lucene scored them (float scores, not yet rounded),
 * ordered by score descending then docid ascending in UTF-8 byte order (= code point order), the
 * order of {@link io.trawl.search.LexicalRetriever#retrieveUnrounded}. Merging is associative and
 * commutative (docids are unique across shards), so Spark may merge shards in any order.
 */
public final class Ranking implements Serializable {
  private static final long serialVersionUID = 1L;

  final String[] ids;
  final float[] scores;

  Ranking(String[] ids, float[] scores) {
    this.ids = ids;
    this.scores = scores;
  }

  static Ranking of(RankedList list) {
    String[] ids = new String[list.size()];
    float[] scores = new float[list.size()];
    for (int i = 0; i < ids.length; i++) {
      Candidate c = list.get(i);
      ids[i] = c.docId();
      scores[i] = (float) c.score();
    }
    return new Ranking(ids, scores);
  }

  int size() {
    return ids.length;
  }

  /** Whether hit i of a ranks before hit j of b. */
  private static boolean before(Ranking a, int i, Ranking b, int j) {
    int c = Float.compare(b.scores[j], a.scores[i]);
    return c != 0 ? c < 0 : RunReader.compareUtf8(a.ids[i], b.ids[j]) < 0;
  }

  /** The first {@code k} of the union of two rankings. */
  static Ranking merge(Ranking a, Ranking b, int k) {
    int n = Math.min(k, a.size() + b.size());
    String[] ids = new String[n];
    float[] scores = new float[n];
    int i = 0;
    int j = 0;
    for (int o = 0; o < n; o++) {
      if (j >= b.size() || (i < a.size() && before(a, i, b, j))) {
        ids[o] = a.ids[i];
        scores[o] = a.scores[i++];
      } else {
        ids[o] = b.ids[j];
        scores[o] = b.scores[j++];
      }
    }
    return new Ranking(ids, scores);
  }
}
