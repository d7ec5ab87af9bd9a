"""Writes two tiny T5 v1.1-style checkpoints saved by transformers 5.x, with golden outputs.

Run from the repository root with transformers 5.x and torch:
    python3 src/test/python/t5_transformers5_golden.py
transformers 5 always writes "tie_word_embeddings": true for T5 and keeps the v1.0/v1.1 difference
in "scale_decoder_outputs" (false for v1.1). The two folders cover both shapes such a checkpoint
takes:
  t5-v1_1-tf5-tied/    no lm_head.weight (a model created by transformers 5): the head is shared
  t5-v1_1-tf5-untied/  its own lm_head.weight (a Flan-T5 / T5 v1.1 checkpoint re-saved by 5.x)
Neither scales the decoder output by d_model^-0.5. The test suite reads only the written files.
"""
import json
import pathlib

import torch
import transformers
from transformers import T5Config, T5ForConditionalGeneration

OUT = pathlib.Path("src/test/resources/io/trawl/model")
FALSE_ID, TRUE_ID = 6136, 1176
SLICE = [0, 1, 2, 5, 100, 1176, 2000, 4096, 6136, 6143]


def build(seed, untied):
    torch.manual_seed(seed)
    cfg = T5Config(vocab_size=6144, d_model=8, d_kv=4, d_ff=16, num_layers=2, num_decoder_layers=2,
                   num_heads=2, relative_attention_num_buckets=8, relative_attention_max_distance=16,
                   feed_forward_proj="gated-gelu", tie_word_embeddings=False,
                   decoder_start_token_id=0, eos_token_id=1, pad_token_id=0)
    model = T5ForConditionalGeneration(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0)
        if untied:
            model.lm_head.weight = torch.nn.Parameter(torch.randn(6144, 8) * 2.0)
    return model


def cases(model):
    g = torch.Generator().manual_seed(5)
    seqs = [torch.randint(2, 6144, (n,), generator=g).tolist() + [1] for n in (3, 9, 20)]
    out = []
    for name, rows in [("len4", [seqs[0]]), ("len10", [seqs[1]]), ("len21", [seqs[2]]),
                       ("batch_right_padded", seqs)]:
        width = max(len(r) for r in rows)
        ids = [r + [0] * (width - len(r)) for r in rows]
        mask = [[1] * len(r) + [0] * (width - len(r)) for r in rows]
        with torch.no_grad():
            logits = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask),
                           decoder_input_ids=torch.zeros(len(rows), 1, dtype=torch.long)).logits[:, 0, :]
        pair = torch.log_softmax(logits[:, [FALSE_ID, TRUE_ID]], dim=-1)[:, 1]
        out.append({
            "name": name, "input_ids": ids, "attention_mask": mask,
            "first_step_logits_slice": [[round(float(x), 6) for x in row[SLICE]] for row in logits],
            "first_step_argmax": logits.argmax(-1).tolist(),
            "first_step_max": [round(float(x), 6) for x in logits.max(-1).values],
            "monot5_score": [round(float(x), 6) for x in pair],
        })
    return out


def main():
    for name, seed, untied in [("t5-v1_1-tf5-tied", 11, False), ("t5-v1_1-tf5-untied", 12, True)]:
        folder = OUT / name
        model = build(seed, untied)
        model.save_pretrained(folder)
        (folder / "generation_config.json").unlink(missing_ok=True)
        reloaded = T5ForConditionalGeneration.from_pretrained(folder).eval()
        assert reloaded.config.scale_decoder_outputs is False
        assert (reloaded.lm_head.weight.data_ptr() == reloaded.shared.weight.data_ptr()) == (not untied)
        doc = {
            "generator": "src/test/python/t5_transformers5_golden.py",
            "reference": {"transformers": transformers.__version__, "torch": torch.__version__},
            "monot5_token_ids": {"false": FALSE_ID, "true": TRUE_ID},
            "logits_slice_token_ids": SLICE,
            "note": "outputs of the reloaded checkpoint; floats rounded to 6 decimals",
            "cases": cases(reloaded),
        }
        (folder / "golden.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
