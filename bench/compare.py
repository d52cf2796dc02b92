"""Inception compiler vs ONNX Runtime vs PyTorch, on the same inputs:

    bench/compare [--models googlenet,inception_v3] [--batches 1,8]
                  [--threads 1,2] [--runs 10] [--rounds 3] [--weights-at-load]
                  [--halide hand,Mullapudi2016,...] [--auto]

Prepares everything itself: builds the project if needed (tools/build.sh),
installs onnxruntime-node@1.30.0 into bench/.node (npm, no install
scripts), builds torchvision's googlenet and inception_v3 with seeded
weights (test/e2e/compare_with_pytorch.py's initialization), and writes
them to safetensors for inceptionc (-O3) and to ONNX for ONNX Runtime.
Then, per model, batch and thread count, it runs the three engines in
turn for several rounds (interleaved, so that drift in the machine's
speed hits all of them), checks that their outputs agree within
1e-4 * max(1, max |torch|), and prints a markdown table: median latency
over all runs, the ratio to ONNX Runtime's median, GFLOP/s (two per MAC,
MACs from `inceptionc --emit=summary`) and the share of the FMA peak
that the same number of threads reaches here (measured by
inception-bench). With --weights-at-load, our model is also compiled with
inceptionc --weights-at-load and run with the same safetensors file loaded
as its weight set (`inception-at-load` rows), in the same rounds.
With --halide, the model is also compiled through the Halide back half
with each scheduler listed (`halide-<scheduler>` rows); with --auto,
with --backend=auto for each thread count (`auto` rows), its plan kept
in bench/.work/<model>_b<batch>_t<threads>.plan (an existing plan is
followed, not timed again: delete it to time afresh).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))

import compare_with_pytorch  # noqa: E402  (the seeded reference weights)
import safetensors_io  # noqa: E402

ORT_VERSION = "1.30.0"


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def prepare_tools(build):
    if not shutil.which("node") or not shutil.which("npm"):
        print("installing Node.js and npm (tools/setup.sh --bench) ...", flush=True)
        subprocess.run([os.path.join(ROOT, "tools", "setup.sh"), "--bench"], check=True)
    if not all(os.path.exists(os.path.join(build, "bin", tool))
               for tool in ("inceptionc", "inception-bench")):
        print("building the project (tools/build.sh) ...", flush=True)
        subprocess.run([os.path.join(ROOT, "tools", "build.sh")], check=True)
    node_modules = os.path.join(BENCH, ".node", "node_modules", "onnxruntime-node")
    installed = os.path.join(node_modules, "package.json")
    if (not os.path.exists(installed)
            or json.load(open(installed))["version"] != ORT_VERSION):
        print(f"installing onnxruntime-node@{ORT_VERSION} into bench/.node ...", flush=True)
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--prefix", os.path.join(BENCH, ".node"),
                        f"onnxruntime-node@{ORT_VERSION}"], check=True)


def prepare_model(name, batch, work, inceptionc, at_load):
    """The PyTorch model, its ONNX file, our compiled library, its MACs,
    its input shape, and with `at_load` the library compiled with
    --weights-at-load and the weights file it runs with."""
    model = compare_with_pytorch.reference(name, seed=0)
    weights = os.path.join(work, f"{name}.safetensors")
    if not os.path.exists(weights):
        safetensors_io.save(model.state_dict(), weights)
    source = os.path.join(ROOT, "models", f"{name}.inception")
    summary = run([inceptionc, source, "--weights", weights, "--batch", str(batch),
                   "--emit=summary"]).stdout
    macs = int(re.search(r"^macs: (\d+)$", summary, re.M).group(1))
    shape = tuple(int(extent) for extent in re.search(
        r"^input \w+: f32\[([0-9, ]+)\]$", summary, re.M).group(1).split(","))
    onnx_path = os.path.join(work, f"{name}_b{batch}.onnx")
    if not os.path.exists(onnx_path):
        with torch.no_grad():
            torch.onnx.export(model, torch.zeros(shape), onnx_path, opset_version=13,
                              input_names=["image"], output_names=["logits"])
    library = os.path.join(work, f"{name}_b{batch}", f"lib{name}.so")
    os.makedirs(os.path.dirname(library), exist_ok=True)
    run([inceptionc, source, "--weights", weights, "--batch", str(batch), "-O3",
         "--emit=so", "-o", library])
    at_load_library = None
    if at_load:
        at_load_library = os.path.join(work, f"{name}_b{batch}_at_load", f"lib{name}.so")
        os.makedirs(os.path.dirname(at_load_library), exist_ok=True)
        run([inceptionc, source, "--weights-at-load", "--batch", str(batch), "-O3",
             "--emit=so", "-o", at_load_library])
    return model, onnx_path, library, macs, shape, (at_load_library, weights)


def prepare_variant(name, batch, work, inceptionc, tag, options):
    """Our library compiled with extra inceptionc `options`, in its own
    folder under `work` named by `tag`."""
    weights = os.path.join(work, f"{name}.safetensors")
    source = os.path.join(ROOT, "models", f"{name}.inception")
    library = os.path.join(work, f"{name}_b{batch}_{tag}", f"lib{name}.so")
    os.makedirs(os.path.dirname(library), exist_ok=True)
    run([inceptionc, source, "--weights", weights, "--batch", str(batch), "-O3",
         "--emit=so", "-o", library] + options)
    return library


def model_names(models):
    """The --models argument's names: comma-separated, or 'all', every model
    of models/."""
    if models != "all":
        return models.split(",")
    return sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(ROOT, "models"))
                  if f.endswith(".inception"))


def bench_numbers(stdout):
    """inception-bench's closing `json: {...}` line."""
    return json.loads(stdout.split("json: ", 1)[1])


