"""Compiles a model of models/ with the weights of its PyTorch reference and
checks that the library computes what PyTorch computes:

    python3 compare_with_pytorch.py MODEL --inceptionc PATH --workdir DIR
        [--batch N] [--seed S] [--runtime LIBINCEPTION_RUNTIME.so]
        [--external-weights] [--opt-level L | --passes LIST] [--each-pass]
        [--pass-stats] [--weights-at-load] [--keep-files]

The reference is built from a fixed seed in eval mode, then re-initialized
from that seed so that activations stay near unit scale through every
network (the frameworks' own initializations let Inception-v3's logits reach
1e13): Kaiming-normal convolution and dense weights (gain 1 for depthwise
convolutions, which feed a pointwise one with no ReLU between), small random
biases, and random batch-norm statistics, which PyTorch otherwise sets to
the identity. The
state_dict() is written to safetensors, inceptionc compiles the DSL model
with it into a shared library, and both run on the same random input.
Passes when max |ours - torch| <= 1e-4 * max(1, max |torch|). With
--runtime, the model also runs through the runtime's C API (load, context,
run), which must give the same output bit for bit.

With --each-pass, the model is also compiled without optimizations (-O0)
and with each optimization pass alone (inceptionc --passes=P); each of
those outputs, like the default -O3 one, must be within the tolerance of
PyTorch's and of the -O0 output. A graph pass that leaves the model's graph
as -O0 has it (compared with --emit=optimized) is reported as unchanged and
not compiled again; each pass's statistics are printed. With --pass-stats,
the statistics of the passes together, in the compile checked, instead:
what the largest models' tests pin, whose loop-only variants would take
minutes to run.

With --weights-at-load (and --runtime), the model is also compiled with
inceptionc --weights-at-load, a library without weights, and run through
the runtime with the same state_dict loaded as a weight set, and with a
second checkpoint (the reference from the next seed) loaded into the same
model as a second set, each in its own context. The first must match the
library with built-in weights (the largest difference is printed, with
"bit-identical" where it is 0) and PyTorch; the second must match its own
PyTorch reference and differ from the first; a run with no set must fail
with INCEPTION_ERROR_WEIGHTS.

Each library is deleted once it has run, and the weights files at the end,
unless --keep-files: a model's libraries carry its weights (up to 240 MB
each), and the tests of every model together would otherwise leave some
10 GB in the build tree, more than a CI machine's disk may have free.
"""

import argparse
import ctypes
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import reference_models  # noqa: E402
import safetensors_io  # noqa: E402

MODELS_DIR = os.path.join(HERE, "..", "..", "models")


class TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_char_p),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


class ModelInfo(ctypes.Structure):
    """inception_model_info of runtime/include/inception/model_abi.h."""
    _fields_ = [("abi_version", ctypes.c_uint32), ("compiler_version", ctypes.c_char_p),
                ("name", ctypes.c_char_p), ("num_inputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(TensorInfo)), ("num_outputs", ctypes.c_int32),
                ("outputs", ctypes.POINTER(TensorInfo)),
                ("workspace_base_size", ctypes.c_size_t),
                ("workspace_per_thread", ctypes.c_size_t),
                ("workspace_alignment", ctypes.c_size_t),
                ("workspace_size", ctypes.c_void_p), ("run", ctypes.c_void_p)]


def shape_of(info):
    return [info.shape[i] for i in range(info.rank)]


def reference(name, seed):
    torch.manual_seed(seed)
    model = reference_models.build(name).eval()
    generator = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
                depthwise = (isinstance(module, torch.nn.Conv2d)
                             and module.groups > 1
                             and module.groups == module.in_channels)
                fan_in = module.weight[0].numel()
                std = (1.0 if depthwise else 2.0) ** 0.5 / fan_in ** 0.5
                module.weight.normal_(0.0, std, generator=generator)
                if module.bias is not None:
                    module.bias.uniform_(-0.1, 0.1, generator=generator)
            elif isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2, generator=generator)
                module.running_var.uniform_(0.5, 1.5, generator=generator)
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.uniform_(-0.2, 0.2, generator=generator)
    return model


