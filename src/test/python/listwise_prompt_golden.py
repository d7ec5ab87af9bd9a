"""Writes listwise-prompts-golden.json: prompts exactly as RankLLM builds them, for ListwiseGoldenTest.

Run from the repository root with jinja2, transformers and ftfy 6.3.1 installed, and a clone of
castorini/rank_llm at RANK_LLM (default /work/.mirror/castorini+rank_llm/repo, a bare clone works):
    python3 src/test/python/listwise_prompt_golden.py
The prompt-building methods of RankLLM at commit 5f31fe1 (2024-11-26: RankZephyr's and FirstMistral's
os_llm path with vLLM, RankGPT's path) are read from that commit with `git show`, and run on stub
objects: ListwiseRankLLM._replace_number / convert_doc_to_prompt_content,
RankListwiseOSLLM._add_prefix_prompt / _add_post_prompt / create_prompt (vllm_batched branch),
SafeOpenai.create_rank_gpt_prompt with its prefix and suffix. The chat template is Zephyr's
(RankZephyr and FIRST ship it); nothing of RankLLM is stored in this repository.
"""
import ast
import json
import os
import pathlib
import subprocess
import types

import ftfy
from ftfy import fix_text
from transformers.utils.chat_template_utils import render_jinja_template

COMMIT = "5f31fe1a3db6830bed773fd4bdf788b7b76dffbd"
REPO = os.environ.get("RANK_LLM", "/work/.mirror/castorini+rank_llm/repo")
ZEPHYR = pathlib.Path("src/test/resources/io/trawl/model/llm/chat-templates/zephyr.jinja").read_text()
OUT = pathlib.Path("src/test/resources/io/trawl/rerank/listwise/listwise-prompts-golden.json")
SHARED = pathlib.Path("../shared/data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json")
ALPH_START_IDX = ord("A") - 1


def methods(path, cls, names):
    src = subprocess.run(["git", "--git-dir", REPO if REPO.endswith(".git") or not os.path.isdir(
        os.path.join(REPO, ".git")) else os.path.join(REPO, ".git"), "show", f"{COMMIT}:{path}"],
        check=True, capture_output=True, text=True).stdout
    tree = ast.parse(src)
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and f.name in names:
                    out[f.name] = ast.unparse(f)
    missing = set(names) - set(out)
    assert not missing, missing
    return out


class Tok:
    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        assert not tokenize
        out, _ = render_jinja_template(conversations=[messages], chat_template=ZEPHYR,
                                       add_generation_prompt=add_generation_prompt,
                                       bos_token="<s>", eos_token="</s>")
        return out[0]


def build_agent(use_alpha):
    import re  # noqa: F401  (used by the executed methods)
    from typing import Any, Dict, List, Tuple  # noqa: F401
    ns = {"re": re, "fix_text": fix_text, "ALPH_START_IDX": ALPH_START_IDX, "Any": Any, "Dict": Dict,
          "List": List, "Tuple": Tuple, "Result": object}
    code = []
    code += methods("src/rank_llm/rerank/listwise/listwise_rankllm.py", "ListwiseRankLLM",
                    ["_replace_number", "convert_doc_to_prompt_content"]).values()
    code += methods("src/rank_llm/rerank/listwise/rank_listwise_os_llm.py", "RankListwiseOSLLM",
                    ["_add_prefix_prompt", "_add_post_prompt", "create_prompt"]).values()
    body = "\n".join("    " + line for c in code for line in c.splitlines())
    exec("class Agent:\n" + body, ns)
    agent = ns["Agent"]()
    agent._vllm_batched = True
    agent._use_alpha = use_alpha
    agent._variable_passages = True
    agent._system_message = ("You are RankLLM, an intelligent assistant that can rank passages "
                             "based on their relevancy to the query")
    agent._num_few_shot_examples = 0
    agent._add_few_shot_examples_messages = lambda m: m
    agent._tokenizer = Tok()
    agent.get_num_tokens = lambda prompt: 0
    agent.max_tokens = lambda: 10 ** 9
    agent.num_output_tokens = lambda *a, **k: 0
    return agent


def build_rank_gpt(window):
    from typing import Any, Dict, List, Tuple  # noqa: F401
    import re
    ns = {"re": re, "fix_text": fix_text, "Any": Any, "Dict": Dict, "List": List, "Tuple": Tuple,
          "Result": object, "PromptMode": types.SimpleNamespace(RANK_GPT_APEER="apeer")}
    code = []
    code += methods("src/rank_llm/rerank/listwise/listwise_rankllm.py", "ListwiseRankLLM",
                    ["_replace_number", "convert_doc_to_prompt_content"]).values()
    code += methods("src/rank_llm/rerank/listwise/rank_gpt.py", "SafeOpenai",
                    ["_get_prefix_for_rank_gpt_prompt", "_get_suffix_for_rank_gpt_prompt",
                     "create_rank_gpt_prompt"]).values()
    body = "\n".join("    " + line for c in code for line in c.splitlines())
    exec("class Agent:\n" + body, ns)
    agent = ns["Agent"]()
    agent._prompt_mode = "rank_gpt"
    agent._window_size = window
    agent.get_num_tokens = lambda messages: 0
    agent.max_tokens = lambda: 10 ** 9
    agent.num_output_tokens = lambda *a, **k: 0
    return agent


def result(query, passages):
    cands = [types.SimpleNamespace(doc={"contents": p}) for p in passages]
    return types.SimpleNamespace(query=types.SimpleNamespace(text=query), candidates=cands)


def cases():
    dl19 = json.loads(SHARED.read_text())
    real = [(e["query"], [h["content"] for h in e["hits"][:20]]) for e in dl19[:1]]
    mojibake = [h["content"] for e in dl19 for h in e["hits"]
                if any(step[0] == "encode" for step in ftfy.fix_and_explain(h["content"])[1])][:3]
    hostile = [
        "Non\u00a0breaking\u00a0spaces and an ideographic\u3000space and full-width [\uff11\uff12] refs.",
        "See [3] and [ 4 ] and [A] and [abc]; \u201ccurly\u201d \u2018quotes\u2019 and \ufb01ne ligatures.",
        "  Leading and trailing whitespace \t\n  ",
        "Entities &amp; &eacute; &#8217; stay or go as ftfy decides <b>here</b>",
        "caf\u00c3\u00a9 na\u00c3\u00afve \u00e2\u20ac\u201c mojibake",
        " ".join(f"w{i}" for i in range(1000)),
    ] + mojibake
    return real + [("what is [2] in \u201cquotes\u201d\u00a0now?", hostile)]


def main():
    out = []
    for query, passages in cases():
        for n in sorted({len(passages), min(7, len(passages))}):
            ps = passages[:n]
            for template in ["rankzephyr", "first"]:
                agent = build_agent(template == "first")
                prompt, _ = agent.create_prompt(result(query, ps), 0, n)
                if template == "first":
                    prompt = prompt + "["  # run_llm: self._llm.generate([prompt + "["], ...)
                out.append({"template": template, "query": query, "passages": ps, "prompt": prompt})
            agent = build_rank_gpt(20)
            messages, _ = agent.create_rank_gpt_prompt(result(query, ps), 0, n)
            out.append({"template": "rankgpt", "query": query, "passages": ps, "messages": messages})
    OUT.write_text(json.dumps({"rank_llm_commit": COMMIT, "ftfy": ftfy.__version__,
                               "generator": "src/test/python/listwise_prompt_golden.py",
                               "cases": out}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
