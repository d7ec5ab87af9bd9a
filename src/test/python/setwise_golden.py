"""Writes setwise-golden.json (and the tiny Qwen2 tokenizer.json it uses) for SetwiseRerankerTest.

Run from the repository root with torch, transformers, sentencepiece, tokenizers and jinja2, the
golden tiny checkpoints in ../shared/golden, the DL19 BM25 candidates in ../shared/data, and a clone
of ielab/llm-rankers at LLM_RANKERS (default /work/.mirror/ielab+llm-rankers/repo, a bare clone works):
    python3 src/test/python/setwise_golden.py

What it reproduces is llm-rankers' SetwiseLlmRanker (llmrankers/setwise.py at commit b36517b), the
decoder-model path: the prompt of its compare(), the user turn of the chat template with
add_generation_prompt=True, " Passage:" appended, tokenizer(text); query and passages first cut by
run.py's truncate (the text of the first n tokens). Three ways to read the answer of one forward pass:
  likelihood  the largest logit among the label tokens " A", " B", ... (ids of the token after
              "Passage:"), the first on a tie;
  generation  llm-rankers' decoder path: the greedy token (argmax over the vocabulary), decoded,
              stripped, upper-cased;
  reasoning   Rank-R1 (Rank-R1/run_setwise.py with prompts/prompt_setwise-R1.toml): system + user
              turns, passages "[i]: text" joined by "\n", greedy generation (transformers' generate,
              do_sample=False) of at most MAX_TOKENS tokens, the toml's pattern searched in the
              lower-cased completion; the set in heap order (Rank-R1's code shuffles it with a
              process-wide random generator, which Trawl does not).
The orders come from llm-rankers' own heapify / heapSort / rerank methods (read with `git show` from
setwise.py, run on a stub whose compare() is the above). Two documented differences from its code,
which the stub applies: a set of fewer than two passages is not sent to the model (answer "A"), and a
label beyond the set's size counts as invalid (its heapsort does so; its bubble sort would swap a
passage outside the window).

Three models:
  * llama-tiny with the real Llama-2 SentencePiece model and Zephyr's chat template, encoded as
    tokenizer(text): BOS, special-token strings as their ids, SentencePiece between them;
  * qwen2-tiny (vocabulary 1000) with a byte-level BPE tokenizer.json trained here (997 entries +
    "<|im_start|>" 997, "<|endoftext|>" 998, "<|im_end|>" 999; no BOS, like Qwen's) and Qwen2.5's
    chat template;
  * t5-v1_1-tiny (Flan-T5's architecture) with the Llama-2 SentencePiece model as its spiece.model
    (there is no real T5 vocabulary offline), llm-rankers' T5 path: the prompt as it is,
    tokenizer(text) (</s> appended), decoder input "<pad> Passage" (the start token, then
    "Passage"), likelihood: the largest logit among the last tokens of "Passage A", "Passage B", ...
    at the decoder's last position; generation: generate(max_new_tokens=2) from that decoder input,
    decoded without special tokens, stripped, its last character (no reasoning: Rank-R1 is Qwen).
Reference numbers: Hugging Face LlamaForCausalLM / Qwen2ForCausalLM / T5ForConditionalGeneration, eager attention, float32, CPU, one
prompt per forward pass. Nothing of llm-rankers is stored in this repository.
"""
import ast
import copy
import json
import os
import pathlib
import re
import subprocess
import types
from collections import Counter
from dataclasses import dataclass
from typing import List, Optional

import sentencepiece
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaForCausalLM, Qwen2ForCausalLM
from transformers.utils.chat_template_utils import render_jinja_template

COMMIT = "b36517bf17a3956dc56c4c967f972d02390b1cdd"
REPO = os.environ.get("LLM_RANKERS", "/work/.mirror/ielab+llm-rankers/repo")
SHARED = pathlib.Path("../shared")
TEMPLATES = pathlib.Path("src/test/resources/io/trawl/model/llm/chat-templates")
RES = pathlib.Path("src/test/resources/io/trawl/rerank/setwise")
QUERY_TOKENS, PASSAGE_TOKENS, NUM_CHILD, K, N, MAX_TOKENS = 32, 24, 3, 3, 9, 12


