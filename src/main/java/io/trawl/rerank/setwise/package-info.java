/**
 * Setwise LLM reranking: Setwise (Zhuang et al. 2024) with heapsort and bubble-sort top-k on the
 * local decoder runtime, by label logits or a generated label, and its reasoning variant (Rank-R1).
 * Uses {@code rerank} and {@code rerank.listwise} (the local runtime, its forward pass, the parse
 * statistics); neither uses it.
 */
package io.trawl.rerank.setwise;
