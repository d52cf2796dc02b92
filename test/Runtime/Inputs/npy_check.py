"""Writes a tiny model's input, or checks the model's output against NumPy."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import safetensors_io  # noqa: E402

if sys.argv[1] == "write":
    np.save(sys.argv[2], np.random.default_rng(0).standard_normal((1, 2, 4, 4)).astype(np.float32))
    sys.exit(0)

x = np.load(sys.argv[2])
y = np.load(sys.argv[3])
w = safetensors_io.load(sys.argv[4])
conv = np.einsum("oc,nchw->nohw", w["conv.weight"][:, :, 0, 0], x) + w["conv.bias"][None, :, None, None]
c = lambda v: v[None, :, None, None]
bn = (conv - c(w["bn.running_mean"])) / np.sqrt(c(w["bn.running_var"]) + 1e-5) * c(w["bn.weight"]) + c(w["bn.bias"])
expected = bn.mean(axis=(2, 3)) @ w["fc.weight"].T + w["fc.bias"]
ok = np.abs(y - expected).max() < 1e-5
print(f"shape {y.shape}, max difference below 1e-5: {'yes' if ok else 'no'}")
