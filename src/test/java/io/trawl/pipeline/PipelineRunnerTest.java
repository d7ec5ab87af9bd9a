package io.trawl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Registry;
import io.trawl.core.Run;
import io.trawl.core.TrawlException;
import io.trawl.rerank.Reranker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunnerTest {
  @TempDir Path tmp;

  /** Reverses its input; scores are the input's scores in their original positions. */
  static final class ReverseReranker implements Reranker {
    final List<Integer> seen = new ArrayList<>();

    @Override
    public String spec() {
      return "reverse";
    }

    @Override
    public RankedList rerank(Query query, RankedList in) {
      seen.add(in.size());
      List<Candidate> out = new ArrayList<>();
      for (int i = 0; i < in.size(); i++) {
        Candidate c = in.get(in.size() - 1 - i);
        if (c.text() == null) {
          throw new AssertionError("no text for " + c.docId());
        }
        out.add(c.withScore(in.get(i).score()));
      }
      return new RankedList(query.id(), out);
    }
  }

  @Test
  void runFileSourceIsCutAndRerankedTopK() throws IOException {
    Path run = tmp.resolve("run.txt");
    // trec_eval order: score desc, then docno desc; d3 and d2 tie, so d3 comes first
    Files.writeString(run, """
        q1 Q0 d1 1 9.0 x
        q1 Q0 d2 2 8.0 x
        q1 Q0 d3 3 8.0 x
        q1 Q0 d4 4 7.0 x
        q2 Q0 e1 1 1.0 x
        """);
    Path cands = tmp.resolve("cands.jsonl");
    Files.writeString(cands, """
        {"query": {"text": "a", "qid": "q1"}, "candidates": [{"docid": "d1", "score": 3, "doc": {"contents": "t1"}}, {"docid": "d2", "score": 2, "doc": {"contents": "t2"}}, {"docid": "d3", "score": 1, "doc": {"contents": "t3"}}]}
        """);
    List<Query> queries = List.of(new Query("q1", "a"), new Query("q3", "c"));
    Run r = PipelineRunner.run(Pipeline.parse("run(file=" + run + ")@3"), queries,
        new PipelineRunner.Context(null, null, false, 1));
    assertEquals(List.of("q1", "q3"), new ArrayList<>(r.lists().keySet()));
    assertEquals(List.of("d1", "d3", "d2"), r.get("q1").candidates().stream().map(Candidate::docId).toList());
    assertEquals(0, r.get("q3").size());
    assertEquals("run(file=" + run + ")@3", r.tag());

    ReverseReranker reverse = new ReverseReranker();
    Registry<Reranker> registry = new Registry<Reranker>("reranker").register("reverse", p -> reverse);
    Run rr = PipelineRunner.run(Pipeline.parse("candidates(file=" + cands + ") >> reverse@2"),
        List.of(new Query("q1", "a")), new PipelineRunner.Context(null, null, false, 1), registry);
    assertEquals(List.of(2), reverse.seen);
    assertEquals(List.of("d2", "d1"), rr.get("q1").candidates().stream().map(Candidate::docId).toList());
    assertTrue(rr.get("q1").isMonotone());
    assertEquals("candidates(file=" + cands + ")>>reverse@2", rr.tag());

    // a run file has no texts and there is no index: a clear error, not a crash in the reranker
    TrawlException e = assertThrows(TrawlException.class, () -> PipelineRunner.run(
        Pipeline.parse("run(file=" + run + ") >> reverse"), queries, new PipelineRunner.Context(null, null, false, 1),
        registry));
    assertTrue(e.getMessage().contains("rerankers need document texts"), e.getMessage());
    e = assertThrows(TrawlException.class, () -> PipelineRunner.run(Pipeline.parse("bm25@10"), queries,
        new PipelineRunner.Context(null, null, false, 1)));
    assertTrue(e.getMessage().contains("give --index"), e.getMessage());
  }
}