def run_through_runtime(runtime_path, library, x, output_shape):
    """Loads `library` with the runtime's C API and runs it on `x`."""
    runtime = ctypes.CDLL(runtime_path)
    handle, context = ctypes.c_void_p(), ctypes.c_void_p()
    runtime.inception_last_error.restype = ctypes.c_char_p
    if runtime.inception_model_load(library.encode(), ctypes.byref(handle)) != 0:
        sys.exit(f"inception_model_load: {runtime.inception_last_error().decode()}")
    if runtime.inception_context_create(handle, ctypes.byref(context)) != 0:
        sys.exit(f"inception_context_create: {runtime.inception_last_error().decode()}")
    y = np.zeros(output_shape, np.float32)
    status = runtime.inception_run(context, x.ctypes.data_as(ctypes.c_void_p),
                                   ctypes.c_size_t(x.size),
                                   y.ctypes.data_as(ctypes.c_void_p),
                                   ctypes.c_size_t(y.size))
    if status != 0:
        sys.exit(f"inception_run: {runtime.inception_last_error().decode()}")
    runtime.inception_context_free(context)
    runtime.inception_model_free(handle)
    return y


INCEPTION_ERROR_WEIGHTS = 9


def discard(args, *paths):
    """Deletes files and directories the check wrote, unless --keep-files.
    A library that is still loaded stays mapped after its file is gone."""
    if args.keep_files:
        return
    for path in paths:
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)


