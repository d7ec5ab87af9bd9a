"""Writes the Hugging Face reference vectors for EncoderGoldenTest (run by hand; tests never need Python).

  python3 make_golden.py ONNX_DIR OUT_DIR

ONNX_DIR holds the fp32 ONNX exports from the langchain4j jars (bge-small-en-v1.5.onnx,
all-minilm-l6-v2.onnx and their -tokenizer.json). Their weights are loaded into transformers'
BertModel (eager attention, float32), which computes the reference; the tiny random BERT
(tiny-bert/, saved by save_pretrained in float16) is made here with a fixed seed.
"""
import json, sys, os
import numpy as np
import onnx, torch
from onnx import numpy_helper
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

onnx_dir, out_dir = sys.argv[1], sys.argv[2]
TEXTS = [
    "what is the capital of france",
    "Paris is the capital and most populous city of France.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "The Great Barrier Reef is the world's largest coral reef system, off the coast of Australia.",
    "experimental investigation of the aerodynamics of a wing in a slipstream . an experimental study"
    " of a wing in a propeller slipstream was made in order to determine the spanwise distribution of"
    " the lift increase due to slipstream at different angles of attack of the wing and at different"
    " free stream to slipstream velocity ratios .",
    "Unicode: café, naïve, 東京, emoji 🙂 and numbers 3.14159 ≈ π.",
    "a",
    "",
    " ".join(f"token{i} retrieval evaluation" for i in range(200)),  # over 512 tokens: truncated
]


def weights_from_onnx(path):
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    sd = {}
    for k, v in inits.items():
        if k.startswith(("embeddings.", "encoder.")) and k != "embeddings.position_ids":
            sd[k] = torch.from_numpy(v.copy())
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in inits:
            for add in consumers.get(n.output[0], []):
                if add.op_type == "Add":
                    for i in add.input:
                        if i.endswith(".bias") and i in inits:
                            # torch Linear stores [out, in]; the ONNX MatMul weight is [in, out]
                            sd[i[:-5] + ".weight"] = torch.from_numpy(inits[n.input[1]].T.copy())
    return sd


def reference(model, tok, pooling, prefix=""):
    rows = []
    for t in TEXTS:
        ids = tok.encode(prefix + t).ids
        with torch.no_grad():
            h = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                      token_type_ids=torch.zeros(1, len(ids), dtype=torch.long)).last_hidden_state[0]
        v = h[0] if pooling == "cls" else h.mean(0)
        v = torch.nn.functional.normalize(v, dim=0)
        rows.append({"text": t, "ids": ids, "vector": [float(x) for x in v.tolist()],
                     "hidden_first_token": [float(x) for x in h[0].tolist()]})
    return rows


def write(name, rows, extra):
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump({"generator": "make_golden.py with transformers " + __import__("transformers").__version__
                   + ", torch " + torch.__version__, **extra, "rows": rows}, f, indent=0)


for name, pooling, heads, prefix, max_len in [("bge-small-en-v1.5", "cls", 12, "", 512),
                                              ("all-minilm-l6-v2", "mean", 12, "", 256)]:
    sd = weights_from_onnx(os.path.join(onnx_dir, name + ".onnx"))
    h = sd["embeddings.word_embeddings.weight"].shape[1]
    layers = 1 + max(int(k.split(".")[2]) for k in sd if k.startswith("encoder.layer."))
    cfg = BertConfig(vocab_size=sd["embeddings.word_embeddings.weight"].shape[0], hidden_size=h,
                     num_hidden_layers=layers, num_attention_heads=heads,
                     intermediate_size=sd["encoder.layer.0.intermediate.dense.bias"].shape[0],
                     max_position_embeddings=sd["embeddings.position_embeddings.weight"].shape[0],
                     layer_norm_eps=1e-12, hidden_act="gelu", attn_implementation="eager")
    model = BertModel(cfg, add_pooling_layer=False).eval()
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert not unexpected and all("position_ids" in k for k in missing), (missing, unexpected)
    tok = Tokenizer.from_file(os.path.join(onnx_dir, name + "-tokenizer.json"))
    tok.enable_truncation(max_length=max_len)  # Hugging Face's: [CLS], the first tokens, [SEP]
    tok.no_padding()
    write(name, reference(model, tok, pooling), {"pooling": pooling})

# a tiny random BERT checkpoint folder (float16 safetensors), with the bge tokenizer
torch.manual_seed(20261207)
cfg = BertConfig(vocab_size=30522, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                 intermediate_size=40, max_position_embeddings=512, layer_norm_eps=1e-12,
                 hidden_act="gelu", attn_implementation="eager")
tiny = BertModel(cfg, add_pooling_layer=False).eval()
with torch.no_grad():
    for p in tiny.parameters():
        p.normal_(0, 0.5)
tiny = tiny.half().float()  # the reference uses the float16-rounded weights
folder = os.path.join(out_dir, "tiny-bert")
os.makedirs(folder, exist_ok=True)
tiny.half().save_pretrained(folder, safe_serialization=True)
tiny = tiny.float()
import shutil
# tokenizer.json: the test copies the bge tokenizer in from the classpath
with open(os.path.join(folder, "trawl-encoder.json"), "w") as f:
    json.dump({"pooling": "mean", "normalize": True}, f)
tok = Tokenizer.from_file(os.path.join(onnx_dir, "bge-small-en-v1.5-tokenizer.json"))
tok.enable_truncation(max_length=512); tok.no_padding()
write("tiny-bert", reference(tiny, tok, "mean"), {"pooling": "mean"})
