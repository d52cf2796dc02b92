"""Exports PyTorch reference models to ONNX, imports and compiles them, and
checks the libraries against PyTorch:

    python3 check_onnx_models.py MODEL... --tools DIR --workdir DIR
        [--batch N] [--keep-files]

For each model of test/e2e/reference_models.py (with the weights
compare_with_pytorch.py gives it), `torch.onnx.export` writes an ONNX file
(opset 13; PyTorch folds batch norms into the convolutions). Then:

- `inceptionc MODEL.onnx` compiles it directly, the library runs on a random
  input through the Python package, and must match PyTorch's output within
  the suite's tolerance, max |ours - torch| <= 1e-4 * max(1, max |torch|);
- `inception-import` writes the model file and its weights, and compiling
  those must give the library the ONNX file gives, byte for byte.

GoogLeNet-LRN is exported with ONNX's LRN op (PyTorch 1.13 would write
LocalResponseNorm as a dozen shape-computing nodes); `--batch-norm` exports
without folding, so that BatchNormalization nodes reach the importer.
Prints `N passed, N failed`; exit status 1 on any failure.
"""

import argparse
import filecmp
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import compare_with_pytorch  # noqa: E402
import inception  # noqa: E402
import reference_models  # noqa: E402


class _LRNFunction(torch.autograd.Function):
    """LocalResponseNorm that exports as one ONNX LRN node."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return torch.nn.functional.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta,
                    bias_f=k)


class _OnnxLRN(torch.nn.Module):
    def __init__(self, lrn):
        super().__init__()
        self.lrn = lrn

    def forward(self, x):
        lrn = self.lrn
        return _LRNFunction.apply(x, lrn.size, lrn.alpha, lrn.beta, lrn.k)


def with_onnx_lrn(module):
    for name, child in module.named_children():
        if isinstance(child, torch.nn.LocalResponseNorm):
            setattr(module, name, _OnnxLRN(child))
        else:
            with_onnx_lrn(child)
    return module


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(" ".join(command))
        print(result.stdout + result.stderr)
    return result.returncode == 0


def check(args, name):
    model = with_onnx_lrn(compare_with_pytorch.reference(name, args.seed))
    size = reference_models.INPUT_SIZES[name]
    generator = torch.Generator().manual_seed(args.seed + 2)
    x = torch.randn(args.batch, 3, size, size, generator=generator)
    with torch.no_grad():
        expected = model(x).numpy()

    stem = os.path.join(args.workdir, name)
    onnx_path = stem + ".onnx"
    export = {"opset_version": 13}
    if args.batch_norm:
        export.update(do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    torch.onnx.export(model, x, onnx_path, **export)

    inceptionc = os.path.join(args.tools, "inceptionc")
    library = stem + ".so"
    if not run([inceptionc, onnx_path, "-o", library]):
        return False
    y = inception.Model(library).run(x.numpy())
    largest = float(np.abs(expected).max())
    difference = float(np.abs(y - expected).max())
    tolerance = 1e-4 * max(1.0, largest)
    numerics = bool(np.isfinite(y).all() and difference <= tolerance)
    print(f"{name}: max |onnx library - torch| = {difference:.3g}, "
          f"max |torch| = {largest:.3g}, tolerance {tolerance:.3g}")

    # The written files must build the library the ONNX file builds.
    source, weights = stem + ".inception", stem + ".safetensors"
    from_text = stem + ".text.so"
    if not (run([os.path.join(args.tools, "inception-import"), onnx_path,
                 "-o", source, "--weights-out", weights])
            and run([inceptionc, source, "--weights", weights, "-o",
                     from_text])):
        return False
    same = filecmp.cmp(library, from_text, shallow=False)
    print(f"{name}: the model file and the ONNX file build "
          + ("the same library" if same else "DIFFERENT libraries"))
    if not args.keep_files:
        for path in (library, from_text, stem + ".h", weights, onnx_path):
            os.remove(path)
    return numerics and same


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+",
                        choices=sorted(reference_models.MODELS))
    parser.add_argument("--tools", required=True,
                        help="the folder of inceptionc and inception-import")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-norm", action="store_true",
                        help="export BatchNormalization nodes unfolded")
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    passed = failed = 0
    for name in args.models:
        if check(args, name):
            passed += 1
        else:
            failed += 1
            print(f"{name}: FAILED")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
