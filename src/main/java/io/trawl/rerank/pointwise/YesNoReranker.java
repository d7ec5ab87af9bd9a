package io.trawl.rerank.pointwise;

import io.trawl.core.Params;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance generation, "yes/no" (Liang et al., 2022, "Holistic Evaluation of Language Models",
 * HELM; Zhuang et al., 2024, "Beyond Yes and No: Improving Zero-Shot LLM Rankers via Scoring
 * Fine-Grained Relevance Labels", NAACL, RG-YN), as llm-rankers' pointwise {@code yes_no} method
 * builds it (ielab/llm-rankers at b36517b, {@code llmrankers/pointwise.py}, {@code
 * PointwiseLlmRanker.rerank}). Each candidate alone gets the prompt
 *
 * <pre>
 *   Passage: {text}
 *   Query: {query}
 *   Does the passage answer the query? Answer 'Yes' or 'No'
 * </pre>
 *
 * (framed for a decoder-only model as {@link LlmPointwiseReranker} says), one forward pass, and
 * the logits at the first answer position (the prompt's last position) of the tokens "Yes" and
 * "No" give the score
 *
 * <pre>
 *   s(q, d) = log_softmax([logit(Yes), logit(No)])[0] = log P(Yes | {Yes, No})
 * </pre>
 *
 * The ids are chosen as the authors choose them: the first id of {@code tokenizer.encode("Yes",
 * add_special_tokens=False)} and of {@code "No"} (Llama-2's SentencePiece: "▁Yes" 3869, "▁No"
 * 1939; byte-level BPE such as Qwen2's: "Yes", "No"). llm-rankers keeps the softmax probability
 * P(Yes); its logarithm here orders the candidates the same way and keeps more digits.
 *
 * <p>Spec: {@code yesno(model=<folder>, frame=chat|plain, query-tokens=128, passage-tokens=128,
 * batch=4, chat-template=<file>, device=cpu, dtype=float32, threads=0)}; the canonical spec has
 * every parameter but {@code threads}, with effective values.
 */
public final class YesNoReranker extends LlmPointwiseReranker {
  public static final String NAME = "yesno";
  private final int yesId;
  private final int noId;

  public YesNoReranker(Params p) {
    super(NAME, p, new LinkedHashMap<>());
    try {
      this.yesId = firstId("Yes");
      this.noId = firstId("No");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private int firstId(String word) {
    int[] ids = rt.tokenizer().encode(word);
    if (ids.length == 0) {
      throw io.trawl.core.TrawlException.invalid(rt.model().folder() + ": '" + word + "' has no tokens");
    }
    return ids[0];
  }

  /** The prompt for a query and a passage. */
  public static String format(String query, String passage) {
    return "Passage: " + passage + "\nQuery: " + query
        + "\nDoes the passage answer the query? Answer 'Yes' or 'No'";
  }

  @Override
  String prompt(String query, String passage) {
    return format(query, passage);
  }

  /** The ids of "Yes" and "No" whose logits are compared. */
  public int[] answerIds() {
    return new int[] {yesId, noId};
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = super.settings();
    m.put("yes-id", yesId);
    m.put("no-id", noId);
    return m;
  }

  @Override
  double[] scoreBatch(List<Row> rows) {
    float[][] logits = answerLogits(rows, answerIds());
    double[] out = new double[rows.size()];
    for (int r = 0; r < out.length; r++) {
      double yes = logits[r][0];
      double no = logits[r][1];
      out[r] = yes - logSumExp(yes, no);
    }
    return out;
  }
}
