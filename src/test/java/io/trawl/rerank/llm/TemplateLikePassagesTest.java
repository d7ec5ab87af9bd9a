package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Candidate;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.core.Spec;
import io.trawl.model.ComputeOptions;
import io.trawl.model.llm.LlmRuntime;
import io.trawl.rerank.Reranker;
import io.trawl.rerank.listwise.ListwisePrompts;
import io.trawl.rerank.listwise.Passages;
import io.trawl.rerank.registry.Rerankers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passages that look like Jinja (Wikipedia's <code>{{cite web |url=x}}</code>, <code>{{ 7*7 }}</code>,
 * <code>{% if x %}</code>, <code>{% raw %}</code>) are data: every local listwise and ICR reranker
 * ranks them, and the prompt the model reads holds their text unchanged (issue 15, part 5).
 */
class TemplateLikePassagesTest {
  static final List<String> TEXTS = List.of(
      "Arithmetic {{ 7*7 }} stays as written.",
      "Wikipedia says so.{{cite web |url=http://x.org |title=X}} More text.",
      "{% if x %}conditional{% endif %} and {%- -%} whitespace control",
      "{% raw %}raw{% endraw %} then {% endraw %} alone",
      "Comment {# not a comment #} and an open {{ brace",
      "Plain passage about the query topic.");

  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void setUp() throws Exception {
    io.trawl.model.llm.SingleThreaded.enter();
    model = TinyLlm.folder(tmp, "tiny-chat", 16384);
  }

  @AfterAll
  static void restore() {
    io.trawl.model.llm.SingleThreaded.exit();
  }

  static RankedList list(String qid) {
    List<Candidate> c = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      c.add(new Candidate("d" + i, 10.0 - i, TEXTS.get(i)));
    }
    return new RankedList(qid, c);
  }

  @Test
  void everyLocalRerankerRanksThem() {
    Query q = new Query("q1", "what does {{ x }} mean");
    for (String spec : List.of(
        "rankgpt(backend=local,model=\"" + model + "\",max-tokens=4)",
        "rankgpt(backend=local,template=rankzephyr,model=\"" + model + "\",max-tokens=4)",
        "first(model=\"" + model + "\")",
        "icr(model=\"" + model + "\")")) {
      try (Reranker r = Rerankers.registry().create(Spec.parse(spec))) {
        RankedList in = list(q.id());
        RankedList out = r.rerank(q, in);
        assertEquals(in.size(), out.size(), spec);
        assertTrue(out.isMonotone(), spec);
        assertEquals(in.candidates().stream().map(Candidate::docId).sorted().toList(),
            out.candidates().stream().map(Candidate::docId).sorted().toList(), spec);
      }
    }
  }

  @Test
  void thePromptHoldsThePassagesVerbatim() {
    try (LlmRuntime rt = LlmRuntime.load(model, ComputeOptions.DEFAULT, null)) {
      List<String> passages = TEXTS.stream().map(t -> Passages.format(null, t, 300)).toList();
      for (ListwisePrompts.Template t : ListwisePrompts.Template.values()) {
        String prompt = rt.render(ListwisePrompts.build(t, "what does {{ x }} mean", passages), true);
        for (String p : passages) {
          assertTrue(prompt.contains(p), t + " lost " + p + " in\n" + prompt);
        }
        assertTrue(prompt.contains("what does {{ x }} mean"), prompt);
        assertFalse(prompt.contains("49"), prompt);
      }
    }
  }
}
