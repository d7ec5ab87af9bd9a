package io.trawl.rerank.pointwise;

import io.trawl.core.Params;
import io.trawl.core.TrawlException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fine-grained relevance labels on a rating scale (Zhuang et al., 2024, "Beyond Yes and No:
 * Improving Zero-Shot LLM Rankers via Scoring Fine-Grained Relevance Labels", NAACL; the
 * rating-scale prompt RG-S(0,k) with expected relevance, ER). Each candidate alone gets the prompt
 *
 * <pre>
 *   From a scale of 0 to {k}, judge the relevance between the query and the document.
 *   Query: {query}
 *   Document: {text}
 *   Output:
 * </pre>
 *
 * (framed for a decoder-only model as {@link LlmPointwiseReranker} says). The authors published no
 * code; the wording is the paper's RG-S(0,k) prompt (its Figure 1), the line breaks between the
 * instruction, "Query:", "Document:" and "Output:" are our reading of that figure (reproductions
 * such as the prompt-variation study of Sun et al. 2024 put them on one line). One forward pass,
 * and the logits s_y at the first answer position of the label tokens "0", "1", ..., "k" give the
 * expected relevance
 *
 * <pre>
 *   p_y = exp(s_y) / sum_{y'=0..k} exp(s_y'),    s(q, d) = sum_{y=0..k} y * p_y
 * </pre>
 *
 * Each label's id is its own vocabulary piece ("0" in Llama-2's SentencePiece, 29900, whose
 * {@code encode("0")} is "▁", "0"; "0" in byte-level BPE), else its single token; a label that is
 * neither is an error. {@code k} is 1..9 (one digit per label); the paper's RG-S(0,4) is the
 * default.
 *
 * <p>Spec: {@code finegrained(model=<folder>, frame=chat|plain, query-tokens=128,
 * passage-tokens=128, k=4, batch=4, chat-template=<file>, device=cpu, dtype=float32, threads=0)};
 * the canonical spec has every parameter but {@code threads}, with effective values.
 */
public final class FineGrainedReranker extends LlmPointwiseReranker {
  public static final String NAME = "finegrained";

  private final int k;
  private final int[] labelIds;

  public FineGrainedReranker(Params p) {
    super(NAME, p, extra(p));
    this.k = p.getInt("k", 4);
    try {
      this.labelIds = new int[k + 1];
      for (int y = 0; y <= k; y++) {
        labelIds[y] = labelId(Integer.toString(y), "relevance label");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Map<String, String> extra(Params p) {
    int k = p.getInt("k", 4);
    if (k < 1 || k > 9) {
      throw TrawlException.invalid("finegrained: k must be in 1..9 (labels 0..k, one digit each), got " + k);
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("k", Integer.toString(k));
    return m;
  }

  /** The prompt for a query and a passage on the scale 0..k. */
  public static String format(String query, String passage, int k) {
    return "From a scale of 0 to " + k + ", judge the relevance between the query and the document.\n"
        + "Query: " + query + "\nDocument: " + passage + "\nOutput:";
  }

  @Override
  String prompt(String query, String passage) {
    return format(query, passage, k);
  }

  /** The ids of the labels "0".."k". */
  public int[] labelIds() {
    return labelIds.clone();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = super.settings();
    m.put("label-ids", java.util.Arrays.toString(labelIds));
    return m;
  }

  @Override
  double[] scoreBatch(List<Row> rows) {
    float[][] logits = answerLogits(rows, labelIds);
    double[] out = new double[rows.size()];
    double[] s = new double[k + 1];
    for (int r = 0; r < out.length; r++) {
      for (int y = 0; y <= k; y++) {
        s[y] = logits[r][y];
      }
      double lse = logSumExp(s);
      double e = 0;
      for (int y = 0; y <= k; y++) {
        e += y * Math.exp(s[y] - lse);
      }
      out[r] = e;
    }
    return out;
  }
}
