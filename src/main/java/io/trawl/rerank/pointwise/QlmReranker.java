package io.trawl.rerank.pointwise;

import io.trawl.core.Params;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Query likelihood (UPR: Sachan et al., 2022, "Improving Passage Retrieval with Zero-Shot Question
 * Generation", EMNLP), as llm-rankers' pointwise {@code qlm} method builds it (ielab/llm-rankers
 * at b36517b, {@code llmrankers/pointwise.py}, {@code PointwiseLlmRanker.rerank}). Each candidate
 * alone gets the prompt
 *
 * <pre>
 *   Passage: {text}
 *   Please write a question based on this passage.
 * </pre>
 *
 * (framed for a decoder-only model as {@link LlmPointwiseReranker} says), followed by the query's
 * tokens q_1..q_m ({@code tokenizer.encode(query)} without special tokens, as the authors tokenize
 * their labels), and the score is their mean log-likelihood, UPR's formula:
 *
 * <pre>
 *   s(q, d) = (1/m) sum_t log P(q_t | prompt(d), q_1..q_{t-1})
 * </pre>
 *
 * (log-softmax over the whole vocabulary at each position, in float32 on the device, as Hugging
 * Face computes it; the mean in double). llm-rankers, on Flan-T5,
 * sums instead of averaging and also scores the decoder's leading {@code <pad>} label of its
 * {@code "<pad> {query}"}; within one query m is the same for every candidate, so the order is
 * the same as the sum's; the {@code <pad>} label has no counterpart in a decoder-only model.
 *
 * <p>Spec: {@code qlm(model=<folder>, frame=chat|plain, query-tokens=128, passage-tokens=128,
 * batch=4, chat-template=<file>, device=cpu, dtype=float32, threads=0)}; the canonical spec has
 * every parameter but {@code threads}, with effective values.
 */
public final class QlmReranker extends LlmPointwiseReranker {
  public static final String NAME = "qlm";

  public QlmReranker(Params p) {
    super(NAME, p, new LinkedHashMap<>());
  }

  /** The prompt for a passage. */
  public static String format(String passage) {
    return "Passage: " + passage + "\nPlease write a question based on this passage.";
  }

  @Override
  String prompt(String query, String passage) {
    return format(passage);
  }

  @Override
  int[] continuation(String query) {
    int[] ids = rt.tokenizer().encode(query);
    if (ids.length == 0) {
      throw io.trawl.core.TrawlException.invalid("qlm: the query '" + query + "' has no tokens");
    }
    return ids;
  }

  @Override
  double[] scoreBatch(List<Row> rows) {
    float[][] lp = continuationLogProbs(rows);
    double[] out = new double[rows.size()];
    for (int r = 0; r < out.length; r++) {
      double sum = 0;
      for (float x : lp[r]) {
        sum += x;
      }
      out[r] = sum / lp[r].length;
    }
    return out;
  }
}
