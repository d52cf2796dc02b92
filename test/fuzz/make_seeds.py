"""Writes the fuzz targets' seed corpora into test/fuzz/seeds/ (committed;
rerun after changing it):

    python3 test/fuzz/make_seeds.py

The model language's seeds are models/ and the test inputs, which
run.sh passes as they are.
"""

import os
import struct
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import safetensors_io  # noqa: E402


def path(kind, name):
    directory = os.path.join(HERE, "seeds", kind)
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, name)


def npy_bytes(array, version=1):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (
        repr(tuple(array.shape)),)
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = (struct.pack("<H", len(header)) if version == 1
              else struct.pack("<I", len(header)))
    return (b"\x93NUMPY" + bytes([version, 0]) + length + header.encode()
            + array.astype("<f4").tobytes())


def main():
    rng = np.random.default_rng(0)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    safetensors_io.save({"a": f32(2, 3), "b": f32(4)}, path("safetensors", "two.safetensors"))
    safetensors_io.save({"x": np.arange(6, dtype=np.int64).reshape(2, 3),
                         "h": np.ones(3, np.float16), "s": f32()},
                        path("safetensors", "dtypes.safetensors"),
                        metadata={"format": "pt"})
    safetensors_io.save({}, path("safetensors", "empty.safetensors"))

    # The fuzz-weights model: conv.weight [4,3,3,3], conv.bias [4],
    # fc.weight [10,36]; unused.weight is ignored.
    weights = {"conv.weight": f32(4, 3, 3, 3), "conv.bias": f32(4),
               "fc.weight": f32(10, 36)}
    safetensors_io.save(weights, path("weights", "exact.safetensors"))
    safetensors_io.save({**weights, "unused.weight": f32(2),
                         "bn.num_batches_tracked": np.zeros((), np.int64)},
                        path("weights", "ignored.safetensors"))
    safetensors_io.save({"conv.weight": f32(4, 3, 3, 3), "fc.weight": f32(36, 10)},
                        path("weights", "wrong.safetensors"))

    for name, array, version in (("matrix.npy", f32(2, 3), 1),
                                 ("image.npy", f32(1, 3, 4, 4), 1),
                                 ("scalar.npy", f32(), 1),
                                 ("v2.npy", f32(5), 2)):
        with open(path("npy", name), "wb") as f:
            f.write(npy_bytes(array, version))

    make_onnx = os.path.join(HERE, "..", "Frontend", "onnx", "Inputs",
                             "make_onnx.py")
    for case in ("all-ops", "repeated", "constant-operands", "cycle", "raw-data-size",
                 "attribute-type", "pad-then-relu", "training-bn"):
        subprocess.run([sys.executable, make_onnx, case,
                        path("onnx", case + ".onnx")], check=True)


if __name__ == "__main__":
    main()
