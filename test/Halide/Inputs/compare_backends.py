"""Compiles each model with the CPU back half and with --backend=halide
under each scheduler listed (same random weights), runs them all on the
same random input, and prints per model whether each Halide library
computes what the CPU one does, within 1e-4 * max(1, max |cpu|):

    compare_backends.py [--halide-options=OPTS] INCEPTIONC INCEPTION_RUN WORKDIR
                        SCHEDULER,... MODEL...

One line per model: `name [shape]: hand SAME (max |halide - cpu|), ...`.
--halide-options: more inceptionc options (space-separated) for the Halide
libraries only (--cache-sizes, to take the templates' other choices).
"""
import os
import subprocess
import sys

import numpy as np

arguments = sys.argv[1:]
halide_options = []
if arguments and arguments[0].startswith("--halide-options="):
    halide_options = arguments.pop(0).split("=", 1)[1].split()
inceptionc, run, work, schedulers = arguments[:4]
models = arguments[4:]
os.makedirs(work, exist_ok=True)


def output_of(name, source, tag, options):
    folder = os.path.join(work, f"{name}_{tag}")
    os.makedirs(folder, exist_ok=True)
    library = os.path.join(folder, f"lib{name}.so")
    subprocess.run([inceptionc, source, "--random-weights=1", "-o", library] + options,
                   check=True)
    out = os.path.join(folder, "y.npy")
    subprocess.run([run, library, "--random-input=2", "--output", out], check=True,
                   stdout=subprocess.DEVNULL)
    return np.load(out)


for source in models:
    name = os.path.splitext(os.path.basename(source))[0]
    cpu = output_of(name, source, "cpu", [])
    tolerance = 1e-4 * max(1.0, float(np.abs(cpu).max()))
    results = []
    for scheduler in schedulers.split(","):
        halide = output_of(name, source, scheduler,
                           ["--backend=halide", f"--halide-scheduler={scheduler}"]
                           + halide_options)
        difference = float(np.abs(cpu - halide).max())
        same = (cpu.shape == halide.shape and np.isfinite(halide).all()
                and difference <= tolerance)
        results.append(f"{scheduler} {'SAME' if same else 'DIFFERENT'} ({difference:.2g})")
    print(f"{name} {list(cpu.shape)}: " + ", ".join(results)
          + f"; tolerance {tolerance:.2g}")
