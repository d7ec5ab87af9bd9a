package io.trawl.rerank.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.Candidate;
import io.trawl.core.Params;
import io.trawl.core.Query;
import io.trawl.core.RankedList;
import io.trawl.rerank.icr.IcrAccess;
import io.trawl.rerank.icr.IcrReranker;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ICR as its authors' code (OSU-NLP-Group/In-Context-Reranking at 9117e9f) runs it, on the tiny
 * Llama with a Mistral-Instruct chat template and the Llama-2 SentencePiece model: the prompt text
 * ("[INST] Here are some paragraphs:" ... "[/INST]"), each document's token span ("[i]" included),
 * the first query token, and the calibrated scores (torch's std, with Bessel's correction) and the
 * ranking they give. Expected values written by {@code src/test/python/icr_golden.py}, which runs the
 * authors' {@code _prepare_input_for_document_retrieval} and {@code score_documents}.
 */
class IcrGoldenTest {
  static final String MISTRAL_V02 = "{{ bos_token }}{% for message in messages %}{% if (message['role']"
      + " == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate"
      + " user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] '"
      + " + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{"
      + " message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles"
      + " are supported!') }}{% endif %}{% endfor %}";

  @TempDir static Path tmp;
  static Path model;

  @BeforeAll
  static void setUp() throws Exception {
    io.trawl.model.llm.SingleThreaded.enter();
    model = TinyLlm.folder(tmp, "tiny-mistral-frame", 16384, MISTRAL_V02);
  }

  @AfterAll
  static void restore() {
    io.trawl.model.llm.SingleThreaded.exit();
  }

  @Test
  void promptSpansAndScoresAsTheAuthorsCode() throws Exception {
    JsonNode doc;
    try (InputStream in = IcrGoldenTest.class.getResourceAsStream("/io/trawl/rerank/icr/icr-golden.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    try (IcrReranker r = new IcrReranker(new Params(Map.of("model", model.toString())))) {
      for (JsonNode c : doc.path("cases")) {
        Query q = new Query("q", c.path("query").asText());
        List<Candidate> cands = new ArrayList<>();
        for (JsonNode t : c.path("candidates")) {
          cands.add(new Candidate("d" + cands.size(), 100 - cands.size(), t.asText()));
        }
        RankedList list = new RankedList("q", cands);
        String[] texts = IcrAccess.texts(r, q, list);
        assertEquals(c.path("prompt").asText(), texts[0]);
        assertEquals(c.path("calibration_prompt").asText(), texts[1]);
        int n = cands.size();
        int[] tok = IcrAccess.tokens(r, q, list);
        for (int j = 0; j < n; j++) {
          JsonNode span = c.path("spans").get(j);
          assertArrayEquals(new int[] {span.get(0).asInt(), span.get(1).asInt()},
              new int[] {tok[2 * j], tok[2 * j + 1]}, "span of prompt document " + j);
        }
        assertEquals(c.path("query_start").asInt(), tok[2 * n], "first query token");
        assertEquals(c.path("query_end").asInt() + 1, tok[2 * n + 1], "query pass length");
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
          want[i] = c.path("scores").get(i).asDouble();
        }
        double[] got = IcrAccess.score(r, q, list, true);
        double scale = java.util.Arrays.stream(want).map(Math::abs).max().orElse(1);
        for (int i = 0; i < n; i++) {
          assertEquals(want[i], got[i], 1e-4 * scale, "candidate " + i);
        }
        assertEquals(order(want), order(got), "ranking");
      }
    }
  }

  static List<Integer> order(double[] s) {
    return IntStream.range(0, s.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -s[i])).toList();
  }
}
