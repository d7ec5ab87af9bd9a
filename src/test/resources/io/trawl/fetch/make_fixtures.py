"""Makes the torch.save fixtures of TorchCheckpointTest (run once; the outputs are committed).

python make_fixtures.py   (torch CPU and safetensors from pip)
"""
import collections
import os

import torch
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))
g = torch.Generator().manual_seed(7)
base = torch.randn(4, 6, generator=g)
sd = collections.OrderedDict()
sd["encoder.weight"] = base                               # float32, contiguous
sd["encoder.weight_t"] = base.t()                         # the same storage, transposed (strides 1, 6)
sd["encoder.rows"] = base[1:3]                            # the same storage at an offset
sd["half"] = torch.randn(5, generator=g).to(torch.float16)
sd["bf16"] = torch.randn(2, 3, generator=g).to(torch.bfloat16)
sd["ids"] = torch.tensor([3, -1, 1 << 40], dtype=torch.int64)
sd["count"] = torch.tensor(7, dtype=torch.int32)          # 0-dim
sd["bias"] = torch.nn.Parameter(torch.randn(3, generator=g))  # a Parameter: _rebuild_parameter
torch.save(sd, os.path.join(here, "tiny-state-dict.bin"))
save_file({k: v.detach().contiguous().clone() for k, v in sd.items()},
          os.path.join(here, "tiny-state-dict.expected.safetensors"))


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/trawl-pwned",))


torch.save({"weight": torch.zeros(2), "payload": Evil()}, os.path.join(here, "malicious-os-system.bin"))


# A tiny random T5 saved as 2020-2021 Hugging Face checkpoints are: torch.save of the whole state
# dict (tied embeddings share one storage) as pytorch_model.bin; transformers' own safetensors of
# the same model (save_pretrained) is what the conversion must reproduce.
from transformers import T5Config, T5ForConditionalGeneration

torch.manual_seed(11)
cfg = T5Config(vocab_size=96, d_model=16, d_kv=8, d_ff=32, num_layers=2, num_decoder_layers=2, num_heads=2,
               relative_attention_num_buckets=8, relative_attention_max_distance=20, decoder_start_token_id=0,
               pad_token_id=0, eos_token_id=1)
t5 = T5ForConditionalGeneration(cfg).eval()
out = os.path.join(here, "tiny-t5-bin")
t5.save_pretrained(out)
os.replace(os.path.join(out, "model.safetensors"), os.path.join(here, "tiny-t5.expected.safetensors"))
for extra in ("generation_config.json",):
    if os.path.exists(os.path.join(out, extra)):
        os.remove(os.path.join(out, extra))
torch.save(t5.state_dict(), os.path.join(out, "pytorch_model.bin"))
