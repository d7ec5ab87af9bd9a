"""Writes setwise-permutation-golden.json for SetwiseRerankerTest (num_permutation) and PyRandomTest.

Run from the repository root with torch, transformers and sentencepiece, the golden tiny T5 and the
DL19 BM25 candidates in ../shared, and a clone of ielab/llm-rankers at LLM_RANKERS (default
/work/.mirror/ielab+llm-rankers/repo, a bare clone works):
    python3 src/test/python/setwise_permutation_golden.py

Two parts.
  * "py_random": Python's own random.Random (CPython's Mersenne Twister) for a few seeds: the first
    32-bit outputs, then a script of sample / choice / _randbelow calls and their results, which
    Trawl's io.trawl.core.PyRandom must reproduce.
  * "cases": llm-rankers' SetwiseLlmRanker (llmrankers/setwise.py at commit b36517b) with
    num_permutation > 1 on its T5 path, scoring=generation. Its own compare / heapify / heapSort /
    rerank methods are read with `git show` and run on a stand-in object whose model is
    transformers' T5ForConditionalGeneration on ../shared/golden/t5-v1_1-tiny and whose tokenizer
    is the Llama-2 SentencePiece model as T5Tokenizer would use it (tokenizer(text): the pieces,
    then the "</s>" piece; batch_decode(skip_special_tokens=True): eos and what follows, and ids
    beyond the SentencePiece vocabulary, T5Tokenizer's <extra_id_*> specials, left out), as
    setwise_golden.py builds it. Their module seeds Python's global random with 929 once, at
    import; here random.seed(929) is called before each rerank (one query), which is what Trawl
    does for every query. Every compare() call is recorded in order, with the set (input
    positions), the prompts its code built (from the tokenizer's input), their ids, the generated
    ids, the returned answer and the generator's next 32-bit output after it (read from a copy of
    its state, so the draws of every comparison are checked, sets of one passage included), and the
    final order.
Nothing of llm-rankers is stored in this repository.
"""
import ast
import copy
import json
import pathlib
import random
import sys
import types
from collections import Counter
from typing import List

import torch
import transformers

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from setwise_golden import COMMIT, RES, SHARED, SearchResult, T5Sp, git_show  # noqa: E402

QUERY_TOKENS, PASSAGE_TOKENS, N = 32, 24, 9
CONFIGS = [  # (num_child, k, num_permutation)
    (3, 3, 3),
    (2, 9, 2),
]


def methods():
    src = git_show("llmrankers/setwise.py")
    out, characters = {}, None
    for node in ast.parse(src).body:
        if isinstance(node, ast.ClassDef) and node.name == "SetwiseLlmRanker":
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name in ("compare", "heapify", "heapSort", "rerank"):
                    out[f.name] = ast.unparse(f)
                if isinstance(f, ast.Assign) and f.targets[0].id == "CHARACTERS":
                    characters = ast.literal_eval(f.value)
    assert len(out) == 4 and characters
    return out, characters


