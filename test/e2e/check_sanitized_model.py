"""Runs a model compiled by the sanitizer build (its microkernels, OpenMP
runtime and weight loading built with AddressSanitizer and UBSan) through
the sanitizer build's inception-run, and checks its output against the same
model from the plain build:

    python3 check_sanitized_model.py MODEL --asan-bin DIR --plain-bin DIR
        --workdir DIR

With the weights built in on 1 and 2 threads, and bound at load from the
PyTorch reference's state_dict. The plain build's output matches PyTorch
(test/Numerics); the sanitized one must match it within
1e-5 * max(1, max |plain|). Any sanitizer report ends the run with a
non-zero status and fails the check.
"""

import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(" ".join(command))
        print(result.stdout + result.stderr)
        sys.exit(f"status {result.returncode}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--asan-bin", required=True)
    parser.add_argument("--plain-bin", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    source = os.path.join(ROOT, "models", args.model + ".inception")
    state = os.path.join(args.workdir, "state.safetensors")
    run([sys.executable, os.path.join(ROOT, "test", "lib", "export_model.py"),
         args.model, state])
    # allow_user_poisoning=0 for the compiler: LLVM's allocators poison
    # their slabs where their inline code is instrumented (ours) but not
    # where it is not (Debian's libMLIR), a mix ASan reports falsely.
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    compiler_env = dict(env, ASAN_OPTIONS=env["ASAN_OPTIONS"]
                        + ":allow_user_poisoning=0")
    ok = True
    for mode, compile_args, run_args in (
            ("built-in weights", ["--weights", state], []),
            ("weights at load", ["--weights-at-load"], ["--weights", state])):
        outputs = {}
        for build, directory in (("plain", args.plain_bin),
                                 ("sanitized", args.asan_bin)):
            library = os.path.join(args.workdir, f"{build}.so")
            run([os.path.join(directory, "inceptionc"), source, *compile_args,
                 "-o", library], compiler_env)
            for threads in (1, 2):
                out = os.path.join(args.workdir, f"{build}-{threads}.npy")
                run([os.path.join(directory, "inception-run"), library,
                     *run_args, "--random-input=1", "--threads", str(threads),
                     "--output", out], env)
                outputs[build, threads] = np.load(out)
            os.remove(library)
        for threads in (1, 2):
            plain, sanitized = outputs["plain", threads], outputs["sanitized", threads]
            difference = float(np.abs(plain - sanitized).max())
            tolerance = 1e-5 * max(1.0, float(np.abs(plain).max()))
            passed = difference <= tolerance
            ok &= passed
            print(f"{args.model}, {mode}, {threads} thread(s): max |sanitized - "
                  f"plain| = {difference:.3g}, tolerance {tolerance:.3g}: "
                  + ("ok" if passed else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
