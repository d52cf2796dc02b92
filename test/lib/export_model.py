"""Builds a reference PyTorch model of the family from a fixed seed, writes
its state_dict() to safetensors, and prints what the compiler's
`--emit=summary` must agree with:

    python3 export_model.py MODEL OUT.safetensors [--seed N]
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import reference_models  # noqa: E402
import safetensors_io  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(reference_models.MODELS))
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    model = reference_models.build(args.model).eval()
    safetensors_io.save(model.state_dict(), args.output)

    convolutions = sum(isinstance(m, torch.nn.Conv2d) for m in model.modules())
    parameters = sum(p.numel() for p in model.parameters())
    print(f"convolutions: {convolutions}")
    print(f"parameters: {parameters}")


if __name__ == "__main__":
    main()