def git_show(path):
    git_dir = os.path.join(REPO, ".git") if os.path.isdir(os.path.join(REPO, ".git")) else REPO
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{COMMIT}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def setwise_methods():
    src = git_show("llmrankers/setwise.py")
    out, characters = {}, None
    for node in ast.parse(src).body:
        if isinstance(node, ast.ClassDef) and node.name == "SetwiseLlmRanker":
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name in ("heapify", "heapSort", "rerank"):
                    out[f.name] = ast.unparse(f)
                if isinstance(f, ast.Assign) and f.targets[0].id == "CHARACTERS":
                    characters = ast.literal_eval(f.value)
    assert len(out) == 3 and characters
    return out, characters


def r1_prompt():
    # prompts/prompt_setwise-R1.toml, read with a minimal parser for its four keys (no toml package)
    src = git_show("Rank-R1/prompts/prompt_setwise-R1.toml")
    vals = {}
    for m in re.finditer(r'^(\w+) = (\'\'\'(.*?)\'\'\'|"(.*?)"|\'(.*?)\')\s*$', src, re.S | re.M):
        key = m.group(1)
        if m.group(3) is not None:
            vals[key] = m.group(3)
        elif m.group(4) is not None:
            vals[key] = json.loads('"' + m.group(4) + '"') if key != "pattern" else m.group(4)
        else:
            vals[key] = m.group(5)
    assert set(vals) >= {"prompt_system", "prompt_user", "pattern", "doc_separator", "doc_prefix"}, vals
    return vals


@dataclass
class SearchResult:
    docid: str
    score: float
    text: Optional[str]


class Llama2Sp:
    name = "llama-tiny"

    def __init__(self):
        self.sp = sentencepiece.SentencePieceProcessor(
            model_file=str(SHARED / "golden/tokenizers/llama2/tokenizer.model"))
        self.template = (TEMPLATES / "zephyr.jinja").read_text()

    def encode(self, text):
        return self.sp.encode(text)

    def decode(self, ids):
        return self.sp.decode(ids)

    def with_specials(self, text):
        out, specials = [1], {"</s>": 2, "<s>": 1}
        i = start = 0
        while i < len(text):
            hit = next((s for s in ("</s>", "<s>") if text.startswith(s, i)), None)
            if hit is None:
                i += 1
                continue
            if i > start:
                out += self.sp.encode(text[start:i])
            out.append(specials[hit])
            i += len(hit)
            start = i
        if start < len(text):
            out += self.sp.encode(text[start:])
        return out

    def render(self, messages):
        out, _ = render_jinja_template(conversations=[messages], chat_template=self.template,
                                       add_generation_prompt=True, bos_token="<s>", eos_token="</s>")
        return out[0]


class QwenBpe:
    name = "qwen2-tiny"

    def __init__(self, tok):
        self.tok = tok
        self.template = (TEMPLATES / "qwen2.5.jinja").read_text()

    def encode(self, text):
        return self.tok.encode(text, add_special_tokens=False).ids

    def decode(self, ids):
        return self.tok.decode(ids, skip_special_tokens=True)

    def with_specials(self, text):
        return self.tok.encode(text, add_special_tokens=True).ids

    def render(self, messages):
        out, _ = render_jinja_template(conversations=[messages], chat_template=self.template,
                                       add_generation_prompt=True, eos_token="<|im_end|>")
        return out[0]


class T5Sp(Llama2Sp):
    """T5Tokenizer over a SentencePiece model: tokenizer(text) = pieces + </s>; no chat template."""
    name = "t5-v1_1-tiny"
    t5 = True

    def with_specials(self, text):
        return self.sp.encode(text) + [self.sp.piece_to_id("</s>")]

    def render(self, messages):
        raise AssertionError("T5 has no chat template")


