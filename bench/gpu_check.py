"""The GPU libraries of bench/.gpu against PyTorch on the GPU (bench/gpu_check.sh).

For every model and batch: PyTorch builds the reference model from a seed
(test/e2e/compare_with_pytorch.py's initialization), writes its
state_dict() as safetensors, our library loads it (<model>_load_weights)
and runs on a seeded input (<model>_run_weights: host memory in and out);
PyTorch runs the same input on the GPU with TF32 off. The tolerance is the
suite's: 1e-4 * max(1, max |torch|).

Then, for googlenet and inception_v3 at batch 1 and 32: the time of a run
on device memory (<model>_run_device on PyTorch's stream, its launches
replayed as a CUDA graph), of PyTorch eager (cuDNN) and of
torch.compile(mode="max-autotune"), each the median of CUDA-event timed
runs after warmup, all in this process, TF32 off for all.
"""
import argparse
import ctypes
import faulthandler
import os
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "test", "lib"))
import safetensors_io  # noqa: E402
from compare_with_pytorch import reference  # noqa: E402

torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.set_float32_matmul_precision("highest")

INPUT = {"inception_v3": 299, "inception_v4": 299, "inception_resnet_v1": 299,
         "inception_resnet_v2": 299, "xception": 299}


class Library:
    """One compiled GPU library, through its own C symbols."""

    def __init__(self, path, model):
        self.lib = ctypes.CDLL(path)
        self.model = model
        self.fn = lambda name: getattr(self.lib, f"{model}_{name}")
        self.fn("workspace_size").restype = ctypes.c_size_t
        self.workspace_size = self.fn("workspace_size")()
        self.workspace = ctypes.create_string_buffer(self.workspace_size + 64)
        address = ctypes.addressof(self.workspace)
        self.state = ctypes.c_void_p(address + (-address % 64))
        self.weights = ctypes.c_void_p()
        self.fn("load_error").restype = ctypes.c_char_p
        info = self.lib.inception_model_info_v1
        info.restype = ctypes.c_void_p

    def load_weights(self, path):
        status = self.fn("load_weights")(path.encode(), ctypes.byref(self.weights))
        if status:
            raise RuntimeError(f"load_weights: status {status}: "
                               f"{self.fn('load_error')().decode()}")

    def run(self, x):
        y = np.zeros(self.output_shape, np.float32)
        status = self.fn("run_weights")(self.weights, x.ctypes.data_as(ctypes.c_void_p),
                                        y.ctypes.data_as(ctypes.c_void_p), self.state,
                                        ctypes.c_size_t(self.workspace_size), 0)
        if status:
            raise RuntimeError(f"run_weights: status {status}: {self.last_error()}")
        return y

    def run_device(self, x, y):
        stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
        status = self.fn("run_device")(self.state, ctypes.c_size_t(self.workspace_size),
                                       self.weights, ctypes.c_void_p(x.data_ptr()),
                                       ctypes.c_void_p(y.data_ptr()), None, stream)
        if status:
            raise RuntimeError(f"run_device: status {status}: {self.last_error()}")

    def last_error(self):
        # inception_model_info's last_error: its 13th pointer-sized field.
        info = ctypes.cast(self.lib.inception_model_info_v1(),
                           ctypes.POINTER(ctypes.c_void_p * 13)).contents
        last_error = ctypes.CFUNCTYPE(ctypes.c_char_p)(info[12])
        return last_error().decode()

    def release(self):
        self.fn("release_workspace")(self.state)
        self.fn("weights_free")(self.weights)