def time_ours(bench, library, x_path, threads, runs, macs, out_path, weights=None):
    result = run([bench, library, "--input", x_path, "--runs", str(runs), "--warmup", "2",
                  "--threads", str(threads), "--macs", str(macs), "--output", out_path]
                 + (["--weights", weights] if weights else []))
    return bench_numbers(result.stdout)


def time_ort(onnx_path, bin_path, shape, threads, runs, out_path):
    result = run(["node", os.path.join(BENCH, "ort_bench.js"), onnx_path, bin_path,
                  ",".join(map(str, shape)), str(threads), str(runs), "2", out_path])
    return json.loads(result.stdout)["times_ms"]


def time_torch(model, x, threads, runs):
    torch.set_num_threads(threads)
    times = []
    with torch.no_grad():
        tensor = torch.from_numpy(x)
        for r in range(runs + 2):
            start = time.perf_counter()
            y = model(tensor)
            if r >= 2:
                times.append((time.perf_counter() - start) * 1e3)
    return times, y.numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="googlenet,inception_v3",
                        help="comma-separated, or 'all': every model of models/")
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--weights-at-load", action="store_true",
                        help="also time our library compiled with --weights-at-load")
    parser.add_argument("--halide", default="",
                        help="also time the Halide back half with these schedulers "
                             "(comma-separated: hand, Adams2019, Li2018, Mullapudi2016)")
    parser.add_argument("--auto", action="store_true",
                        help="also time --backend=auto (per layer the faster back half)")
    parser.add_argument("--build", default=os.environ.get("INCEPTION_BUILD_DIR",
                                                          os.path.join(ROOT, "build")))
    args = parser.parse_args()
    schedulers = [s for s in args.halide.split(",") if s]
    if args.runs < 1 or args.rounds < 1:
        sys.exit("compare: --runs and --rounds must be positive")

    prepare_tools(args.build)
    inceptionc = os.path.join(args.build, "bin", "inceptionc")
    bench = os.path.join(args.build, "bin", "inception-bench")
    work = os.path.join(BENCH, ".work")
    os.makedirs(work, exist_ok=True)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "unknown CPU")

    rows = []
    ok = True
    for name in model_names(args.models):
        for batch in map(int, args.batches.split(",")):
            model, onnx_path, library, macs, shape, (at_load, weights) = prepare_model(
                name, batch, work, inceptionc, args.weights_at_load)
            x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
            x_path = os.path.join(work, f"x_{name}_b{batch}.npy")
            bin_path = os.path.join(work, f"x_{name}_b{batch}.bin")
            np.save(x_path, x)
            x.tofile(bin_path)
            halide_libraries = [
                (f"halide-{s}", prepare_variant(name, batch, work, inceptionc, f"halide_{s}",
                                                ["--backend=halide",
                                                 f"--halide-scheduler={s}"]))
                for s in schedulers]
            for threads in map(int, args.threads.split(",")):
                ours, ort_times, torch_times, peak = [], [], [], 0.0
                ours_min = float("inf")
                loaded, loaded_min = [], float("inf")
                variants = list(halide_libraries)
                if args.auto:
                    plan = os.path.join(work, f"{name}_b{batch}_t{threads}.plan")
                    variants.append(("auto", prepare_variant(
                        name, batch, work, inceptionc, f"auto_t{threads}",
                        ["--backend=auto", f"--backend-plan={plan}",
                         f"--threads={threads}"])))
                variant_times = {engine: ([], float("inf")) for engine, _ in variants}
                loaded_out = os.path.join(work, "ours_at_load.npy")
                ours_out = os.path.join(work, "ours.npy")
                ort_out = os.path.join(work, "ort.bin")
                for _ in range(args.rounds):
                    numbers = time_ours(bench, library, x_path, threads, args.runs, macs,
                                        ours_out)
                    ours.append(numbers["median_ms"])
                    ours_min = min(ours_min, numbers["min_ms"])
                    peak = numbers["peak_gflops"]
                    if at_load:
                        numbers = time_ours(bench, at_load, x_path, threads, args.runs,
                                            macs, loaded_out, weights)
                        loaded.append(numbers["median_ms"])
                        loaded_min = min(loaded_min, numbers["min_ms"])
                    for engine, variant in variants:
                        out = os.path.join(work, f"ours_{engine}.npy")
                        numbers = time_ours(bench, variant, x_path, threads, args.runs,
                                            macs, out)
                        medians, best = variant_times[engine]
                        medians.append(numbers["median_ms"])
                        variant_times[engine] = (medians, min(best, numbers["min_ms"]))
                    ort_times += time_ort(onnx_path, bin_path, x.shape, threads, args.runs,
                                          ort_out)
                    times, expected = time_torch(model, x, threads, args.runs)
                    torch_times += times
                y_ours = np.load(ours_out)
                y_ort = np.fromfile(ort_out, np.float32).reshape(expected.shape)
                tolerance = 1e-4 * max(1.0, float(np.abs(expected).max()))
                diffs = {"ours": float(np.abs(y_ours - expected).max()),
                         "ort": float(np.abs(y_ort - expected).max())}
                if at_load:
                    diffs["at_load"] = float(np.abs(np.load(loaded_out) - expected).max())
                for engine, _ in variants:
                    diffs[engine] = float(np.abs(
                        np.load(os.path.join(work, f"ours_{engine}.npy")) - expected).max())
                agree = all(d <= tolerance for d in diffs.values())
                ok &= agree
                ort_median = float(np.median(ort_times))
                engines = [("inception", float(np.median(ours)), ours_min)]
                if at_load:
                    engines.append(("inception-at-load", float(np.median(loaded)),
                                    loaded_min))
                for engine, _ in variants:
                    medians, best = variant_times[engine]
                    engines.append((engine, float(np.median(medians)), best))
                engines += [("onnxruntime", ort_median, min(ort_times)),
                            ("pytorch", float(np.median(torch_times)), min(torch_times))]
                for engine, median, best in engines:
                    gflops = 2.0 * macs / (median * 1e-3) / 1e9
                    rows.append((name, batch, threads, engine, median, best,
                                 median / ort_median, gflops, 100 * gflops / peak))
                print(f"{name} batch {batch}, {threads} thread(s): outputs "
                      + ("agree" if agree else "DISAGREE")
                      + " (max |engine - torch|: "
                      + ", ".join(f"{engine} {d:.2g}" for engine, d in diffs.items())
                      + f"; tolerance {tolerance:.2g})", flush=True)

    print()
    print(f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores; "
          f"onnxruntime-node {ORT_VERSION}, PyTorch {torch.__version__}; "
          f"{args.rounds} rounds of {args.runs} runs per engine, interleaved")
    print()
    print("| model | batch | threads | engine | median ms | min ms | vs ORT | GFLOP/s | % of peak |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, batch, threads, engine, median, best, ratio, gflops, share in rows:
        print(f"| {name} | {batch} | {threads} | {engine} | {median:.1f} | {best:.1f} | "
              f"{ratio:.2f}x | {gflops:.1f} | {share:.0f}% |")
    if not ok:
        sys.exit("compare: the engines' outputs disagree")


if __name__ == "__main__":
    main()
