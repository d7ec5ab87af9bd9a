"""Writes prp-golden.json: PRP prompts, token ids, answer logits and final orders, for PrpRerankerTest.

Run from the repository root with torch, transformers and sentencepiece, the golden tiny Llama in
../shared/golden, and a clone of ielab/llm-rankers at LLM_RANKERS (default
/work/.mirror/ielab+llm-rankers/repo, a bare clone works):
    python3 src/test/python/prp_golden.py
What it reproduces is llm-rankers' PairwiseLlmRanker (llmrankers/pairwise.py at commit b36517b), the
decoder-model ("llama") path: the prompt of its __init__, the user turn of the chat template with
add_generation_prompt=True, then " Passage:" appended, tokenizer(text) (BOS + the text, special
token strings such as </s> as their ids: LlamaTokenizer's legacy behaviour, each piece between
special tokens encoded by SentencePiece), query and passages first cut by run.py's truncate
(the text of the first n tokens). The chat template is Zephyr's, rendered by transformers'
render_jinja_template; the tokenizer is the Llama-2 SentencePiece model (transformers 5.18 cannot
build a LlamaTokenizer from the .model file alone offline, so sentencepiece encodes). The model is
../shared/golden/llama-tiny run by transformers (eager attention, float32, CPU), one prompt at a
time; the logits of " A" and " B" (ids of the token after "Passage:") are read at the last position.
A comparison compare(query, [d1, d2]) answers "Passage A" for a prompt when logit(A) > logit(B)
(llm-rankers generates that token greedily; the PRP paper's scoring mode compares the two); for
scoring=generation the answer is llm-rankers' own, "Passage " + the greedy token (argmax over the
vocabulary) decoded, stripped and upper-cased, and the same orders are computed from those answers.
The orders: allpair as llm-rankers scores it (1 for a consistent win, 0.5 each when inconsistent;
ties here in input order), heapsort and bubblesort by running llm-rankers' own heapify / heapSort /
rerank methods (read with `git show`, run on a stub whose compare() is the above), and a plain
K-pass bubble sort (PRP-Sliding-K as the paper describes it), which must give the same order,
here and on 300 random answer tables (no model).
The T5 path of the same class ("t5" in the output) on ../shared/golden/t5-v1_1-tiny (Flan-T5's
architecture) with the Llama-2 SentencePiece model as its spiece.model (there is no real T5
vocabulary offline; Trawl's tests build the same folder, TinyT5): the prompt as it is,
tokenizer(text) (the pieces, then the "</s>" piece; no truncation), the two orders of a pair in one
right-padded batch (llm-rankers' compare(); it passes no attention mask, which generate() then
infers from the pad id, the same mask as given here), decoder_input_ids "<pad> Passage" (the
decoder start token, then the pieces of "Passage") for each row, generate(max_new_tokens=2, greedy),
and the whole output decoded without special tokens (batch_decode(skip_special_tokens=True): the
start token, eos and the pad after it left out, and ids beyond the SentencePiece vocabulary, which
T5Tokenizer reads as its <extra_id_*> special tokens) compared as it is with "Passage A" and
"Passage B". The same heapsort / bubblesort / allpair code then gives the orders (on the random
tiny model no output is "Passage A" or "Passage B", so every pair is inconsistent and the orders
are the input's; what is checked there is every prompt, token id, generated token and its logit).
Nothing of llm-rankers is stored in this repository.
"""
import ast
import copy
import itertools
import json
import os
import pathlib
import subprocess
import types
from collections import defaultdict
from dataclasses import dataclass
from typing import List, Optional

import sentencepiece
import torch
import transformers
from transformers import LlamaForCausalLM
from transformers.utils.chat_template_utils import render_jinja_template

COMMIT = "b36517bf17a3956dc56c4c967f972d02390b1cdd"
REPO = os.environ.get("LLM_RANKERS", "/work/.mirror/ielab+llm-rankers/repo")
SHARED = pathlib.Path("../shared")
ZEPHYR = pathlib.Path("src/test/resources/io/trawl/model/llm/chat-templates/zephyr.jinja").read_text()
OUT = pathlib.Path("src/test/resources/io/trawl/rerank/pairwise/prp-golden.json")
SPECIALS = {"<s>": 1, "</s>": 2}
QUERY_TOKENS, PASSAGE_TOKENS, K = 32, 24, 2

