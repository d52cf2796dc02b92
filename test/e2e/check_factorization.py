"""Checks factorize-conv on convolutions whose kernels have a known rank:

    python3 check_factorization.py --inceptionc PATH --inception-run PATH --workdir DIR

test/e2e/lowrank.inception gets kernels built as sums of products of k x 1
and 1 x k filters, W[o, c, i, j] = sum_r a_r[c, i] * b_r[o, j]: convolution
"a" (3x3) of rank 1, "b" (5x5, stride 2) of rank 3; "c" (3x3) gets a
full-rank random kernel. Checks that:

- at -O3, "a" and "b" are factorized and "c" is left alone, and the
  outputs match PyTorch's and the -O0 compile's within 1e-5 relative
  (max |diff| <= 1e-5 * max |torch|);
- the MACs the pass's statistics predict are the reduction the cost model
  counts on the rewritten graph, and what the shapes give by hand;
- with rank=8 forced, the relative kernel error each remark reports matches
  the error of the factors the compiler wrote (read back from the optimized
  module) and numpy's best rank-8 error.
"""

import argparse
import os
import re
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import safetensors_io  # noqa: E402

MODEL = os.path.join(HERE, "lowrank.inception")


def low_rank_kernel(rng, out, inp, k, rank):
    a = rng.standard_normal((rank, inp, k))
    b = rng.standard_normal((rank, out, k))
    w = np.einsum("rci,roj->ocij", a, b) / np.sqrt(inp * k * k * rank)
    return w.astype(np.float32)


def kernel_error(w, factors):
    """Relative Frobenius error of the two factors' product against w."""
    first, second = factors  # [r, c, k, 1], [o, r, 1, k]
    product = np.einsum("rci,orj->ocij", first[:, :, :, 0].astype(np.float64),
                        second[:, :, 0, :].astype(np.float64))
    return np.linalg.norm(w - product) / np.linalg.norm(w)


def best_error(w, rank):
    o, c, k, _ = w.shape
    m = w.astype(np.float64).transpose(1, 2, 0, 3).reshape(c * k, o * k)
    s = np.linalg.svd(m, compute_uv=False)
    return np.sqrt((s[rank:] ** 2).sum() / (s ** 2).sum())


def statistics(stderr):
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\S+\.\S+)\s+(\d+)$", stderr, re.M)}


