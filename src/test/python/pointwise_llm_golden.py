"""Writes pointwise-llm-golden.json (and the tiny Qwen2 tokenizer.json it uses) for PointwiseLlmGoldenTest.

Run from the repository root with torch, transformers, sentencepiece, tokenizers and jinja2, with the
golden tiny checkpoints in ../shared/golden and the DL19 BM25 candidates in ../shared/data:
    python3 src/test/python/pointwise_llm_golden.py

The prompts are llm-rankers' (ielab/llm-rankers at b36517b, llmrankers/pointwise.py): "yes_no" and
"qlm"; texts truncated as its run.py does (query_length = passage_length = 128 tokens,
convert_tokens_to_string(tokenize(text)[:128]), here sp.decode / Tokenizer.decode of the first 128
ids). "finegrained" is the rating-scale prompt RG-S(0,k) of Zhuang et al. 2024 ("Beyond Yes and No").
Nothing of llm-rankers is stored in this repository.

Two models:
  * llama-tiny with the real Llama-2 SentencePiece model and Zephyr's chat template (frame=chat: the
    prompt is the user turn, the assistant turn opened), and the plain prompt (frame=plain);
    encoded as tokenizer(text) does: BOS, then special-token strings ("</s>") as their ids and the
    text between them through SentencePiece;
  * qwen2-tiny (vocab 1000) with a byte-level BPE tokenizer.json trained here on the passages
    (997 entries + "<|endoftext|>" 998 + "<|im_end|>" 999; no BOS, like Qwen's), plain prompt.
Reference numbers: Hugging Face LlamaForCausalLM / Qwen2ForCausalLM, eager attention, float32, one
prompt per forward pass (no padding). yes/no: log_softmax([logit(Yes), logit(No)])[0], the ids the
first of tokenizer.encode("Yes"/"No") without special tokens; qlm: mean over the query's tokens of
log_softmax(logits)[token] at the positions that predict them; finegrained: expected value of
softmax over the logits of the label tokens "0".."k" (each its own vocabulary piece).
"""
import json
import pathlib

import jinja2
import sentencepiece
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaForCausalLM, Qwen2ForCausalLM

SHARED = pathlib.Path("../shared")
RES = pathlib.Path("src/test/resources/io/trawl/rerank/pointwise")
ZEPHYR = ("{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
          "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}"
          "\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == "
          "'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
          "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n"
          "{% endfor %}")
K = 4


def yes_no_prompt(query, text):
    return f"Passage: {text}\nQuery: {query}\nDoes the passage answer the query? Answer 'Yes' or 'No'"


def qlm_prompt(text):
    return f"Passage: {text}\nPlease write a question based on this passage."


def finegrained_prompt(query, text, k):
    return (f"From a scale of 0 to {k}, judge the relevance between the query and the document.\n"
            f"Query: {query}\nDocument: {text}\nOutput:")


class Llama2Sp:
    def __init__(self):
        self.sp = sentencepiece.SentencePieceProcessor(
            model_file=str(SHARED / "golden/tokenizers/llama2/tokenizer.model"))

    def encode(self, text):
        return self.sp.encode(text)

    def decode(self, ids):
        return self.sp.decode(ids)

    def piece(self, s):
        i = self.sp.piece_to_id(s)
        assert i != self.sp.unk_id(), s
        return i

    def with_specials(self, text):
        """tokenizer(text): BOS, special-token strings as ids, SentencePiece between them."""
        out = [1]
        specials = {"</s>": 2, "<s>": 1}
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


class QwenBpe:
    def __init__(self, tok):
        self.tok = tok

    def encode(self, text):
        return self.tok.encode(text, add_special_tokens=False).ids

    def decode(self, ids):
        return self.tok.decode(ids)

    def piece(self, s):
        i = self.tok.token_to_id(s)
        assert i is not None, s
        return i

    def with_specials(self, text):
        return self.tok.encode(text, add_special_tokens=True).ids


def train_qwen_tokenizer(texts):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=998, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=[], show_progress=False)
    tok.train_from_iterator(texts, trainer)
    assert tok.get_vocab_size() <= 998, tok.get_vocab_size()
    while tok.get_vocab_size() < 998:  # pad to 998 so the specials get Qwen2-tiny's ids 998/999
        tok.add_tokens([f"<|pad{tok.get_vocab_size()}|>"])
    tok.add_special_tokens(["<|endoftext|>", "<|im_end|>"])
    assert tok.token_to_id("<|endoftext|>") == 998 and tok.token_to_id("<|im_end|>") == 999
    return tok