QUERY = "how do plants make food from sunlight"
DOCS = [["d1", "The stock market fell sharply on Monday amid inflation fears."],
        ["d2", "Photosynthesis lets plants turn sunlight, water and carbon dioxide into glucose, which the "
               "plant then uses as food to grow its leaves, stems and roots over the whole summer season."],
        ["d3", "Chlorophyll absorbs light, mostly in the blue and red wavelengths."],
        ["d4", "Plants need light to grow."],
        ["d5", "A train leaves the station every twenty minutes."]]


def git_show(path):
    git_dir = os.path.join(REPO, ".git") if os.path.isdir(os.path.join(REPO, ".git")) else REPO
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{COMMIT}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def methods_and_prompt():
    src = git_show("llmrankers/pairwise.py")
    out, prompt = {}, None
    for node in ast.parse(src).body:
        if isinstance(node, ast.ClassDef) and node.name == "PairwiseLlmRanker":
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name in ("heapify", "heapSort", "rerank"):
                    out[f.name] = ast.unparse(f)
                if isinstance(f, ast.FunctionDef) and f.name == "__init__":
                    for stmt in ast.walk(f):
                        if (isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Attribute)
                                and stmt.targets[0].attr == "prompt"):
                            prompt = ast.literal_eval(stmt.value)
    assert len(out) == 3 and prompt
    return out, prompt


@dataclass
class SearchResult:
    docid: str
    score: float
    text: Optional[str]