def time_ms(step, runs=50, warmup=5):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        step()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--libs", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-compile", action="store_true",
                        help="skip torch.compile (minutes of autotuning)")
    parser.add_argument("--compile-mode", default="max-autotune",
                        help="torch.compile's mode (max-autotune autotunes "
                             "each layer: minutes per model)")
    parser.add_argument("--compile-budget", type=float, default=240,
                        help="seconds of torch.compile after which the "
                             "remaining models are skipped")
    args = parser.parse_args()
    # A crash inside a library still names the model it was on.
    faulthandler.enable()
    device = torch.cuda.get_device_name(0)
    print(f"device: {device}, torch {torch.__version__}, TF32 off")
    work = tempfile.mkdtemp()
    libraries = sorted(os.listdir(args.libs))

    print("\n| model | batch | max abs torch | max abs (ours - torch) | tolerance | result |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    failures = 0
    references = {}
    for entry in libraries:
        if "_b" not in entry:  # tools/: inception-run for 'sanitize'
            continue
        model, batch = entry.rsplit("_b", 1)
        batch = int(batch)
        if batch > 2:
            continue
        reference_model = references.get(model)
        if reference_model is None:
            reference_model = references[model] = reference(model, args.seed)
        weights = os.path.join(work, f"{model}.safetensors")
        if not os.path.exists(weights):
            safetensors_io.save(reference_model.state_dict(), weights)
        size = INPUT.get(model, 224)
        x = np.random.default_rng(args.seed).standard_normal(
            (batch, 3, size, size)).astype(np.float32)
        try:
            library = Library(os.path.join(args.libs, entry, f"lib{model}.so"), model)
            library.load_weights(weights)
            with torch.no_grad():
                expected = reference_model.cuda()(torch.from_numpy(x).cuda()).cpu().numpy()
            library.output_shape = expected.shape
            y = library.run(x)
            library.release()
            largest = float(np.abs(expected).max())
            difference = float(np.abs(y - expected).max())
            tolerance = 1e-4 * max(1.0, largest)
            ok = bool(np.isfinite(y).all()) and difference <= tolerance
            print(f"| {model} | {batch} | {largest:.4g} | {difference:.3g} | "
                  f"{tolerance:.3g} | {'ok' if ok else 'FAIL'} |")
        except Exception as error:  # noqa: BLE001 - the table reports it
            ok = False
            print(f"| {model} | {batch} | | | | FAIL: {error} |")
        failures += not ok
        reference_model.cpu()

    # Ours and eager first (seconds), then torch.compile (minutes of
    # autotuning each), within --compile-budget, so that a short lease
    # still gets the first table whole.
    print("\n| model | batch | ours (ms) | PyTorch eager (ms) | eager / ours |")
    print("| --- | ---: | ---: | ---: | ---: |")
    timed = []
    for model in ("googlenet", "inception_v3"):
        reference_model = reference(model, args.seed).cuda()
        weights = os.path.join(work, f"{model}.safetensors")
        if not os.path.exists(weights):
            safetensors_io.save(reference_model.state_dict(), weights)
        for batch in (1, 32):
            entry = os.path.join(args.libs, f"{model}_b{batch}", f"lib{model}.so")
            if not os.path.exists(entry):
                continue
            size = INPUT.get(model, 224)
            x = torch.randn(batch, 3, size, size, device="cuda")
            library = Library(entry, model)
            library.load_weights(weights)
            with torch.no_grad():
                y = torch.empty_like(reference_model(x))
                ours = time_ms(lambda: library.run_device(x, y))
                matches = torch.allclose(y, reference_model(x), rtol=0,
                                         atol=1e-4 * max(1.0, float(y.abs().max())))
                eager = time_ms(lambda: reference_model(x))
            library.release()
            failures += not matches
            timed.append((model, batch, ours))
            print(f"| {model} | {batch} | {ours:.3f}{'' if matches else ' (WRONG)'} | "
                  f"{eager:.3f} | {eager / ours:.2f} |")
        reference_model.cpu()

    if not args.no_compile:
        print(f"\n| model | batch | torch.compile {args.compile_mode} (ms) | "
              "compile / ours | compile time (s) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        started = time.time()
        for model, batch, ours in timed:
            if time.time() - started > args.compile_budget:
                print(f"| {model} | {batch} | skipped: --compile-budget "
                      f"{args.compile_budget} s spent | | |")
                continue
            reference_model = reference(model, args.seed).cuda()
            size = INPUT.get(model, 224)
            x = torch.randn(batch, 3, size, size, device="cuda")
            start = time.time()
            with torch.no_grad():
                fast = torch.compile(reference_model, mode=args.compile_mode)
                compiled = time_ms(lambda: fast(x))
            print(f"| {model} | {batch} | {compiled:.3f} | {compiled / ours:.2f} | "
                  f"{time.time() - start:.0f} |")
            reference_model.cpu()
    print(f"\n{failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