def check_weights_at_load(args, source, weights, x, embedded_size, embedded,
                          expected, tolerance):
    """The --weights-at-load library, loaded with the state_dict and with a
    second checkpoint; whether both match."""
    library = os.path.join(args.workdir, f"lib{args.model}_b{args.batch}_at_load",
                           f"lib{args.model}.so")
    os.makedirs(os.path.dirname(library), exist_ok=True)
    start = time.time()
    compiled = subprocess.run([args.inceptionc, source, "--weights-at-load",
                               "--batch", str(args.batch), "--emit=so", "-o", library],
                              capture_output=True, text=True)
    if compiled.returncode != 0:
        sys.exit(f"inceptionc --weights-at-load failed:\n{compiled.stderr}")
    compile_seconds = time.time() - start
    library_size = os.path.getsize(library)
    second_model = reference(args.model, args.seed + 1)
    second = os.path.join(args.workdir, f"{args.model}_seed{args.seed + 1}.safetensors")
    safetensors_io.save(second_model.state_dict(), second)

    runtime = ctypes.CDLL(args.runtime)
    runtime.inception_last_error.restype = ctypes.c_char_p

    def check(status, call):
        if status != 0:
            sys.exit(f"{call}: {runtime.inception_last_error().decode()}")

    handle = ctypes.c_void_p()
    check(runtime.inception_model_load(library.encode(), ctypes.byref(handle)),
          "inception_model_load")
    if runtime.inception_model_takes_weights(handle) != 1:
        sys.exit("the --weights-at-load library does not take weights")
    sets, load_ms = [], []
    for path in (weights, second):
        weight_set = ctypes.c_void_p()
        start = time.time()
        check(runtime.inception_model_load_weights(handle, path.encode(),
                                                   ctypes.byref(weight_set)),
              f"inception_model_load_weights({path})")
        load_ms.append((time.time() - start) * 1e3)
        sets.append(weight_set)

    def run(weight_set):
        context = ctypes.c_void_p()
        check(runtime.inception_context_create(handle, ctypes.byref(context)),
              "inception_context_create")
        if weight_set is not None:
            check(runtime.inception_context_set_weights(context, weight_set),
                  "inception_context_set_weights")
        y = np.zeros(embedded.shape, np.float32)
        status = runtime.inception_run(context, x.ctypes.data_as(ctypes.c_void_p),
                                       ctypes.c_size_t(x.size),
                                       y.ctypes.data_as(ctypes.c_void_p),
                                       ctypes.c_size_t(y.size))
        runtime.inception_context_free(context)
        return status, y

    status, _ = run(None)
    if status != INCEPTION_ERROR_WEIGHTS:
        sys.exit(f"a run with no weight set returned {status}, not "
                 f"INCEPTION_ERROR_WEIGHTS")
    first_status, first = run(sets[0])
    second_status, second_y = run(sets[1])
    check(first_status, "inception_run (first set)")
    check(second_status, "inception_run (second set)")
    for weight_set in sets:
        runtime.inception_weights_free(weight_set)
    runtime.inception_model_free(handle)
    discard(args, os.path.dirname(library), second)

    with torch.no_grad():
        second_expected = second_model(torch.from_numpy(x)).numpy()
    to_embedded = float(np.abs(first - embedded).max())
    to_torch = float(np.abs(first - expected).max())
    second_tolerance = 1e-4 * max(1.0, float(np.abs(second_expected).max()))
    second_to_torch = float(np.abs(second_y - second_expected).max())
    between = float(np.abs(second_y - first).max())
    print(f"weights at load: compile {compile_seconds:.1f} s, library "
          f"{library_size / 1e6:.2f} MB (built-in weights: "
          f"{embedded_size / 1e6:.1f} MB), load and prepare "
          f"{load_ms[0]:.0f} ms")
    print(f"weights at load: max |at load - built in|: {to_embedded:.3g}"
          + (" (bit-identical)" if np.array_equal(first, embedded) else "")
          + f", max |at load - torch|: {to_torch:.3g}, tolerance: {tolerance:.3g}")
    print(f"second checkpoint: max |ours - torch|: {second_to_torch:.3g}, "
          f"tolerance: {second_tolerance:.3g}; max |second - first|: {between:.3g}")
    print("no weight set: INCEPTION_ERROR_WEIGHTS")
    return bool(np.isfinite(first).all() and to_torch <= tolerance
                and np.isfinite(second_y).all()
                and second_to_torch <= second_tolerance and between > 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(reference_models.MODELS))
    parser.add_argument("--inceptionc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runtime", help="libinception_runtime.so to run through too")
    parser.add_argument("--opt-level", choices=["0", "1", "2", "3"],
                        help="inceptionc -O level (default: its own, -O3)")
    parser.add_argument("--external-weights", action="store_true",
                        help="compile with the weights in a separate file")
    parser.add_argument("--passes",
                        help="inceptionc --passes list instead of the -O level's")
    parser.add_argument("--each-pass", action="store_true",
                        help="also compare -O0 and each optimization pass alone")
    parser.add_argument("--pass-stats", action="store_true",
                        help="print what each pass did in the compile checked")
    parser.add_argument("--weights-at-load", action="store_true",
                        help="also check a --weights-at-load library with this "
                             "state_dict and a second one (needs --runtime)")
    parser.add_argument("--gpu-loops-on-host", action="store_true",
                        help="compile with --backend=gpu --gpu-loops-on-host: "
                             "the GPU kernels' loop nests, run on the CPU")
    parser.add_argument("--halide-scheduler", metavar="NAME",
                        help="compile with --backend=halide and this scheduler "
                             "(hand, Adams2019, Li2018, Mullapudi2016)")
    parser.add_argument("--backend-plan", metavar="FILE",
                        help="compile with --backend=auto and this plan (read "
                             "when it exists, else timed and written)")
    parser.add_argument("--keep-files", action="store_true",
                        help="keep the libraries and weights files in --workdir")
    args = parser.parse_args()
    if args.weights_at_load and not args.runtime:
        parser.error("--weights-at-load needs --runtime")

    os.makedirs(args.workdir, exist_ok=True)
    model = reference(args.model, args.seed)
    weights = os.path.join(args.workdir, f"{args.model}.safetensors")
    safetensors_io.save(model.state_dict(), weights)

    rng = np.random.default_rng(args.seed)
    source = os.path.join(MODELS_DIR, f"{args.model}.inception")

    def compile_and_run(tag, options, keep=False):
        """Compiles with `options` and runs; (library, its size, output, info
        line, what inceptionc printed on stderr: --pass-stats's output). The
        library is deleted after the run unless `keep`."""
        library = os.path.join(args.workdir, f"lib{args.model}_b{args.batch}{tag}",
                               f"lib{args.model}.so")
        os.makedirs(os.path.dirname(library), exist_ok=True)
        start = time.time()
        compiled = subprocess.run([args.inceptionc, source, "--weights", weights,
                                   "--batch", str(args.batch), "--emit=so", "-o",
                                   library] + options, capture_output=True, text=True)
        if compiled.returncode != 0:
            sys.exit(f"inceptionc failed:\n{compiled.stderr}")
        compile_seconds = time.time() - start
        lib = ctypes.CDLL(library)
        lib.inception_model_info_v1.restype = ctypes.POINTER(ModelInfo)
        info = lib.inception_model_info_v1().contents
        input_shape, output_shape = shape_of(info.inputs[0]), shape_of(info.outputs[0])
        run = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                               ctypes.c_void_p, ctypes.c_size_t)(info.run)
        workspace_size = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.c_int)(
            info.workspace_size)(0)
        y = np.zeros(output_shape, np.float32)
        workspace = np.zeros(workspace_size + info.workspace_alignment, np.uint8)
        address = workspace.ctypes.data
        aligned = address + (-address % info.workspace_alignment)
        start = time.time()
        status = run(inputs[tuple(input_shape)].ctypes.data, y.ctypes.data, aligned,
                     workspace_size)
        run_seconds = time.time() - start
        if status != 0:
            sys.exit(f"run returned status {status}")
        size = os.path.getsize(library)
        if not keep:
            discard(args, os.path.dirname(library))
        line = (f"compile: {compile_seconds:.1f} s, library {size / 1e6:.1f} MB, "
                f"workspace {workspace_size / 1e6:.1f} MB, run {run_seconds * 1e3:.0f} ms")
        return library, size, y, line, compiled.stderr

    # One input for every variant, drawn once its shape is known.
    class Inputs(dict):
        def __missing__(self, shape):
            self[shape] = rng.standard_normal(shape).astype(np.float32)
            return self[shape]
    inputs = Inputs()

    suffix = ("_gpu_loops" if args.gpu_loops_on_host else "") + (
        f"_halide_{args.halide_scheduler}" if args.halide_scheduler else "") + (
        "_auto" if args.backend_plan else "") + (
        "_external" if args.external_weights else "") + (
        f"_O{args.opt_level}" if args.opt_level else "") + (
        "_passes" if args.passes is not None else "")
    library, library_size, y, info_line, stats = compile_and_run(
        suffix, (["--backend=gpu", "--gpu-loops-on-host"]
                 if args.gpu_loops_on_host else [])
        + ([f"--backend=auto", f"--backend-plan={args.backend_plan}"]
           if args.backend_plan else
           ["--backend=halide"] if args.halide_scheduler else [])
        + ([f"--halide-scheduler={args.halide_scheduler}"]
           if args.halide_scheduler else [])
        + (["--external-weights"] if args.external_weights else [])
        + ([f"-O{args.opt_level}"] if args.opt_level else [])
        + ([f"--passes={args.passes}"] if args.passes is not None else [])
        + (["--pass-stats"] if args.pass_stats else []), keep=True)
    if args.pass_stats:
        # What the passes did together: the tests pin these counts, so that
        # a pass that stops rewriting fails rather than passes unchanged.
        for name in OPTIMIZATION_PASSES:
            print(f"{name} statistics: {pass_statistics(name, stats)}")
    x = next(iter(inputs.values()))

    if args.runtime:
        through_runtime = run_through_runtime(args.runtime, library, x, y.shape)
        if not np.array_equal(through_runtime, y):
            sys.exit("the runtime API gives another output than the library's run")
        print("runtime API: same output")
    discard(args, os.path.dirname(library))

    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    largest = float(np.abs(expected).max())
    difference = float(np.abs(y - expected).max())
    tolerance = 1e-4 * max(1.0, largest)
    print(f"model: {args.model} batch {args.batch}"
          + (" (GPU loop nests on the host)" if args.gpu_loops_on_host else "")
          + (f" (Halide, {args.halide_scheduler} schedules)"
             if args.halide_scheduler else "")
          + (f" (per-layer plan {os.path.basename(args.backend_plan)})"
             if args.backend_plan else "")
          + (" (external weights)" if args.external_weights else "")
          + (f" -O{args.opt_level}" if args.opt_level else "")
          + (f" --passes={args.passes}" if args.passes is not None else ""))
    print(info_line)
    print(f"max |torch|: {largest:.4g}, max |ours - torch|: {difference:.3g}, "
          f"tolerance: {tolerance:.3g}")
    ok = np.isfinite(y).all() and difference <= tolerance
    if args.weights_at_load:
        ok &= check_weights_at_load(args, source, weights, x, library_size, y,
                                    expected, tolerance)

    if args.each_pass:
        ok &= check_each_pass(args, source, weights, compile_and_run, expected, y,
                              tolerance)
    discard(args, weights)
    if not ok:
        print("FAIL")
        sys.exit(1)
    print("PASS")