def main():
    torch.set_num_threads(1)  # a multithreaded run on a loaded CPU once gave logits 7e-4 off (setwise_golden.py)
    sp = sentencepiece.SentencePieceProcessor(
        model_file=str(SHARED / "golden/tokenizers/llama2/tokenizer.model"))
    model = LlamaForCausalLM.from_pretrained(SHARED / "golden/llama-tiny", attn_implementation="eager").eval()
    methods, prompt = methods_and_prompt()
    a_id = sp.encode("Passage: A")[-1]
    b_id = sp.encode("Passage: B")[-1]
    assert sp.encode("Passage: A")[:-1] == sp.encode("Passage:")

    def truncate(text, n):
        return sp.decode(sp.encode(text)[:n])

    def encode(text):  # tokenizer(text): BOS, then special-token strings as their ids
        ids, start, i = [1], 0, 0
        while i < len(text):
            hit = next((s for s in SPECIALS if text.startswith(s, i)), None)
            if hit is None:
                i += 1
                continue
            if i > start:
                ids += sp.encode(text[start:i])
            ids.append(SPECIALS[hit])
            i += len(hit)
            start = i
        if start < len(text):
            ids += sp.encode(text[start:])
        return ids

    def model_text(query, doc1, doc2):
        user = prompt.format(query=query, doc1=doc1, doc2=doc2)
        out, _ = render_jinja_template(conversations=[[{"role": "user", "content": user}]], chat_template=ZEPHYR,
                                       add_generation_prompt=True, bos_token="<s>", eos_token="</s>")
        return user, out[0] + " Passage:"

    def logits_of(ids):
        with torch.no_grad():
            last = model(input_ids=torch.tensor([ids])).logits[0, -1]
        return [float(last[a_id]), float(last[b_id])], int(torch.argmax(last))

    query = truncate(QUERY, QUERY_TOKENS)
    texts = [truncate(t, PASSAGE_TOKENS) for _, t in DOCS]
    pairs = []
    answer = {}
    generated = {}  # scoring=generation: llm-rankers' decoder path, "Passage " + decode(greedy).strip().upper()
    for i, j in itertools.combinations(range(len(DOCS)), 2):
        entry = {"i": i, "j": j}
        for key, (x, y) in (("ab", (i, j)), ("ba", (j, i))):
            user, text = model_text(query, texts[x], texts[y])
            ids = encode(text)
            lg, best = logits_of(ids)
            answer[(texts[x], texts[y])] = "Passage A" if lg[0] > lg[1] else "Passage B"
            gen = sp.decode([best]).strip().upper()
            generated[(texts[x], texts[y])] = f"Passage {gen}"
            entry[key] = {"user": user, "text": text, "input_ids": ids, "logits_a_b": lg, "argmax_id": best,
                          "generated": gen}
        pairs.append(entry)

    # allpair, llm-rankers' scoring rule
    def allpair_of(table):
        scores = [0.0] * len(DOCS)
        for e in pairs:
            o1, o2 = table[(texts[e["i"]], texts[e["j"]])], table[(texts[e["j"]], texts[e["i"]])]
            if o1 == "Passage A" and o2 == "Passage B":
                scores[e["i"]] += 1
            elif o1 == "Passage B" and o2 == "Passage A":
                scores[e["j"]] += 1
            else:
                scores[e["i"]] += 0.5
                scores[e["j"]] += 0.5
        return scores, [DOCS[k][0] for k in sorted(range(len(DOCS)), key=lambda k: -scores[k])]
    scores, allpair = allpair_of(answer)

    # heapsort and bubblesort: llm-rankers' own methods on a stub
    ns = {"copy": copy, "combinations": itertools.combinations, "defaultdict": defaultdict, "tqdm": lambda x: x,
          "SearchResult": SearchResult, "List": List}
    stub_cls = {}
    for name, src in methods.items():
        exec(src, ns)
        stub_cls[name] = ns[name]

    def run(method, table=None):
        table = answer if table is None else table
        calls = []
        stub = types.SimpleNamespace(method=method, k=K, total_compare=0, total_completion_tokens=0,
                                     total_prompt_tokens=0)

        def compare(q, docs):
            calls.append(1)
            return [table[(docs[0], docs[1])], table[(docs[1], docs[0])]]
        stub.compare = compare
        stub.heapify = lambda arr, n, i: stub_cls["heapify"](stub, arr, n, i)
        stub.heapSort = lambda arr, k: stub_cls["heapSort"](stub, arr, k)
        ranking = [SearchResult(docid=d, score=-r, text=texts[r]) for r, (d, _) in enumerate(DOCS)]
        out = stub_cls["rerank"](stub, query, ranking)
        return [r.docid for r in out], len(calls)

    heapsort, heap_calls = run("heapsort")
    bubblesort, bubble_calls = run("bubblesort")
    gen_scores, gen_allpair = allpair_of(generated)
    gen_heapsort, _ = run("heapsort", generated)
    gen_bubblesort, _ = run("bubblesort", generated)

    # PRP-Sliding-K as the paper describes it: K passes from the bottom
    ranking = list(range(len(DOCS)))
    for p in range(min(K, len(DOCS))):
        for cur in range(len(DOCS) - 1, p, -1):
            lo, up = ranking[cur], ranking[cur - 1]
            if answer[(texts[lo], texts[up])] == "Passage A" and answer[(texts[up], texts[lo])] == "Passage B":
                ranking[cur - 1], ranking[cur] = ranking[cur], ranking[cur - 1]
    top = ranking[:K]
    plain = [DOCS[k][0] for k in top] + [DOCS[k][0] for k in range(len(DOCS)) if k not in top]
    assert plain == bubblesort, (plain, bubblesort)

    # the same on random answer tables: llm-rankers' bubblesort (which skips unchanged pairs at the
    # bottom) orders as the plain K passes do, whatever the answers
    import random
    for seed in range(300):
        rnd = random.Random(seed)
        n, k = rnd.randint(2, 12), rnd.randint(1, 6)
        table = {(x, y): rnd.choice(["Passage A", "Passage B"]) for x in range(n) for y in range(n) if x != y}
        stub = types.SimpleNamespace(method="bubblesort", k=k, total_compare=0, total_completion_tokens=0,
                                     total_prompt_tokens=0)
        stub.compare = lambda q, docs: [table[(int(docs[0]), int(docs[1]))], table[(int(docs[1]), int(docs[0]))]]
        ranking = [SearchResult(docid=str(r), score=-r, text=str(r)) for r in range(n)]
        theirs = [int(r.docid) for r in stub_cls["rerank"](stub, "q", ranking)]
        order = list(range(n))
        for p in range(min(k, n)):
            for cur in range(n - 1, p, -1):
                lo, up = order[cur], order[cur - 1]
                if table[(lo, up)] == "Passage A" and table[(up, lo)] == "Passage B":
                    order[cur - 1], order[cur] = order[cur], order[cur - 1]
        top = order[:k]
        assert theirs == top + [x for x in range(n) if x not in top], (seed, theirs, order)

    t5 = t5_case(sp, prompt, query, texts, run, allpair_of)

    doc = {"generator": "src/test/python/prp_golden.py",
           "reference": {"transformers": transformers.__version__, "torch": torch.__version__,
                         "sentencepiece": sentencepiece.__version__, "model": "golden/llama-tiny",
                         "tokenizer": "golden/tokenizers/llama2/tokenizer.model",
                         "chat_template": "zephyr.jinja", "llm_rankers": "ielab/llm-rankers " + COMMIT},
           "prompt_template": prompt,
           "answer_ids": {"A": a_id, "B": b_id},
           "query": QUERY, "query_tokens": QUERY_TOKENS, "passage_tokens": PASSAGE_TOKENS, "k": K,
           "docs": [{"docid": d, "text": t} for d, t in DOCS],
           "truncated_query": query, "truncated_docs": texts,
           "pairs": pairs,
           "allpair": {"scores": scores, "order": allpair},
           "sorting": {"order": heapsort, "llm_rankers_compare_calls": heap_calls},
           "sliding": {"order": bubblesort, "llm_rankers_compare_calls": bubble_calls},
           "generation": {"allpair": {"scores": gen_scores, "order": gen_allpair},
                          "sorting": {"order": gen_heapsort}, "sliding": {"order": gen_bubblesort}},
           "t5": t5}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")


