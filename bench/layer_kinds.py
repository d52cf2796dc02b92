"""Where a model's time goes, by layer kind, and how close each kind runs
to its own limit:

    bench/layer_kinds [--models googlenet,xception] [--threads 1,2]
                      [--runs 5] [--rounds 3] [--halide [SCHEDULER]]

Per model, compiles the -O3 library with --profile (the same seeded
weights as bench/compare), reads each layer's kind, output shape and
multiply-adds from `inceptionc --emit=graph`, and times each layer with
`inception-bench --trace` (per round, the layer's time in one traced run;
the median over rounds). Layers group into kinds by what decides their
speed: the convolution's kernel and stride (3x3 stride-1 layers with at
least 16 4x4 output tiles run by Winograd), depthwise, pooling, LRN,
dense, and the rest. Prints a markdown table per model and thread count:
each kind's layers, milliseconds, share of the run, GFLOP/s (two per
multiply-add; a Winograd layer's are the direct convolution's, so it can
pass 100%), bytes moved per second (estimated: twice the output, a dense
layer's weights), and the efficiency against the kind's limit: the FMA
peak that the same threads reach here (inception-bench) for convolutions,
this machine's copy bandwidth (numpy, one thread, 64 MiB arrays, bytes
read plus written) for depthwise convolutions, pooling, LRN, dense layers
and copies. With --halide, the model is also compiled through the Halide
back half (the hand schedules, or SCHEDULER) and a second table per model
and thread count puts both back halves side by side per kind: which one
wins where, the question `inceptionc --backend=auto` answers per layer.
"""

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import compare  # noqa: E402  (seeded weights, tool preparation)

LABEL = re.compile(r'label="([^"\\]+)\\n([^"\\]+)\\n\[([0-9, ]+)\](?:\\n([0-9.]+)([KMG]?) MACs)?"')
SCALE = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}


def layers_of(inceptionc, source, weights):
    """name -> (kind, output elements, MACs) from the -O3 graph."""
    graph = compare.run([inceptionc, source, "--weights", weights, "-O3",
                         "--emit=graph"]).stdout
    layers = {}
    for name, op, shape, macs, unit in LABEL.findall(graph):
        dims = [int(d) for d in shape.split(",")]
        elements = int(np.prod(dims))
        count = float(macs) * SCALE[unit] if macs else 0.0
        layers[name] = (kind_of(op, dims), elements, count)
    return layers


def kind_of(op, dims):
    """The layer kind that decides its speed, from the graph's label."""
    conv = re.match(r"conv2d (\d+)x(\d+)(?:/(\d+))?( groups \d+)?", op)
    if conv:
        kh, kw, stride, groups = conv.groups()
        stride = int(stride or 1)
        if groups:
            return f"depthwise {kh}x{kw}" + (f"/{stride}" if stride > 1 else "")
        kernel = f"{kh}x{kw}" + (f"/{stride}" if stride > 1 else "")
        tiles = dims[0] * ((dims[2] + 3) // 4) * ((dims[3] + 3) // 4)
        if kernel == "3x3" and tiles >= 16:
            return "conv 3x3 (Winograd)"
        if kernel in ("1x7", "7x1", "1x3", "3x1"):
            return "conv 1xN / Nx1"
        return f"conv {kernel}"
    head = op.split(" ")[0]
    return {"max_pool2d": "max pool", "avg_pool2d": "average pool",
            "global_avg_pool2d": "global average pool", "lrn": "LRN",
            "dense": "dense", "concat": "concat (copies)", "flatten": "flatten (copy)",
            "relu": "elementwise",
            "add": "elementwise", "scale": "elementwise"}.get(head, "other: " + head)


def copy_bandwidth():
    """Bytes read plus written per second by one thread copying 64 MiB."""
    src = np.ones(16 << 20, dtype=np.float32)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - start)
    return 2 * src.nbytes / best


