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