def t5_case(sp, prompt, query, texts, run, allpair_of):
    """llm-rankers' T5 path of PairwiseLlmRanker.compare on the tiny T5 (see the module docstring)."""
    model = transformers.T5ForConditionalGeneration.from_pretrained(SHARED / "golden/t5-v1_1-tiny",
                                                                    attn_implementation="eager",
                                                                    dtype=torch.float32).eval()
    eos, pad = model.config.eos_token_id, model.config.pad_token_id
    prefix = [model.config.decoder_start_token_id] + sp.encode("Passage")
    vocab = sp.get_piece_size()

    def decode(row):  # batch_decode(skip_special_tokens=True) of the whole output row
        row = row[1:]  # the decoder start token
        if eos in row[len(prefix) - 1:]:
            row = row[:len(prefix) - 1 + row[len(prefix) - 1:].index(eos)]
        return sp.decode([t for t in row if t < vocab])

    table = {}
    pairs = []
    for i, j in itertools.combinations(range(len(DOCS)), 2):
        users = [prompt.format(query=query, doc1=texts[i], doc2=texts[j]),
                 prompt.format(query=query, doc1=texts[j], doc2=texts[i])]
        ids = [sp.encode(u) + [sp.piece_to_id("</s>")] for u in users]
        width = max(len(x) for x in ids)
        batch = torch.tensor([x + [pad] * (width - len(x)) for x in ids])
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids])
        with torch.no_grad():
            out = model.generate(batch, attention_mask=mask, decoder_input_ids=torch.tensor([prefix, prefix]),
                                 max_new_tokens=2, do_sample=False, eos_token_id=eos, pad_token_id=pad,
                                 return_dict_in_generate=True, output_logits=True)
        entry = {"i": i, "j": j}
        for r, (key, (x, y)) in enumerate((("ab", (i, j)), ("ba", (j, i)))):
            row = out.sequences[r].tolist()
            new = row[len(prefix):]
            steps = len(new)
            if eos in new:
                steps = new.index(eos) + 1
            logits = [float(out.logits[s][r, new[s]]) for s in range(steps)]
            text = decode(row)
            table[(texts[x], texts[y])] = text
            entry[key] = {"user": users[r], "input_ids": ids[r], "generated_ids": [t for t in new[:steps] if t != eos],
                          "steps": steps, "generated_logits": logits, "decoded": text}
        pairs.append(entry)

    scores, allpair = allpair_of(table)
    heapsort, _ = run("heapsort", table)
    bubblesort, _ = run("bubblesort", table)
    outputs = [e[o]["decoded"] for e in pairs for o in ("ab", "ba")]
    return {"model": "golden/t5-v1_1-tiny", "tokenizer": "golden/tokenizers/llama2/tokenizer.model",
            "decoder_prefix": prefix, "pairs": pairs,
            "wrong_format": sum(1 for t in outputs if t not in ("Passage A", "Passage B")),
            "allpair": {"scores": scores, "order": allpair}, "sorting": {"order": heapsort},
            "sliding": {"order": bubblesort}}


if __name__ == "__main__":
    main()