def resources(module_text):
    """The f32 resource blobs of a printed module, by key."""
    blobs = {}
    for key, hexdata in re.findall(r'^\s*"?([\w.]+)"?: "0x([0-9A-Fa-f]+)"', module_text, re.M):
        data = bytes.fromhex(hexdata)[4:]  # after the alignment word
        blobs[key] = np.frombuffer(data, np.float32)
    return blobs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inceptionc", required=True)
    parser.add_argument("--inception-run", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    rng = np.random.default_rng(0)
    weights = {
        "a.weight": low_rank_kernel(rng, 32, 16, 3, 1),
        "a.bias": rng.uniform(-0.1, 0.1, 32).astype(np.float32),
        "b.weight": low_rank_kernel(rng, 24, 32, 5, 3),
        "b.bias": rng.uniform(-0.1, 0.1, 24).astype(np.float32),
        "y.weight": (rng.standard_normal((24, 24, 3, 3)) / np.sqrt(24 * 9)).astype(np.float32),
        "y.bias": rng.uniform(-0.1, 0.1, 24).astype(np.float32),
    }
    weights_path = os.path.join(args.workdir, "lowrank.safetensors")
    safetensors_io.save(weights, weights_path)
    x = rng.standard_normal((1, 16, 20, 20)).astype(np.float32)
    x_path = os.path.join(args.workdir, "x.npy")
    np.save(x_path, x)

    t = {k: torch.from_numpy(v) for k, v in weights.items()}
    with torch.no_grad():
        h = F.relu(F.conv2d(torch.from_numpy(x), t["a.weight"], t["a.bias"], padding=1))
        h = F.relu(F.conv2d(h, t["b.weight"], t["b.bias"], stride=2, padding=2))
        expected = F.conv2d(h, t["y.weight"], t["y.bias"], padding=1).numpy()

    def compile_and_run(tag, options):
        library = os.path.join(args.workdir, tag, "liblowrank.so")
        os.makedirs(os.path.dirname(library), exist_ok=True)
        result = subprocess.run([args.inceptionc, MODEL, "--weights", weights_path,
                                 "--emit=so", "-o", library, "--pass-stats"] + options,
                                check=True, capture_output=True, text=True)
        y_path = os.path.join(args.workdir, tag, "y.npy")
        subprocess.run([args.inception_run, library, "--input", x_path, "--output", y_path],
                       check=True, capture_output=True)
        return np.load(y_path), statistics(result.stderr)

    ok = True

    def check(what, good):
        nonlocal ok
        print(f"{what}: {'ok' if good else 'FAILED'}")
        ok &= bool(good)

    unoptimized, _ = compile_and_run("O0", ["-O0"])
    optimized, stats = compile_and_run("O3", [])
    largest = float(np.abs(expected).max())
    to_torch = float(np.abs(optimized - expected).max()) / largest
    to_o0 = float(np.abs(optimized - unoptimized).max()) / largest
    print(f"-O3 vs torch: {to_torch:.2e} relative, vs -O0: {to_o0:.2e} relative")
    check("outputs within 1e-5 relative", to_torch <= 1e-5 and to_o0 <= 1e-5)
    print("statistics: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())
                                     if k.startswith(("factorize", "graph.macs"))))
    check("a and b factorized, c left alone",
          stats.get("factorize-conv.factorized") == 2
          and stats.get("factorize-conv.left-alone") == 1)
    # By hand: a 32*16*9*400 -> 1*16*3*20*20 + 32*1*3*400;
    #          b 24*32*25*100 -> 3*32*5*10*20 + 24*3*5*100.
    before = 32 * 16 * 9 * 400 + 24 * 32 * 25 * 100
    after = (16 * 3 * 400 + 32 * 3 * 400) + (3 * 32 * 5 * 200 + 24 * 3 * 5 * 100)
    predicted = stats["factorize-conv.macs-before"] - stats["factorize-conv.macs-after"]
    counted = stats["graph.macs-before"] - stats["graph.macs-after"]
    print(f"MAC reduction: predicted {predicted}, counted on the graph {counted}, "
          f"by hand {before - after}")
    check("MAC reduction as predicted", predicted == counted == before - after)

    # rank=8 on every convolution: the reported errors against the factors.
    result = subprocess.run([args.inceptionc, MODEL, "--weights", weights_path,
                             "--emit=optimized", "--print-weights",
                             "--passes=factorize-conv{rank=8}"],
                            check=True, capture_output=True, text=True)
    reported = {}
    for m in re.finditer(r"at rank (\d+) of \d+: relative kernel error ([0-9.e+-]+)",
                         result.stderr):
        reported[len(reported)] = (int(m.group(1)), float(m.group(2)))
    blobs = resources(result.stdout)
    for index, name in enumerate(["a", "b", "y"]):
        w = weights[f"{name}.weight"]
        o, c, k, _ = w.shape
        rank, error = reported[index]
        first = blobs[f"{name}.weight.factor_kx1"].reshape(rank, c, k, 1)
        second = blobs[f"{name}.weight.factor_1xk"].reshape(o, rank, 1, k)
        measured = kernel_error(w.astype(np.float64), (first, second))
        best = best_error(w, rank)
        print(f"{name} at rank {rank}: reported {error:.4e}, measured {measured:.4e}, "
              f"best possible {best:.4e}")
        # Float32 factors carry rounding of about 1e-7 relative.
        check(f"{name} reported error matches", abs(error - measured) <= 1e-3 * measured + 1e-6
              and abs(error - best) <= 1e-3 * best + 1e-6)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
