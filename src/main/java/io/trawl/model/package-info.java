/**
 * The neural runtime: Hugging Face model folders on DJL's PyTorch engine, no Python.
 *
 * <ul>
 *   <li>{@link io.trawl.model.SafeTensors} / {@link io.trawl.model.SafeTensorsWriter}: memory-mapped,
 *       bounds-checked safetensors (F32, F16, BF16 widened in Java, I64, I32; sharded via
 *       {@code model.safetensors.index.json}); {@code get(name, manager, dtype, shape...)} gives a
 *       DJL array on the manager's device.
 *   <li>{@link io.trawl.model.HfConfig}: {@code config.json} with typed getters and one-line errors
 *       naming the file; architecture records such as {@link io.trawl.model.T5Config} read from it.
 *   <li>{@link io.trawl.model.TextTokenizer} and {@link io.trawl.model.Tokenizers}: {@code tokenizer.json}
 *       (DJL's HF tokenizers) or SentencePiece ({@code spiece.model} / {@code tokenizer.model}) with a
 *       special-token {@link io.trawl.model.Tokenizers.Convention} (T5 appends {@code </s>}, Llama
 *       prepends {@code <s>}).
 *   <li>{@link io.trawl.model.ComputeOptions}: {@code device=cpu|gpu|gpu:N|auto},
 *       {@code dtype=float32|float16|bfloat16} (bfloat16 only off the CPU), libtorch threads.
 *   <li>{@link io.trawl.model.T5Model}: the T5 encoder-decoder (v1.0 and v1.1), equal to Hugging Face
 *       within 2e-5 on the golden tiny models.
 * </ul>
 *
 * <p>Memory: create per-batch arrays in a sub-manager of the model's manager and close it; put
 * activations first in binary ops ({@code x.matMul(w)}), since DJL attaches a result to its first
 * operand's manager.
 */
package io.trawl.model;
