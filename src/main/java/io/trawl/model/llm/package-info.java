/**
 * Decoder-only LLMs for listwise and attention-based reranking.
 *
 * <ul>
 *   <li>{@link io.trawl.model.llm.DecoderLm}: Llama / Mistral / Qwen2 forward pass on DJL (fused
 *       q/k/v and gate/up, RoPE with llama3/linear scaling, grouped-query attention, KV cache with
 *       forks, left-padded batches, an attention {@link io.trawl.model.llm.DecoderLm.Probe}); equal
 *       to Hugging Face within 6e-5 on the golden tiny Llama and Qwen2.
 *   <li>{@link io.trawl.model.llm.Greedy}: batched greedy decoding with chunked prefill.
 *   <li>{@link io.trawl.model.llm.ChatTemplate}: Hugging Face chat templates rendered with Jinjava.
 *   <li>{@link io.trawl.model.llm.LlmRuntime}: model + tokenizer + template + special tokens, and
 *       context-length checks with actionable messages.
 * </ul>
 */
package io.trawl.model.llm;
