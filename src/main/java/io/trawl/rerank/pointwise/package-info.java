/**
 * Pointwise LLM rerankers on the decoder-only runtime: relevance generation ({@link
 * io.trawl.rerank.pointwise.YesNoReranker}), query likelihood ({@link
 * io.trawl.rerank.pointwise.QlmReranker}) and fine-grained relevance labels ({@link
 * io.trawl.rerank.pointwise.FineGrainedReranker}). Each scores every candidate alone ({@link
 * io.trawl.rerank.PointwiseReranker}); the rows of all queries are batched together.
 */
package io.trawl.rerank.pointwise;
