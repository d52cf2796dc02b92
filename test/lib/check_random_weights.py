"""Loads the weights `inceptionc --random-weights=SEED --emit=weights` wrote
into the PyTorch reference of MODEL and runs it on a random input, checking
that the activations stay finite and neither vanish nor explode:

    python3 check_random_weights.py MODEL WEIGHTS.safetensors
"""

import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import reference_models  # noqa: E402
import safetensors_io  # noqa: E402


def main():
    name, path = sys.argv[1], sys.argv[2]
    model = reference_models.build(name).eval()
    state = {k: torch.from_numpy(v.copy()) for k, v in safetensors_io.load(path).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        sys.exit(f"missing {missing[:5]}, unexpected {unexpected[:5]}")
    torch.manual_seed(0)
    size = reference_models.INPUT_SIZES[name]
    with torch.no_grad():
        logits = model(torch.randn(1, 3, size, size))
    largest = logits.abs().max().item()
    print(f"finite: {'yes' if torch.isfinite(logits).all() else 'no'}")
    print(f"max |logit|: {largest:.4g}")
    if not 1e-3 < largest < 1e4:
        sys.exit(f"max |logit| {largest} is outside [1e-3, 1e4]")


if __name__ == "__main__":
    main()
