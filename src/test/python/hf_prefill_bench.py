"""Prefill throughput of Hugging Face transformers (sdpa attention, float32, CPU) on the model folder
that bin/bench-llm writes (random Qwen2-0.5B-shaped weights), for the side-by-side row of the
LLM benchmark. Not a test and not needed by one: bin/bench-llm calls it when python3 can import
torch and transformers.

Usage: python3 hf_prefill_bench.py MODEL_DIR TOKENS THREADS   (THREADS 0 = torch's default)
Prints one line: "hf-prefill <tokens> <seconds> <threads> <torch> <transformers>".
"""
import sys
import time

import torch
import transformers
from transformers import AutoModelForCausalLM


def main():
    model_dir, tokens, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if threads > 0:
        torch.set_num_threads(threads)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="sdpa")
    model.eval()
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(3, model.config.vocab_size, (1, tokens), generator=g)
    with torch.inference_mode():
        model(ids[:, :64], logits_to_keep=1)  # warm-up on a short sequence
        t0 = time.perf_counter()
        model(ids, logits_to_keep=1)  # one pass, last position's logits only (as the Java prefill)
        s = time.perf_counter() - t0
    print(f"hf-prefill {tokens} {s:.3f} {torch.get_num_threads()} {torch.__version__} {transformers.__version__}")


if __name__ == "__main__":
    main()