def py_random():
    cases = []
    for seed in (929, 0, 2 ** 40 + 5):
        r = random.Random(seed)
        first = [r.getrandbits(32) for _ in range(5)]
        r = random.Random(seed)
        script = []
        for m in (1, 2, 3, 4, 5, 6, 9, 23):
            script.append({"op": "sample", "n": m, "k": m, "result": r.sample(list(range(m)), m)})
            script.append({"op": "sample", "n": m, "k": max(1, m // 2), "result": r.sample(list(range(m)), max(1, m // 2))})
        for m in (1, 2, 3, 7):
            script.append({"op": "choice", "n": m, "result": r.choice(list(range(m)))})
        for n in (1, 5, 1000, 2 ** 31 - 1):
            script.append({"op": "randbelow", "n": n, "result": r._randbelow(n)})
        cases.append({"seed": seed, "first_uint32": first, "script": script})
    return cases


class Tok:
    """T5Tokenizer's calls in compare(), over the Llama-2 SentencePiece model (see the docstring)."""

    def __init__(self, sp, eos, log):
        self.sp, self.eos, self.log = sp, eos, log

    def __call__(self, text, return_tensors=None):
        texts = text if isinstance(text, list) else [text]
        ids = [self.sp.with_specials(t) for t in texts]
        if len({len(x) for x in ids}) != 1:
            raise ValueError("prompts of different lengths: T5Tokenizer(..., return_tensors='pt') without padding fails")
        self.log.append({"users": texts, "input_ids": ids})
        return types.SimpleNamespace(input_ids=torch.tensor(ids))

    def batch_decode(self, rows, skip_special_tokens=True):
        out = []
        for row in rows.tolist():
            if self.eos in row:
                row = row[:row.index(self.eos)]
            out.append(self.sp.decode([t for t in row if t < self.sp.sp.get_piece_size()]))
        return out


class Llm:
    def __init__(self, model, log):
        self.model, self.log = model, log

    def generate(self, input_ids, **kw):
        with torch.no_grad():
            out = self.model.generate(input_ids, do_sample=False, **kw)
        self.log[-1]["output_ids"] = out.tolist()
        return out


def main():
    torch.set_num_threads(1)
    torch.set_float32_matmul_precision("highest")
    fns_src, characters = methods()
    tok = T5Sp()
    model = transformers.T5ForConditionalGeneration.from_pretrained(SHARED / "golden/t5-v1_1-tiny",
                                                                    attn_implementation="eager",
                                                                    dtype=torch.float32).eval()
    eos = model.config.eos_token_id
    prefix = [model.config.decoder_start_token_id] + tok.encode("Passage")
    dl19 = json.loads((SHARED / "data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").read_text())
    query = tok.decode(tok.encode(dl19[0]["query"])[:QUERY_TOKENS])
    docs = [[f"d{i + 1}", h["content"]] for i, h in enumerate(dl19[0]["hits"][:N])]
    texts = [tok.decode(tok.encode(t)[:PASSAGE_TOKENS]) for _, t in docs]
    pos = {d: i for i, (d, _) in enumerate(docs)}

    ns = {"copy": copy, "SearchResult": SearchResult, "List": List, "Counter": Counter, "random": random,
          "torch": torch}
    fns = {}
    for name, src in fns_src.items():
        exec(src, ns)
        fns[name] = ns[name]

    cases = []
    for num_child, k, perms in CONFIGS:
        for method in ("heapsort", "bubblesort"):
            log, calls = [], []
            stub = types.SimpleNamespace(method=method, k=k, num_child=num_child, CHARACTERS=characters,
                                         num_permutation=perms, scoring="generation",
                                         config=types.SimpleNamespace(model_type="t5"), device="cpu",
                                         tokenizer=Tok(tok, eos, log), llm=Llm(model, log),
                                         decoder_input_ids=torch.tensor([prefix]),
                                         total_compare=0, total_completion_tokens=0, total_prompt_tokens=0)

            def compare(q, ds, stub=stub, log=log, calls=calls):
                before = len(log)
                answer = fns["compare"](stub, q, ds)
                peek = random.Random()
                peek.setstate(random.getstate())  # the global generator's next output, left undrawn
                rec = {"docs": [pos[d.docid] for d in ds], "answer": answer, "next_uint32": peek.getrandbits(32)}
                if len(log) > before:
                    rec.update(log[-1])
                    rec["generated_ids"] = [row[len(prefix):] for row in rec.pop("output_ids")]
                calls.append(rec)
                return answer
            stub.compare = compare
            stub.heapify = lambda arr, n, i, q, stub=stub: fns["heapify"](stub, arr, n, i, q)
            stub.heapSort = lambda arr, q, k_, stub=stub: fns["heapSort"](stub, arr, q, k_)
            ranking = [SearchResult(docid=d, score=-r, text=texts[r]) for r, (d, _) in enumerate(docs)]
            random.seed(929)
            ranked = fns["rerank"](stub, query, ranking)
            cases.append({"num_child": num_child, "k": k, "num_permutation": perms, "method": method,
                          "order": [r.docid for r in ranked], "compares": calls})

    (RES / "setwise-permutation-golden.json").write_text(json.dumps({
        "generator": "src/test/python/setwise_permutation_golden.py",
        "reference": {"transformers": transformers.__version__, "torch": torch.__version__,
                      "python": sys.version.split()[0], "model": "golden/t5-v1_1-tiny",
                      "tokenizer": "golden/tokenizers/llama2/tokenizer.model",
                      "llm_rankers": "ielab/llm-rankers " + COMMIT},
        "py_random": py_random(),
        "query": dl19[0]["query"], "docs": [{"docid": d, "text": t} for d, t in docs],
        "query_tokens": QUERY_TOKENS, "passage_tokens": PASSAGE_TOKENS, "decoder_prefix": prefix,
        "cases": cases}, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
