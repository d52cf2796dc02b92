"""Writes weights for test/Frontend/Inputs/tiny.inception, correct or broken
in one way, for the weight-binding tests:

    python3 tiny_weights.py SCENARIO OUT.safetensors
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def tensors():
    f32 = np.float32
    return {
        "conv.weight": np.arange(6, dtype=f32).reshape(3, 2, 1, 1),
        "conv.bias": np.array([0.5, -0.5, 1.0], dtype=f32),
        "bn.weight": np.ones(3, dtype=f32),
        "bn.bias": np.zeros(3, dtype=f32),
        "bn.running_mean": np.zeros(3, dtype=f32),
        "bn.running_var": np.ones(3, dtype=f32),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "fc.weight": np.ones((2, 3), dtype=f32),
        "fc.bias": np.zeros(2, dtype=f32),
    }


def main():
    scenario, path = sys.argv[1], sys.argv[2]
    weights = tensors()
    if scenario == "missing":
        del weights["conv.bias"]
    elif scenario == "extra":
        weights["stray.weight"] = np.zeros(4, dtype=np.float32)
    elif scenario == "misshaped":
        weights["conv.weight"] = np.zeros((3, 2, 3, 3), dtype=np.float32)
    elif scenario == "f16":
        weights["fc.bias"] = weights["fc.bias"].astype(np.float16)
    elif scenario != "good" and scenario != "truncated":
        sys.exit(f"unknown scenario {scenario}")
    safetensors_io.save(weights, path)
    if scenario == "truncated":
        with open(path, "r+b") as f:
            f.truncate(os.path.getsize(path) - 10)


if __name__ == "__main__":
    main()
