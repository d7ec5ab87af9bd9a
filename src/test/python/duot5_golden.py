"""Writes duot5-golden.json: duoT5 prompts, token ids, P(true) per ordered pair and the sym-sum order.

Run from the repository root with torch, transformers and sentencepiece, and the golden tiny T5 in
../shared/golden:
    python3 src/test/python/duot5_golden.py
What it reproduces is PyGaggle's DuoT5 (castorini/pygaggle, commit 08339dd,
pygaggle/rerank/transformer.py and pygaggle/model/tokenize.py): every ordered pair of
itertools.permutations(texts, 2) becomes
    'Query: {query} Document0: {document0} Document1: {document1} Relevant:'
tokenized with truncation=True, max_length=512 (the T5 tokenizer appends </s> after truncating the
content); one decoder step from decoder_start_token_id; softmax over the logits of ids [6136, 1176]
(false, true); P(true) is added to Document0's score and 1 - P(true) to Document1's (sym-sum).
There is no real T5 spiece.model offline, so the tokenizer is the Llama-2 SentencePiece model, as
in the Java tests (TinyT5: its ids fit T5's vocabulary and its </s> is id 2): ids =
sp.encode(text)[:max_length - 1] + [2], what T5Tokenizer does with that model. The model is
../shared/golden/t5-v1_0-tiny run by transformers (eager attention, float32, CPU), one pair at a
time. Nothing of PyGaggle is stored in this repository.
"""
import itertools
import json
import pathlib

import sentencepiece
import torch
import transformers
from transformers import T5ForConditionalGeneration

SHARED = pathlib.Path("../shared")
OUT = pathlib.Path("src/test/resources/io/trawl/rerank/pairwise/duot5-golden.json")
FALSE_ID, TRUE_ID, EOS = 6136, 1176, 2
PATTERN = "Query: {query} Document0: {document0} Document1: {document1} Relevant:"

CASES = [
    {"name": "four_docs", "max_length": 512, "query": "how do plants make food from sunlight",
     "docs": [["d1", "The stock market fell sharply on Monday amid inflation fears."],
              ["d2", "Photosynthesis lets plants turn sunlight, water and carbon dioxide into glucose."],
              ["d3", "Chlorophyll absorbs light, mostly in the blue and red wavelengths."],
              ["d4", "Plants need light to grow."]]},
    {"name": "truncated", "max_length": 40, "query": "causes of inflation",
     "docs": [["e1", "Inflation rises when demand outgrows supply, and prices of goods and services go up "
                     "across the whole economy for months."],
              ["e2", "Central banks raise interest rates to slow inflation."],
              ["e3", "Bees pollinate flowers in spring."]]},
]


def main():
    sp = sentencepiece.SentencePieceProcessor(
        model_file=str(SHARED / "golden/tokenizers/llama2/tokenizer.model"))
    model = T5ForConditionalGeneration.from_pretrained(
        SHARED / "golden/t5-v1_0-tiny", attn_implementation="eager").eval()
    out = []
    for case in CASES:
        docs = case["docs"]
        pairs = []
        scores = [0.0] * len(docs)
        for (i, (_, a)), (j, (_, b)) in itertools.permutations(list(enumerate(docs)), 2):
            text = PATTERN.format(query=case["query"], document0=a, document1=b)
            ids = sp.encode(text)[:case["max_length"] - 1] + [EOS]
            with torch.no_grad():
                logits = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                               decoder_input_ids=torch.zeros(1, 1, dtype=torch.long)).logits[0, 0]
            pair = logits[[FALSE_ID, TRUE_ID]]
            p = float(torch.softmax(pair, dim=0)[1])
            scores[i] += p
            scores[j] += 1 - p
            pairs.append({"i": i, "j": j, "prompt": text, "input_ids": ids,
                          "logits_false_true": [float(x) for x in pair], "p_true": p})
        order = sorted(range(len(docs)), key=lambda k: -scores[k])
        out.append({"name": case["name"], "max_length": case["max_length"], "query": case["query"],
                    "docs": [{"docid": d, "text": t} for d, t in docs], "pairs": pairs,
                    "sym_sum_scores": scores, "order": [docs[k][0] for k in order]})
    doc = {"generator": "src/test/python/duot5_golden.py",
           "reference": {"transformers": transformers.__version__, "torch": torch.__version__,
                         "sentencepiece": sentencepiece.__version__, "model": "golden/t5-v1_0-tiny",
                         "pygaggle": "castorini/pygaggle 08339dd DuoT5"},
           "token_ids": {"false": FALSE_ID, "true": TRUE_ID, "eos": EOS},
           "cases": out}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