def train_qwen_tokenizer(texts):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=997, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=[], show_progress=False)
    tok.train_from_iterator(texts, trainer)
    assert tok.get_vocab_size() <= 997, tok.get_vocab_size()
    while tok.get_vocab_size() < 997:
        tok.add_tokens([f"<|pad{tok.get_vocab_size()}|>"])
    tok.add_special_tokens(["<|im_start|>", "<|endoftext|>", "<|im_end|>"])
    assert tok.token_to_id("<|im_start|>") == 997 and tok.token_to_id("<|im_end|>") == 999
    return tok


def setwise_user(query, texts, characters):
    passages = "\n\n".join([f'Passage {characters[i]}: "{t}"' for i, t in enumerate(texts)])
    return f'Given a query "{query}", which of the following passages is the most relevant one to the query?\n\n' \
        + passages + '\n\nOutput only the passage label of the most relevant passage:'


def run_model(model, tok, query_raw, docs, methods, characters, r1):
    query = tok.decode(tok.encode(query_raw)[:QUERY_TOKENS])
    texts = [tok.decode(tok.encode(t)[:PASSAGE_TOKENS]) for _, t in docs]
    is_t5 = getattr(tok, "t5", False)
    label_ids = []
    for c in characters[:NUM_CHILD + 1]:
        if is_t5:  # llm-rankers: the last id of "<pad> Passage X"; the decoder input is "<pad> Passage"
            before, with_label = tok.encode("Passage"), tok.encode("Passage " + c)
        else:
            before, with_label = tok.encode("Passage:"), tok.encode("Passage: " + c)
        assert with_label[:-1] == before, (tok.name, c, before, with_label)
        label_ids.append(with_label[-1])
    eos = model.config.eos_token_id
    prefix = [model.config.decoder_start_token_id] + tok.encode("Passage") if is_t5 else None

    def forward_last(ids):
        with torch.no_grad():
            if is_t5:
                return model(input_ids=torch.tensor([ids]), decoder_input_ids=torch.tensor([prefix])).logits[0, -1]
            return model(input_ids=torch.tensor([ids])).logits[0, -1]

    cache = {}

    def compare_record(scoring, idx):
        """One comparison of the passages at input positions idx; returns (record, label answer)."""
        key = (scoring, tuple(idx))
        if key in cache:
            return cache[key]
        sel = [texts[i] for i in idx]
        if scoring == "reasoning":
            docs_text = r1["doc_separator"].join(r1["doc_prefix"].format(num=i + 1) + t for i, t in enumerate(sel))
            user = r1["prompt_user"].format(query=query, docs=docs_text)
            messages = [{"role": "system", "content": r1["prompt_system"]}, {"role": "user", "content": user}]
            text = tok.render(messages)
        elif is_t5:
            user = setwise_user(query, sel, characters)
            text = user
        else:
            user = setwise_user(query, sel, characters)
            text = tok.render([{"role": "user", "content": user}]) + " Passage:"
        ids = tok.with_specials(text)
        rec = {"docs": list(idx), "user": user, "text": text, "input_ids": ids}
        labels_shown = characters[:len(idx)]
        if scoring == "likelihood":
            last = forward_last(ids)
            lab = [float(last[label_ids[i]]) for i in range(len(idx))]
            best = max(range(len(idx)), key=lambda i: (lab[i], -i))  # first of the largest
            rec["label_logits"] = lab
            answer = characters[best]
        elif scoring == "generation" and is_t5:
            # llm-rankers' T5 path: generate(input_ids, decoder_input_ids=prefix, max_new_tokens=2),
            # decode(skip_special_tokens=True).strip(), its last character (no upper-casing)
            with torch.no_grad():
                gen = model.generate(torch.tensor([ids]), decoder_input_ids=torch.tensor([prefix]),
                                     max_new_tokens=2, do_sample=False, eos_token_id=eos, pad_token_id=0)
            new = gen[0, len(prefix):].tolist()
            if eos in new:
                new = new[:new.index(eos)]
            decoded = tok.decode(prefix[1:] + new)
            stripped = decoded.strip()
            out = stripped[-1] if stripped else ""
            rec["generated_ids"] = new
            rec["decoded"] = decoded
            rec["answer"] = out
            answer = out if out in labels_shown else "invalid"
        elif scoring == "generation":
            last = forward_last(ids)
            best_id = int(torch.argmax(last))
            out = tok.decode([best_id]).strip().upper()
            rec["argmax_id"] = best_id
            rec["argmax_logit"] = float(last[best_id])
            rec["answer"] = out
            answer = out if out in labels_shown else "invalid"
        else:
            with torch.no_grad():
                gen = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                                     max_new_tokens=MAX_TOKENS, do_sample=False, pad_token_id=eos, eos_token_id=eos)
            new = gen[0, len(ids):].tolist()
            if new and new[-1] == eos:
                new = new[:-1]
            completion = tok.decode(new)
            m = re.search(rf'{r1["pattern"]}', completion.lower(), re.DOTALL)
            result = m.group(1).strip() if m else None
            r1_labels = [f"[{i + 1}]" for i in range(len(idx))]
            rec["generated_ids"] = new
            rec["completion"] = completion
            rec["budget_exhausted"] = len(new) >= MAX_TOKENS
            rec["wrong_format"] = m is None
            rec["out_of_range"] = m is not None and result not in r1_labels
            answer = characters[r1_labels.index(result)] if result in r1_labels else "invalid"
        rec["winner"] = characters.index(answer) if answer in characters else 0
        cache[key] = (rec, answer)
        return rec, answer

    ns = {"copy": copy, "SearchResult": SearchResult, "List": List, "Counter": Counter}
    fns = {}
    for name, src in methods.items():
        exec(src, ns)
        fns[name] = ns[name]
    out = {"model": tok.name, "truncated_query": query, "truncated_docs": texts, "label_ids": label_ids}
    pos = {d: i for i, (d, _) in enumerate(docs)}
    if is_t5:
        out["decoder_prefix"] = prefix
    for scoring in (("likelihood", "generation") if is_t5 else ("likelihood", "generation", "reasoning")):
        for method in ("heapsort", "bubblesort"):
            calls = []

            def compare(q, ds):
                idx = [pos[d.docid] for d in ds]
                if len(idx) < 2:
                    return "A"
                rec, answer = compare_record(scoring, idx)
                calls.append(rec)
                return answer
            stub = types.SimpleNamespace(method=method, k=K, num_child=NUM_CHILD, CHARACTERS=characters,
                                         total_compare=0, total_completion_tokens=0, total_prompt_tokens=0)
            stub.compare = compare
            stub.heapify = lambda arr, n, i, q: fns["heapify"](stub, arr, n, i, q)
            stub.heapSort = lambda arr, q, k: fns["heapSort"](stub, arr, q, k)
            ranking = [SearchResult(docid=d, score=-r, text=texts[r]) for r, (d, _) in enumerate(docs)]
            ranked = fns["rerank"](stub, query, ranking)
            out[f"{scoring}_{method}"] = {"order": [r.docid for r in ranked], "compares": calls}
    return out


