/**
 * Pairwise LLM reranking: PRP (Qin et al. 2024) on the local decoder runtime, with all-pairs,
 * heapsort and sliding-K aggregation. Uses {@code rerank} and {@code rerank.listwise} (the local
 * runtime and its batched forward pass); neither uses it.
 */
package io.trawl.rerank.pairwise;
