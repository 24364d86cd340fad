#!/usr/bin/python3
"""Writes torch.save checkpoints in every layout the weight loader must handle, for
tst_weights_loading. Values are deterministic (arange-based) so C++ can check them.
usage: make_checkpoints.py OUT_DIR"""
import collections
import os
import sys

import torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def weights():
    return {
        "detector.geometry_encoder.a.weight": torch.arange(12, dtype=torch.float32).reshape(3, 4),
        "detector.geometry_encoder.b.bias": torch.arange(5, dtype=torch.float16) / 4,
        "detector.geometry_encoder.c": torch.arange(6, dtype=torch.bfloat16).reshape(2, 3),
        "tracker.sam_mask_decoder.d": torch.arange(4, dtype=torch.float64),
        "step": torch.tensor(7),
    }


torch.save(weights(), f"{out}/flat.pt")
torch.save({"model": collections.OrderedDict(weights()), "epoch": 3, "note": "sam3"}, f"{out}/nested.pt")
torch.save({"state_dict": weights()}, f"{out}/state_dict_key.pt")
torch.save(collections.OrderedDict(weights()), f"{out}/ordered.pt")
torch.save({"detector.geometry_encoder.only": torch.ones(2, 2)}, f"{out}/one_item.pt")

module = torch.nn.Linear(4, 3)
with torch.no_grad():
    module.weight.copy_(torch.arange(12, dtype=torch.float32).reshape(3, 4))
    module.bias.copy_(torch.tensor([1.0, 2.0, 3.0]))
torch.save(module.state_dict(), f"{out}/module_state_dict.pt")  # OrderedDict with _metadata

base = torch.arange(20, dtype=torch.float32)
torch.save({"view": base[2:14].reshape(3, 4).t(), "shared": base}, f"{out}/views.pt")

torch.save(weights(), f"{out}/legacy.pt", _use_new_zipfile_serialization=False)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


torch.save({"w": torch.ones(1), "payload": Evil()}, f"{out}/malicious.pt")

data = open(f"{out}/flat.pt", "rb").read()
open(f"{out}/truncated.pt", "wb").write(data[: len(data) // 2])
print("wrote checkpoints to", out)