def random_tables(methods, characters):
    """llm-rankers' heapsort and bubble sort on answer rules without a model: the winner of a set is
    (a * sum of its input positions + b) mod its size, not transitive, so every branch of the bubble
    sort's window bookkeeping is taken; sets of fewer than two passages answer "A"."""
    import random
    ns = {"copy": copy, "SearchResult": SearchResult, "List": List}
    fns = {}
    for name, src in methods.items():
        exec(src, ns)
        fns[name] = ns[name]
    rnd = random.Random(17)
    cases = []
    for _ in range(300):
        n, c, k, a, b = rnd.randint(1, 30), rnd.randint(1, 8), rnd.randint(1, 12), rnd.randint(1, 97), rnd.randint(0, 50)
        case = {"n": n, "num_child": c, "k": k, "a": a, "b": b}
        for method in ("heapsort", "bubblesort"):
            calls = [0]

            def compare(q, ds):
                idx = [int(d.docid) for d in ds]
                if len(idx) < 2:
                    return "A"
                calls[0] += 1
                return characters[(a * sum(idx) + b) % len(idx)]
            stub = types.SimpleNamespace(method=method, k=k, num_child=c, CHARACTERS=characters,
                                         total_compare=0, total_completion_tokens=0, total_prompt_tokens=0)
            stub.compare = compare
            stub.heapify = lambda arr, n_, i, q: fns["heapify"](stub, arr, n_, i, q)
            stub.heapSort = lambda arr, q, k_: fns["heapSort"](stub, arr, q, k_)
            ranking = [SearchResult(docid=str(r), score=-r, text=str(r)) for r in range(n)]
            case[method] = [int(r.docid) for r in fns["rerank"](stub, "q", ranking)]
            case[method + "_compares"] = calls[0]
        cases.append(case)
    return cases


