"""Writes a --backend-plan that alternates the back halves layer by layer
(cpu, halide, cpu, ...) in the order a profiled run of the model meets its
layers, so that every Halide layer sits between CPU layers and each kind of
boundary converts between the layouts:

    alternating_plan.py MODEL --inceptionc build/bin/inceptionc \\
        --bench build/bin/inception-bench -o MODEL_alternating.plan

Then `compare_with_pytorch.py MODEL --backend-plan MODEL_alternating.plan`
checks --backend=auto's mixed library against PyTorch (docs/halide.md).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a model of models/, by name")
    parser.add_argument("--inceptionc", required=True)
    parser.add_argument("--bench", required=True, help="inception-bench")
    parser.add_argument("-o", "--output", required=True, help="the plan to write")
    args = parser.parse_args()
    source = os.path.join(ROOT, "models", args.model + ".inception")
    if not os.path.exists(source):
        sys.exit(f"alternating_plan.py: no model {source}")
    with tempfile.TemporaryDirectory() as work:
        library = os.path.join(work, f"lib{args.model}.so")
        trace = os.path.join(work, "trace.json")
        subprocess.run([args.inceptionc, source, "-O3", "--profile", "--random-weights=1",
                        "-o", library], check=True)
        subprocess.run([args.bench, library, "--random-input=1", "--runs", "1",
                        "--warmup", "0", "--threads", "1", "--trace", trace],
                       check=True, stdout=subprocess.DEVNULL)
        with open(trace) as f:
            events = json.load(f)
    if isinstance(events, dict):
        events = events["traceEvents"]
    layers = []
    for event in events:
        if event.get("ph") == "X" and event["name"] not in layers:
            layers.append(event["name"])
    with open(args.output, "w") as f:
        f.write(f"# {args.model} with every other layer through Halide "
                f"(test/e2e/alternating_plan.py)\n")
        for i, layer in enumerate(layers):
            f.write(f"{layer} {'halide' if i % 2 else 'cpu'}\n")
    print(f"{args.output}: {len(layers)} layers, {len(layers) // 2} through Halide")


if __name__ == "__main__":
    main()
