"""Writes ftfy-golden.json: inputs and ftfy.fix_text outputs (ftfy 6.3.1) for FtfyTest.

Run from the repository root: python3 src/test/python/ftfy_golden.py
Inputs: DL19/DL20 BM25 top-100 passages (../shared/data/dl19-dl20-bm25-top100-rankllm) that ftfy
changes, chosen to cover every kind of fix it applies to them, some it leaves alone, crafted strings
(the characters issue 15 names: no-break space, U+3000, full-width digits, curly quotes), and random
strings over characters ftfy's heuristics look at (seeded).
"""
import json
import pathlib
import random

import ftfy
from ftfy import fix_and_explain

SHARED = pathlib.Path("../shared/data/dl19-dl20-bm25-top100-rankllm")
OUT = pathlib.Path("src/test/resources/io/trawl/rerank/listwise/ftfy-golden.json")


def main():
    passages = []
    for name in ["retrieve_results_dl19.json", "retrieve_results_dl20.json"]:
        for entry in json.loads((SHARED / name).read_text()):
            passages.extend(h["content"] for h in entry["hits"])
    by_step, unchanged = {}, []
    for p in passages:
        fixed, steps = fix_and_explain(p)
        if fixed == p:
            unchanged.append(p)
            continue
        for step in steps:
            by_step.setdefault(step[1], []).append(p)
    chosen = []
    for step, ps in sorted(by_step.items()):
        for p in ps[:12]:
            if p not in chosen:
                chosen.append(p)
    chosen += unchanged[:10]
    crafted = [
        "non\u00a0breaking and ideographic\u3000space",
        "full-width [\uff11\uff12] and \uff21\uff22\uff23",
        "\u201ccurly\u201d \u2018quotes\u2019 and \u02bcapostrophe",
        "caf\u00c3\u00a9 na\u00c3\u00afve",
        "it\u00e2\u0080\u0099s",
        "it\u00e2\u20ac\u2122s",
        "&amp; &lt;b&gt; &#x2019; &#8217; &#128; &hellip; &eacute;",
        "<b>&amp;</b> keeps entities when a '<' is on the line",
        "line one &amp;\n<line two>\nline three &amp;",
        "\u001b[31mred\u001b[0m \ufeffbom \u200bzero",
        "\ufb01sh \ufb02ow \u0132",
        "C1 \u0085 \u0096 \u0080",
        "a\r\nb\rc\u2028d\u2029e",
        "\u00c3 la carte \u00c3 s ",
        "",
        "plain ASCII [1] > [2]",
    ]
    rnd = random.Random(3)
    alphabet = (list("abcdeAZ .,?!-:;'\"\n\t0123") + list(
        "\u00c3\u00c2\u00ce\u00d0\u20ac\u0153\u0160\u0161\u00a2\u00a3\u0178\u017e\u00a0\u00ad\u00ae"
        "\u00a9\u00b0\u00b7\u00bb\u2013\u2014\u00b4\u00d7\u00b2\u00b3\u00d8\u00d9\u00e0\u03b2\u0101"
        "\u201a\u00c4\u00ec\u00ee\u00ef\u221a\u00b1\u2202\u2020\u2260\u2122\u2264\u2265\u00a5\u00b5"
        "\u00f8\u0432\u0402\u0412\u0413\u0420\u0421\u0392\u0393\u039e\u039f\u00bf\u00c6\u0141\u2018"
        "\u2019\u201c\u201d\u201e\u2022\u2026\u2030\u2039\u203a\u2116") + [chr(c) for c in range(0x80, 0xa0)])
    randoms = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 20))) for _ in range(300)]
    cases = [[t, ftfy.fix_text(t)] for t in chosen + crafted + randoms]
    OUT.write_text(json.dumps({"ftfy": ftfy.__version__, "generator": "src/test/python/ftfy_golden.py",
                               "cases": cases}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
