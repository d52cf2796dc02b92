"""Runs ONNX's own backend node tests (Debian's libonnx-testdata) through
the importer, the compiler and the runtime:

    python3 run_node_tests.py --tools DIR --workdir DIR
        [--data /usr/share/libonnx-testdata/data/node] [--jobs N]
        [--only PATTERN]

A test is selected when every node of its graph has one of the op types
the importer supports (the list below, issue 17's); tests of other ops are
not counted. For each: the graph inputs after the first are bound as
initializers from the test's `input_*.pb` (a compiled library takes one
input), `inceptionc` compiles the file, the library runs on `input_0.pb`
through the Python package, and every element of `output_0.pb` must match:
|ours - expected| <= 1e-5 * max(1, |expected|).

A test the importer rejects passes as *skipped* only when it is listed in
EXPECTED_REJECTIONS with the reason, and only when inceptionc rejects it
with an error message and status 1 (never a crash). A rejection not listed,
a listed test that compiles, or a wrong output is a failure. Prints each
test's result and `N passed, N failed, N skipped`; exit status 1 on any
failure.
"""

import argparse
import concurrent.futures
import fnmatch
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import inception  # noqa: E402

SUPPORTED_OPS = {
    "Conv", "BatchNormalization", "Relu", "Clip", "MaxPool", "AveragePool",
    "GlobalAveragePool", "LRN", "Concat", "Add", "Sum", "Mul", "Gemm",
    "MatMul", "Flatten", "Reshape", "Softmax", "Dropout", "Identity",
    "Constant", "Pad",
}

_CONSTANT_OPERAND = ("the harness binds the inputs after the first as "
                     "initializers, and the model language multiplies a "
                     "tensor only by a scalar")
_BROADCAST = "broadcasting: the language's add takes tensors of one shape"
_INTEGER = "integer tensors: the compiler computes in f32"
_RESHAPE = ("a reshape other than flattening all but the first extent (the "
            "language's only reshaping op is flatten)")
_FLATTEN = ("flatten at another axis than 1 (the language's flatten is "
            "torch.flatten(x, 1))")
_POOL_PAD = ("padding more than half the window: the language keeps "
             "PyTorch's limit")
_TRAINING = "training mode (batch statistics, dropping at random)"
_TRAINING_OUTPUT = "reads an output that only training uses (mask, indices)"

# Test -> why the importer rejects it (checked: it must be an error).
EXPECTED_REJECTIONS = {
    "test_add_bcast": _BROADCAST,
    "test_add_uint8": _INTEGER,
    "test_mul": _CONSTANT_OPERAND,
    "test_mul_bcast": _BROADCAST,
    "test_mul_example": _CONSTANT_OPERAND,
    "test_mul_uint8": _INTEGER,
    "test_averagepool_1d_default": "1-D pooling: the language pools 2-D "
                                   "feature maps",
    "test_maxpool_1d_default": "1-D pooling: the language pools 2-D "
                               "feature maps",
    "test_averagepool_3d_default": "3-D pooling: the language pools 2-D "
                                   "feature maps",
    "test_maxpool_3d_default": "3-D pooling: the language pools 2-D "
                               "feature maps",
    "test_averagepool_2d_pads": _POOL_PAD,
    "test_averagepool_2d_pads_count_include_pad": _POOL_PAD,
    "test_maxpool_2d_pads": _POOL_PAD,
    "test_maxpool_2d_dilations": "dilated pooling has no op in the language",
    "test_maxpool_2d_uint8": _INTEGER,
    "test_maxpool_with_argmax_2d_precomputed_pads": _TRAINING_OUTPUT,
    "test_maxpool_with_argmax_2d_precomputed_strides": _TRAINING_OUTPUT,
    "test_batchnorm_epsilon_training_mode": _TRAINING,
    "test_batchnorm_example_training_mode": _TRAINING,
    "test_dropout_default_mask": _TRAINING_OUTPUT,
    "test_dropout_default_mask_ratio": _TRAINING_OUTPUT,
    "test_training_dropout": _TRAINING,
    "test_training_dropout_default": _TRAINING,
    "test_training_dropout_default_mask": _TRAINING_OUTPUT,
    "test_training_dropout_mask": _TRAINING_OUTPUT,
    "test_training_dropout_zero_ratio_mask": _TRAINING_OUTPUT,
    "test_identity_opt": "optional-typed values",
    "test_identity_sequence": "sequence-typed values",
    "test_clip_default_int8_inbounds": _INTEGER,
    "test_clip_default_int8_max": _INTEGER,
    "test_clip_default_int8_min": _INTEGER,
    "test_constant": "no input: a compiled library computes from one",
    "test_constant_pad": "padding with a value other than zero",
    "test_edge_pad": _INTEGER + " (and edge padding)",
    "test_reflect_pad": _INTEGER + " (and reflect padding)",
    **{f"test_flatten_{case}": _FLATTEN for case in (
        "axis0", "axis2", "axis3", "negative_axis1", "negative_axis2",
        "negative_axis4")},
    "test_gemm_all_attributes": "transA = 1: the activations transposed",
    "test_gemm_transposeA": "transA = 1: the activations transposed",
    "test_gemm_default_matrix_bias": "a bias that differs per row of the "
                                     "batch",
    "test_matmul_3d": "batched (3-D) MatMul",
    "test_matmul_4d": "batched (4-D) MatMul",
    "test_reshape_allowzero_reordered": "an empty tensor (an extent of 0)",
    **{f"test_reshape_{case}": _RESHAPE for case in (
        "extended_dims", "negative_dim", "negative_extended_dims", "one_dim",
        "reordered_all_dims", "reordered_last_dims", "zero_and_negative_dim",
        "zero_dim")},
}