def main():
    # one thread, full float32 matmuls: on a loaded shared CPU the multithreaded run once gave label
    # logits 7e-4 away from every other run
    torch.set_num_threads(1)
    torch.set_float32_matmul_precision("highest")
    methods, characters = setwise_methods()
    r1 = r1_prompt()
    dl19 = json.loads((SHARED / "data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").read_text())
    query = dl19[0]["query"]
    docs = [[f"d{i + 1}", h["content"]] for i, h in enumerate(dl19[0]["hits"][:N])]

    llama = LlamaForCausalLM.from_pretrained(SHARED / "golden/llama-tiny", attn_implementation="eager",
                                             dtype=torch.float32).eval()
    cases = [run_model(llama, Llama2Sp(), query, docs, methods, characters, r1)]

    training = [t for _, t in docs] + [query, setwise_user("", ["", "", "", ""], characters),
                                       r1["prompt_system"], r1["prompt_user"], "system user assistant"]
    training += [f"Passage: {c}\n" for c in characters[:NUM_CHILD + 1]] * 200
    qwen_tok = train_qwen_tokenizer(training)
    RES.mkdir(parents=True, exist_ok=True)
    qwen_tok.save(str(RES / "qwen2-tiny-setwise-tokenizer.json"))
    qwen_tok = Tokenizer.from_file(str(RES / "qwen2-tiny-setwise-tokenizer.json"))
    qwen = Qwen2ForCausalLM.from_pretrained(SHARED / "golden/qwen2-tiny", attn_implementation="eager",
                                            dtype=torch.float32).eval()
    cases.append(run_model(qwen, QwenBpe(qwen_tok), query, docs, methods, characters, r1))
    t5 = transformers.T5ForConditionalGeneration.from_pretrained(SHARED / "golden/t5-v1_1-tiny",
                                                                 attn_implementation="eager",
                                                                 dtype=torch.float32).eval()
    cases.append(run_model(t5, T5Sp(), query, docs, methods, characters, r1))

    (RES / "setwise-golden.json").write_text(json.dumps({
        "generator": "src/test/python/setwise_golden.py",
        "reference": {"transformers": transformers.__version__, "torch": torch.__version__,
                      "sentencepiece": sentencepiece.__version__, "attn_implementation": "eager",
                      "dtype": "float32", "llm_rankers": "ielab/llm-rankers " + COMMIT},
        "r1_prompt": r1,
        "query": query, "docs": [{"docid": d, "text": t} for d, t in docs],
        "query_tokens": QUERY_TOKENS, "passage_tokens": PASSAGE_TOKENS, "num_child": NUM_CHILD, "k": K,
        "max_tokens": MAX_TOKENS,
        "cases": cases,
        "random_tables": random_tables(methods, characters)}, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