# The optimization passes, and those that work after the lowering to linalg
# (the graph cannot show what they do).
OPTIMIZATION_PASSES = ["strip-training-ops", "fold-batch-norm", "factorize-conv",
                       "fuse-epilogue", "fuse-branches", "inception-blocked-layout",
                       "elide-concat", "inception-microkernels"]
LOWERED_PASSES = {"inception-blocked-layout", "elide-concat", "inception-microkernels"}


def optimized_graph(args, source, weights, passes):
    """The model in the inception dialect after `passes` (weights elided),
    and what --pass-stats printed."""
    result = subprocess.run([args.inceptionc, source, "--weights", weights,
                             "--batch", str(args.batch), "--emit=optimized",
                             f"--passes={passes}", "--pass-stats"],
                            check=True, capture_output=True, text=True)
    return result.stdout, result.stderr


def pass_statistics(name, stderr):
    """The statistics `name` recorded in inceptionc's --pass-stats output,
    "stat=value" joined by spaces in the order printed; "none" if none."""
    counts = []
    for line in stderr.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0].startswith(name + "."):
            counts.append(f"{fields[0][len(name) + 1:]}={fields[1]}")
    return " ".join(counts) or "none"


def check_each_pass(args, source, weights, compile_and_run, expected, optimized,
                    tolerance):
    """-O0, each pass alone and -O3 against PyTorch and against -O0."""
    _, _, unoptimized, _, _ = compile_and_run("_O0", ["-O0"])
    unoptimized_graph, _ = optimized_graph(args, source, weights, "")
    ok = True

    def report(variant, y):
        to_torch = float(np.abs(y - expected).max())
        to_o0 = float(np.abs(y - unoptimized).max())
        good = np.isfinite(y).all() and to_torch <= tolerance and to_o0 <= tolerance
        print(f"{variant}: max |ours - torch| {to_torch:.3g}, "
              f"max |ours - O0| {to_o0:.3g}: {'ok' if good else 'MISMATCH'}")
        return good

    ok &= report("-O0", unoptimized)
    for name in OPTIMIZATION_PASSES:
        # What the pass did, alone: the tests pin these counts, so that a
        # pass that stops rewriting fails rather than passes unchanged.
        if name not in LOWERED_PASSES:
            graph, stats = optimized_graph(args, source, weights, name)
            print(f"{name} statistics: {pass_statistics(name, stats)}")
            if graph == unoptimized_graph:
                print(f"{name}: unchanged graph")
                continue
        _, _, y, _, stats = compile_and_run(f"_{name}",
                                            [f"--passes={name}", "--pass-stats"])
        if name in LOWERED_PASSES:
            print(f"{name} statistics: {pass_statistics(name, stats)}")
        ok &= report(name, y)
    ok &= report("-O3", optimized)
    return ok


if __name__ == "__main__":
    main()