def load_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def selected(directory):
    model = onnx.load(os.path.join(directory, "model.onnx"))
    return all(node.op_type in SUPPORTED_OPS and node.domain in ("", "ai.onnx")
               for node in model.graph.node)


def prepare(directory, workdir):
    """The test's model with inputs 1.. bound as initializers, and the
    runtime input and expected output."""
    model = onnx.load(os.path.join(directory, "model.onnx"))
    data = os.path.join(directory, "test_data_set_0")
    initialized = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initialized]
    for index, info in enumerate(inputs[1:], start=1):
        if not info.type.HasField("tensor_type"):
            continue  # the importer rejects the graph's non-tensor input
        value = load_tensor(os.path.join(data, f"input_{index}.pb"))
        model.graph.initializer.append(numpy_helper.from_array(value, info.name))
        model.graph.input.remove(info)
    name = os.path.basename(directory)
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    return path, lambda: (load_tensor(os.path.join(data, "input_0.pb")),
                          load_tensor(os.path.join(data, "output_0.pb")))


def run_test(directory, args):
    name = os.path.basename(directory)
    path, test_data = prepare(directory, args.workdir)
    library = os.path.join(args.workdir, name + ".so")
    result = subprocess.run([os.path.join(args.tools, "inceptionc"), path,
                             "-o", library], capture_output=True, text=True)
    message = (result.stdout + result.stderr).strip()
    reason = EXPECTED_REJECTIONS.get(name)
    if result.returncode != 0:
        if reason is None:
            return "FAIL", f"rejected: {message}"
        if result.returncode != 1 or "error:" not in message:
            return "FAIL", f"rejected without a clear error (status " \
                           f"{result.returncode}): {message}"
        return "SKIP", reason
    if reason is not None:
        os.remove(library)
        return "FAIL", f"listed as rejected ({reason}) but compiles"
    x, expected = test_data()
    try:
        y = inception.Model(library).run(np.ascontiguousarray(x, np.float32))
    except inception.InceptionError as error:
        return "FAIL", f"run: {error}"
    finally:
        os.remove(library)
    if y.shape != expected.shape:
        return "FAIL", f"output shape {y.shape}, expected {expected.shape}"
    error = np.abs(y - expected) / np.maximum(1.0, np.abs(expected))
    worst = float(error.max()) if error.size else 0.0
    if not np.isfinite(y).all() or worst > 1e-5:
        return "FAIL", f"max relative error {worst:.3g} > 1e-5"
    return "PASS", f"max relative error {worst:.3g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--data",
                        default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default="*")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    tests = [d for d in sorted(glob.glob(os.path.join(args.data, "test_*")))
             if fnmatch.fnmatch(os.path.basename(d), args.only)
             and selected(d)]
    if not tests:
        sys.exit(f"no node tests of the supported ops under {args.data}")
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = pool.map(lambda d: run_test(d, args), tests)
        for directory, (status, detail) in zip(tests, results):
            counts[status] += 1
            print(f"{status} {os.path.basename(directory)}: {detail}",
                  flush=True)
    print(f"{counts['PASS']} passed, {counts['FAIL']} failed, "
          f"{counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