def render_chat(user):
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(ZEPHYR).render(messages=[{"role": "user", "content": user}],
                                          bos_token="<s>", eos_token="</s>", add_generation_prompt=True)


def truncate(tok, text, n=128):
    return tok.decode(tok.encode(text)[:n])


@torch.no_grad()
def logits_of(model, ids):
    return model(torch.tensor([ids])).logits[0].float()


def run_case(model, tok, frame, query, passages):
    q = truncate(tok, query)
    texts = [truncate(tok, p) for p in passages]

    def frame_it(p):
        return render_chat(p) if frame == "chat" else p

    yes_id, no_id = tok.encode("Yes")[0], tok.encode("No")[0]
    labels = [tok.piece(str(i)) for i in range(K + 1)]
    query_ids = tok.encode(q)
    out = {"frame": frame, "query": query, "passages": passages, "yes_id": yes_id, "no_id": no_id,
           "label_ids": labels, "query_ids": query_ids, "yesno": [], "qlm": [], "finegrained": []}
    for t in texts:
        # yes/no
        text = frame_it(yes_no_prompt(q, t))
        ids = tok.with_specials(text)
        last = logits_of(model, ids)[-1]
        pair = torch.stack([last[yes_id], last[no_id]])
        out["yesno"].append({"text": text, "ids": ids, "logits": pair.tolist(),
                             "score": torch.log_softmax(pair, 0)[0].item()})
        # qlm
        text = frame_it(qlm_prompt(t))
        ids = tok.with_specials(text)
        lp = torch.log_softmax(logits_of(model, ids + query_ids), -1)
        token_lp = [lp[len(ids) - 1 + i, query_ids[i]].item() for i in range(len(query_ids))]
        out["qlm"].append({"text": text, "ids": ids, "token_logprobs": token_lp,
                           "score": sum(token_lp) / len(token_lp)})
        # fine-grained
        text = frame_it(finegrained_prompt(q, t, K))
        ids = tok.with_specials(text)
        last = logits_of(model, ids)[-1]
        lab = last[labels]
        p = torch.softmax(lab.double(), 0)
        out["finegrained"].append({"text": text, "ids": ids, "logits": lab.tolist(),
                                   "score": sum(i * p[i].item() for i in range(K + 1))})
    for m in ("yesno", "qlm", "finegrained"):
        s = [r["score"] for r in out[m]]
        out[m + "_order"] = sorted(range(len(s)), key=lambda i: -s[i])
    return out


def main():
    dl19 = json.loads((SHARED / "data/dl19-dl20-bm25-top100-rankllm/retrieve_results_dl19.json").read_text())
    long_passage = ("A long passage\u00a0with  double spaces, caf\u00e9 and na\u00efve words: "
                    + " ".join(f"word{i}" for i in range(200)))
    topics = []
    for e, n in [(dl19[0], 5), (dl19[1], 3)]:
        topics.append((e["query"], [h["content"] for h in e["hits"][:n]]))
    topics[0][1].append(long_passage)

    llama = LlamaForCausalLM.from_pretrained(SHARED / "golden/llama-tiny", attn_implementation="eager",
                                             dtype=torch.float32).eval()
    sp = Llama2Sp()
    qwen_tok = train_qwen_tokenizer([p for _, ps in topics for p in ps] + [q for q, _ in topics]
                                    + [yes_no_prompt("", ""), qlm_prompt(""), finegrained_prompt("", "", K),
                                       "Yes No 0 1 2 3 4"])
    RES.mkdir(parents=True, exist_ok=True)
    qwen_tok.save(str(RES / "qwen2-tiny-tokenizer.json"))
    qwen_tok = Tokenizer.from_file(str(RES / "qwen2-tiny-tokenizer.json"))
    qwen = Qwen2ForCausalLM.from_pretrained(SHARED / "golden/qwen2-tiny", attn_implementation="eager",
                                            dtype=torch.float32).eval()
    cases = []
    for query, passages in topics:
        for frame in ("chat", "plain"):
            c = run_case(llama, sp, frame, query, passages)
            c["model"] = "llama-tiny"
            cases.append(c)
        c = run_case(qwen, QwenBpe(qwen_tok), "plain", query, passages)
        c["model"] = "qwen2-tiny"
        cases.append(c)
    (RES / "pointwise-llm-golden.json").write_text(json.dumps({
        "generator": "src/test/python/pointwise_llm_golden.py",
        "llm_rankers_commit": "b36517b",
        "k": K,
        "reference": {"transformers": __import__("transformers").__version__, "torch": torch.__version__,
                      "attn_implementation": "eager", "dtype": "float32"},
        "cases": cases}, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
