package io.trawl.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.corpus.Corpora;
import io.trawl.index.Indexer;
import io.trawl.io.Topics;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every retriever promises, checked on the built-in Cranfield collection and 40 of its topics:
 * at most k hits, distinct docids, scores non-increasing (also as printed; note that Anserini's
 * 1e-6 tie nudge is below float resolution for scores of 16 and more, so such ties can print
 * equal, exactly as in Anserini's runs), deterministic, no hits for an all-stopword query, a canonical spec that parses back.
 */
class RetrieverContractTest {
  @TempDir static Path tmp;
  static Path index;
  static List<Query> topics;

  @BeforeAll
  static void build() {
    index = tmp.resolve("cranfield");
    new Indexer(new Indexer.Options().corpus(Corpora.forInput(null, "builtin:cranfield"), "builtin:cranfield")
        .index(index).threads(2).storeDocvectors(true).storeRaw(false)).run();
    topics = Topics.read("cranfield").subList(0, 40);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bm25(k1=1.2,b=0.75)", "qld(mu=500)",
      "rm3(fbTerms=5,fbDocs=3,originalQueryWeight=0.8)", "rocchio", "rocchio(useNegative=true,gamma=0.15)",
      "rm3(model=qld,mu=500)", "rocchio(model=qld)"})
  void contract(String spec) {
    try (LuceneIndex idx = LuceneIndex.open(index, null);
        Retriever r = Retrievers.open(spec, idx, SearchOptions.defaults())) {
      assertEquals(r.spec(), Retrievers.parse(r.spec()).spec(), "spec round-trips");
      int nonEmpty = 0;
      for (Query q : topics) {
        for (int k : new int[] {1, 50}) {
          RankedList a = r.retrieve(q, k);
          assertEquals(q.id(), a.queryId());
          assertTrue(a.size() <= k);
          Set<String> ids = new HashSet<>();
          String prev = null;
          for (Candidate c : a.candidates()) {
            assertTrue(ids.add(c.docId()), "duplicate " + c.docId());
            String printed = io.trawl.io.RunWriter.formatScore(c.score());
            if (prev != null) {
              assertTrue(Double.parseDouble(printed) <= Double.parseDouble(prev),
                  spec + " q" + q.id() + ": printed scores must not increase: " + prev + " then " + printed);
            }
            prev = printed;
          }
          assertTrue(a.isMonotone());
          assertEquals(a, r.retrieve(q, k), "deterministic");
          if (k == 50 && a.size() > 0) {
            nonEmpty++;
          }
        }
      }
      assertEquals(topics.size(), nonEmpty);
      assertFalse(r.retrieve(new Query("x", "the of and to in"), 10).size() > 0);
      assertEquals(0, r.retrieve(new Query("y", ""), 10).size());
    }
  }

  /**
   * The same promises for {@code impact}, on the built-in synthetic impact index and its 40
   * pre-encoded queries (a term absent from the index matches nothing).
   */
  @org.junit.jupiter.api.Test
  void impactContract() {
    Path impact = tmp.resolve("sparse-synthetic");
    new Indexer(new Indexer.Options().corpus(Corpora.forInput(null, "builtin:sparse-synthetic"),
        "builtin:sparse-synthetic").index(impact).threads(2).storeRaw(false)).run();
    try (LuceneIndex idx = LuceneIndex.open(impact, null);
        Retriever r = Retrievers.open("impact", idx, SearchOptions.defaults())) {
      assertEquals(r.spec(), Retrievers.parse(r.spec()).spec(), "spec round-trips");
      for (Query q : Topics.read("sparse-synthetic")) {
        for (int k : new int[] {1, 50}) {
          RankedList a = r.retrieve(q, k);
          assertTrue(a.size() <= k && a.size() > 0);
          Set<String> ids = new HashSet<>();
          for (Candidate c : a.candidates()) {
            assertTrue(ids.add(c.docId()), "duplicate " + c.docId());
          }
          assertTrue(a.isMonotone());
          assertEquals(a, r.retrieve(q, k), "deterministic");
        }
      }
      assertEquals(0, r.retrieve(new Query("x", "no-such-term ##nothing"), 10).size());
      assertEquals(0, r.retrieve(new Query("y", ""), 10).size());
    }
  }
}
