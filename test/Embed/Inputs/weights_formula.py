"""The parameters prepared_weights.c fills, for the tiny model, written to
a safetensors file (`write FILE X.npy`: also FILE with _bad, whose
conv.weight is [3, 2], and an input); or the output an inception-run of the
library with those weights built in wrote, printed as the C application
prints its own (`print OUT.npy`)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import safetensors_io  # noqa: E402

SHAPES = [("conv.weight", (3, 2, 1, 1)), ("conv.bias", (3,)), ("bn.weight", (3,)),
          ("bn.bias", (3,)), ("bn.running_mean", (3,)), ("bn.running_var", (3,)),
          ("fc.weight", (2, 3)), ("fc.bias", (2,))]


def value(key, index, element):
    v = np.float32(((index * 31 + element * 17) % 13) - 6) / np.float32(8)
    return np.float32(1) + v / np.float32(2) if "running_var" in key else v


if sys.argv[1] == "write":
    tensors = {}
    for index, (key, shape) in enumerate(SHAPES):
        count = int(np.prod(shape))
        tensors[key] = np.array([value(key, index, j) for j in range(count)],
                                np.float32).reshape(shape)
    safetensors_io.save(tensors, sys.argv[2])
    tensors["conv.weight"] = tensors["conv.weight"].reshape(3, 2)
    safetensors_io.save(tensors, sys.argv[2].replace(".safetensors", "_bad.safetensors"))
    x = np.array([((i % 7) - 3) / 4 for i in range(32)], np.float32).reshape(1, 2, 4, 4)
    np.save(sys.argv[3], x)
else:
    y = np.load(sys.argv[2])
    print("output " + " ".join(f"{float(v):.9g}" for v in y.reshape(-1)))
