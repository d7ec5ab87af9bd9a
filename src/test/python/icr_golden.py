"""Writes icr-golden.json: the ICR authors' prompt, token spans and scores, for IcrGoldenTest.

Run from the repository root with torch, transformers and sentencepiece, the golden tiny Llama in
../shared/golden, and a clone of OSU-NLP-Group/In-Context-Reranking at ICR_REPO (default
/work/.mirror/OSU-NLP-Group+In-Context-Reranking/repo):
    python3 src/test/python/icr_golden.py
InContextReranker._prepare_input_for_document_retrieval and score_documents of commit 9117e9f are
read with `git show` and run on a stub object with the Mistral-Instruct settings of that code
("[INST]" ... "[/INST]", separator "\\n\\n", one extra token after BOS), the IE instruction, the
BEIR document handling of experiments.py (300 space-separated words, stripped, reversed order),
eager attention in float32 on ../shared/golden/llama-tiny with the Llama-2 SentencePiece model
(which tokenizes like Mistral's). Scores follow get_sorted_docs' masked_NA_calibration: per token
c = s(query) - s(N/A); kept where c > mean - 2 * std (torch's std); score = sum of kept c.
Nothing of ICR is stored in this repository.
"""
import ast
import json
import os
import pathlib
import subprocess
import types

import sentencepiece
import torch
from transformers import LlamaForCausalLM
from transformers.cache_utils import DynamicCache

COMMIT = "9117e9f1f6a9773d2289e9907110b39a325eb238"
REPO = os.environ.get("ICR_REPO", "/work/.mirror/OSU-NLP-Group+In-Context-Reranking/repo")
SHARED = pathlib.Path("../shared")
OUT = pathlib.Path("src/test/resources/io/trawl/rerank/icr/icr-golden.json")
IE = "Please find information that are relevant to the following query in the paragraphs above."


def methods(path, cls, names):
    git_dir = os.path.join(REPO, ".git") if os.path.isdir(os.path.join(REPO, ".git")) else REPO
    src = subprocess.run(["git", "--git-dir", git_dir, "show", f"{COMMIT}:{path}"], check=True,
                         capture_output=True, text=True).stdout
    out = []
    for node in ast.parse(src).body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name in names:
                    out.append(ast.unparse(f))
    assert len(out) == len(names)
    return out


class SpTokenizer:
    """tokenizer(text): BOS + SentencePiece ids, as LlamaTokenizer does."""

    def __init__(self, model):
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model))

    def __call__(self, text, return_tensors=None):
        ids = [1] + self.sp.encode(text)
        return types.SimpleNamespace(input_ids=torch.tensor([ids]),
                                     to=lambda device: types.SimpleNamespace(input_ids=torch.tensor([ids])))

    def convert_ids_to_tokens(self, ids):
        return [self.sp.id_to_piece(int(i)) for i in ids]


def reranker():
    ns = {"torch": torch, "gc": __import__("gc"), "DynamicCache": DynamicCache,
          "DynamicCacheWithQuery": None, "math": __import__("math")}
    code = methods("src/in_context_reranker.py", "InContextReranker",
                   ["_prepare_input_for_document_retrieval", "score_documents"])
    body = "\n".join("    " + line for c in code for line in c.splitlines())
    exec("class ICR:\n" + body, ns)
    r = ns["ICR"]()
    r.prompt_template = "instruct"
    r.retrieval_instruction = " Here are some paragraphs:"
    r.retrieval_instruction_late = IE
    r.prompt_prefix = "[INST]"
    r.prompt_suffix = "[/INST]"
    r.prompt_bos_length = 1
    r.additional_prompt_offset = 1
    r.prompt_separator = "\n\n"
    r.tokenizer = SpTokenizer(SHARED / "golden/tokenizers/llama2/tokenizer.model")
    r._use_fa2 = False
    llm = LlamaForCausalLM.from_pretrained(SHARED / "golden/llama-tiny", attn_implementation="eager",
                                           dtype=torch.float32).eval()
    r.llm = llm
    r.start_layer, r.end_layer = 0, llm.config.num_hidden_layers - 1
    return r


def main():
    r = reranker()
    dl19 = json.loads((SHARED / "data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").read_text())
    cases = []
    for entry, n in [(dl19[0], 12), (dl19[1], 6)]:
        query = entry["query"]
        first_stage = [h["content"] for h in entry["hits"][:n - 1]] + [
            "A [1] reference,\u00a0spaces  and  tabs\tkept: " + " ".join(f"w{i}" for i in range(320))]
        docs = [" ".join(t.split(" ")[:300]).strip() for t in first_stage]
        docs = list(reversed(docs))  # --reverse_doc_order: the best document nearest the query
        passes = {}
        for name, q in [("query", query), ("calibration", "N/A")]:
            prompt, spans, qs, qe = r._prepare_input_for_document_retrieval(q, docs, query_position="last")
            scores, per_doc = r.score_documents(prompt, spans, qs, qe, return_per_doc_results="tok")
            passes[name] = {"prompt": prompt, "spans": [list(s) for s in spans], "query_start": qs,
                            "query_end": qe, "tok_scores": [d[1] for d in per_doc]}
        final = []
        for tq, tn in zip(passes["query"]["tok_scores"], passes["calibration"]["tok_scores"]):
            c = tq - tn
            keep = c > (c.mean() - 2 * c.std())
            final.append(float((tq * keep - tn * keep).sum()))
        # prompt position j holds first-stage candidate n-1-j
        by_candidate = list(reversed(final))
        cases.append({
            "query": query, "candidates": first_stage,
            "prompt": passes["query"]["prompt"], "calibration_prompt": passes["calibration"]["prompt"],
            "spans": passes["query"]["spans"], "query_start": passes["query"]["query_start"],
            "query_end": passes["query"]["query_end"],
            "calibration_query_end": passes["calibration"]["query_end"],
            "scores": by_candidate,
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"icr_commit": COMMIT, "generator": "src/test/python/icr_golden.py",
                               "model": "../shared/golden/llama-tiny, llama2 tokenizer.model",
                               "cases": cases}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
