"""Writes what test/Runtime/weights.test runs the load-time-weights test
library on (test/unit/Inputs/fake_model.c with FAKE_MODEL_WEIGHTS: y = w x + b
over [1, 4]): two checkpoints, one whose bias has the wrong shape, and an
input; or checks an output against a checkpoint's."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import safetensors_io  # noqa: E402

x = np.array([[1, 2, 3, 4]], np.float32)
checkpoints = {
    "a": {"layer.weight": np.array([1, 2, 3, 4], np.float32),
          "layer.bias": np.array([0, 0, 0, 1], np.float32)},
    "b": {"layer.weight": np.array([-1, -1, -1, -1], np.float32),
          "layer.bias": np.array([10, 10, 10, 10], np.float32),
          "bn.num_batches_tracked": np.array(3, np.int64)},
    "bad": {"layer.weight": np.array([1, 2, 3, 4], np.float32),
            "layer.bias": np.zeros((2, 2), np.float32)},
}

if sys.argv[1] == "write":
    folder = sys.argv[2]
    np.save(os.path.join(folder, "x.npy"), x)
    for name, tensors in checkpoints.items():
        safetensors_io.save(tensors, os.path.join(folder, f"{name}.safetensors"))
    sys.exit(0)

y = np.load(sys.argv[2])
weights = checkpoints[sys.argv[3]]
expected = weights["layer.weight"] * x + weights["layer.bias"]
print("output matches checkpoint", sys.argv[3], "yes" if np.array_equal(y, expected) else f"no: {y} != {expected}")