def trace_times(bench, library, threads, runs, rounds, work):
    """name -> median over rounds of the layer's time in one run (ms), the
    run's median time (ms) and the FMA peak (GFLOP/s) at `threads`."""
    per_layer = collections.defaultdict(list)
    totals, peak = [], 0.0
    trace = os.path.join(work, "trace.json")
    for _ in range(rounds):
        out = compare.run([bench, library, "--random-input=1", "--runs", str(runs),
                           "--threads", str(threads), "--macs", "1",
                           "--trace", trace]).stdout
        numbers = compare.bench_numbers(out)
        totals.append(numbers["median_ms"])
        peak = max(peak, numbers["peak_gflops"])
        sums = collections.defaultdict(float)
        for event in json.load(open(trace))["traceEvents"]:
            if event.get("ph") == "X":
                sums[event["name"]] += event["dur"] / 1000.0
        for name, ms in sums.items():
            per_layer[name].append(ms)
    return ({name: statistics.median(v) for name, v in per_layer.items()},
            statistics.median(totals), peak)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="googlenet,xception")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=5, help="runs per traced round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--halide", nargs="?", const="hand", default=None,
                        metavar="SCHEDULER",
                        help="also time the Halide back half (hand schedules, or this "
                             "autoscheduler) and compare the two per kind")
    parser.add_argument("--build", default=os.environ.get("INCEPTION_BUILD_DIR",
                                                          os.path.join(ROOT, "build")))
    args = parser.parse_args()
    inceptionc = os.path.join(args.build, "bin", "inceptionc")
    bench = os.path.join(args.build, "bin", "inception-bench")
    for tool in (inceptionc, bench):
        if not os.path.exists(tool):
            sys.exit(f"layer_kinds: {tool} is missing; build first (tools/build.sh)")
    bandwidth = copy_bandwidth()
    print(f"copy bandwidth (numpy, 1 thread): {bandwidth / 1e9:.1f} GB/s\n")
    with tempfile.TemporaryDirectory() as work:
        for name in compare.model_names(args.models):
            model = compare.compare_with_pytorch.reference(name, seed=0)
            weights = os.path.join(work, f"{name}.safetensors")
            compare.safetensors_io.save(model.state_dict(), weights)
            source = os.path.join(ROOT, "models", f"{name}.inception")
            library = os.path.join(work, f"lib{name}.so")
            compare.run([inceptionc, source, "--weights", weights, "-O3", "--profile",
                         "-o", library])
            layers = layers_of(inceptionc, source, weights)
            halide_library = None
            if args.halide:
                halide_library = os.path.join(work, f"lib{name}_halide.so")
                compare.run([inceptionc, source, "--weights", weights, "-O3", "--profile",
                             "--backend=halide", f"--halide-scheduler={args.halide}",
                             "-o", halide_library])
            for threads in (int(t) for t in args.threads.split(",")):
                times, total, peak = trace_times(bench, library, threads, args.runs,
                                                 args.rounds, work)
                print_table(name, threads, layers, times, total, peak, bandwidth)
                if halide_library:
                    halide_times, halide_total, _ = trace_times(
                        bench, halide_library, threads, args.runs, args.rounds, work)
                    print_backend_table(name, threads, layers, times, total,
                                        halide_times, halide_total, args.halide)
            os.remove(library)
            if halide_library:
                os.remove(halide_library)
            os.remove(weights)


# Kinds whose limit is memory, not multiply-adds: their bytes are taken as
# twice their output (each reads about what it writes; a strided pooling
# reads more, so its share of the bandwidth is a lower bound), a dense
# layer's as its weights (4 bytes per multiply-add at batch 1).
def limit_of(kind):
    """FMA for the convolutions that reuse each input many times, memory
    for the rest."""
    if kind.startswith("conv"):
        return "FMA"
    return "memory"


def print_table(name, threads, layers, times, total, peak, bandwidth):
    kinds = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for layer, ms in times.items():
        kind, elements, macs = layers.get(layer, ("other: " + layer, 0, 0.0))
        entry = kinds[kind]
        entry[0] += 1
        entry[1] += ms
        entry[2] += macs
        entry[3] += 4.0 * macs if kind == "dense" else 2 * 4.0 * elements
    traced = sum(entry[1] for entry in kinds.values())
    print(f"#### {name}, batch 1, {threads} thread(s): {total:.1f} ms a run (median), "
          f"{traced:.1f} ms in traced layers; FMA peak {peak:.0f} GFLOP/s, "
          f"copy bandwidth {bandwidth / 1e9:.0f} GB/s\n")
    print("| kind | layers | ms | share | GFLOP/s | GB/s | limit | % of limit |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for kind, (count, ms, macs, moved) in sorted(kinds.items(), key=lambda k: -k[1][1]):
        seconds = ms / 1000.0
        gflops = 2 * macs / seconds / 1e9
        rate = moved / seconds
        limit = limit_of(kind)
        share = 100 * (gflops * 1e9 / (peak * 1e9) if limit == "FMA" else rate / bandwidth)
        flops = f"{gflops:.0f}" if macs else ""
        print(f"| {kind} | {count} | {ms:.2f} | {100 * ms / traced:.1f}% | {flops} | "
              f"{rate / 1e9:.1f} | {limit} | {share:.0f}% |")
    print()


def print_backend_table(name, threads, layers, cpu, cpu_total, halide, halide_total,
                        scheduler):
    """Per kind, the CPU and Halide back halves' milliseconds, and in how
    many of the kind's layers each is the faster one."""
    kinds = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
    for layer, ms in cpu.items():
        if layer not in halide:
            continue
        kind = layers.get(layer, ("other: " + layer, 0, 0.0))[0]
        entry = kinds[kind]
        entry[0] += 1
        entry[1] += ms
        entry[2] += halide[layer]
        entry[3] += halide[layer] < ms
    print(f"#### {name}, batch 1, {threads} thread(s): CPU back half {cpu_total:.1f} ms, "
          f"Halide ({scheduler}) {halide_total:.1f} ms a run (medians)\n")
    print("| kind | layers | CPU ms | Halide ms | Halide / CPU | layers Halide wins |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, (count, cpu_ms, halide_ms, wins) in sorted(kinds.items(),
                                                         key=lambda k: -k[1][1]):
        print(f"| {kind} | {count} | {cpu_ms:.2f} | {halide_ms:.2f} | "
              f"{halide_ms / cpu_ms if cpu_ms else float('inf'):.2f}x | {wins} |")
    print()


if __name__ == "__main__":
    main()
